// The one owner of process-group signals: it signals -pgid, survives groups that are gone, and
// sweeps only groups not known to have ended. One case signals a real process group.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ProcessGroups } from '../../actors/process-groups.js';

it('signals the whole group (a negative pid), says false when it is gone, and sweeps the live ones', () => {
  const kills: [number, string][] = [];
  const reasons: string[] = [];
  const groups = new ProcessGroups({
    kill: (pgid, signal) => {
      if (pgid === 13) throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
      kills.push([pgid, signal]);
    },
    onSignal: (_pgid, _signal, reason) => reasons.push(reason),
  });
  assert.equal(groups.signal(12, 'SIGTERM', 'stop'), true);
  assert.equal(groups.signal(13, 'SIGKILL', 'grace-expired'), false);
  groups.started(1, 21);
  groups.started(2, 22);
  groups.ended(1);
  groups.sweep();
  assert.deepEqual(kills, [
    [12, 'SIGTERM'],
    [22, 'SIGKILL'],
  ]);
  assert.deepEqual(reasons, ['stop', 'grace-expired', 'sweep']);
  assert.deepEqual([...groups.live], [[2, 22]]);
});

it('by default sends the signal to the process group with kill(-pgid)', (t) => {
  const kill = t.mock.method(process, 'kill', () => true);
  new ProcessGroups().signal(4242, 'SIGTERM', 'stop');
  assert.deepEqual(kill.mock.calls[0]?.arguments, [-4242, 'SIGTERM']);
});

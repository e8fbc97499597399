// The admission policy on its own: pools, first fit in arrival order, and the reservation
// that keeps a big job from starving behind a stream of small ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Admission, impossibleRequest, type Pools, type ResourceRequest } from '../../../actors/resources/admission.js';

const req = (cores: number, licenses: Record<string, number> = {}, memoryBytes = 0): ResourceRequest => ({ cores, memoryBytes, licenses });
const keys = <K>(started: readonly { key: K }[]): K[] => started.map((s) => s.key);
const pools = (over: Partial<Pools> = {}): Pools => ({ slots: 8, cores: 2, memoryBytes: 1e9, licenses: null, ...over });

describe('Admission', () => {
  it('starts requests in arrival order within the job slots', () => {
    const a = new Admission<string>(pools({ slots: 2, cores: 100 }));
    for (const k of ['a', 'b', 'c']) a.enqueue(k, req(1));
    assert.deepEqual(keys(a.admit()), ['a', 'b']);
    assert.deepEqual(keys(a.admit()), []);
    a.release('a');
    assert.deepEqual(keys(a.admit()), ['c']);
    assert.equal(a.running, 2);
    assert.equal(a.waiting, 0);
  });

  it('never runs two 2-core jobs at once on 2 cores', () => {
    const a = new Admission<string>(pools());
    a.enqueue('x', req(2));
    a.enqueue('y', req(2));
    assert.deepEqual(keys(a.admit()), ['x']);
    assert.deepEqual(keys(a.admit()), []);
    assert.deepEqual([...a.blockedBy()], [['cores', 1]]);
    a.release('x');
    assert.deepEqual(keys(a.admit()), ['y']);
  });

  it('counts memory and declared licences, and ignores licences when none are declared', () => {
    const m = new Admission<string>(pools({ cores: 8, memoryBytes: 3e9 }));
    m.enqueue('a', req(1, {}, 2e9));
    m.enqueue('b', req(1, {}, 2e9));
    assert.deepEqual(keys(m.admit()), ['a']);
    assert.deepEqual([...m.blockedBy()], [['memory', 1]]);

    const l = new Admission<string>(pools({ cores: 8, licenses: { VCS: 1 } }));
    for (const k of ['a', 'b', 'c']) l.enqueue(k, req(1, { VCS: 1 }));
    assert.deepEqual(keys(l.admit()), ['a']);
    assert.deepEqual([...l.blockedBy()], [['license:VCS', 2]]);
    l.release('a');
    assert.deepEqual(keys(l.admit()), ['b']);

    const free = new Admission<string>(pools({ cores: 8, licenses: null }));
    for (const k of ['a', 'b', 'c']) free.enqueue(k, req(1, { VCS: 1 }));
    assert.deepEqual(keys(free.admit()), ['a', 'b', 'c']);
  });

  it('lets a later job start past one that does not fit', () => {
    const a = new Admission<string>(pools());
    a.enqueue('small-1', req(1));
    assert.deepEqual(keys(a.admit()), ['small-1']);
    a.enqueue('big', req(2));
    a.enqueue('small-2', req(1));
    assert.deepEqual(keys(a.admit()), ['small-2']);
  });

  /** Small 1-core jobs arrive forever, one each time one ends; returns the step the big job started at. */
  const streamAgainstBig = (maxBypass: number, steps: number): number | null => {
    const a = new Admission<string>(pools({ slots: 8, cores: 2 }), maxBypass);
    let n = 0;
    const running = new Set<string>();
    const add = (): void => a.enqueue(`s${n++}`, req(1));
    add();
    add();
    for (const k of keys(a.admit())) running.add(k);
    a.enqueue('big', req(2));
    for (let step = 0; step < steps; step++) {
      // The oldest small job ends and two more arrive: the pool never drains by itself.
      const done = [...running].find((k) => k !== 'big');
      if (done !== undefined) {
        running.delete(done);
        a.release(done);
      }
      add();
      add();
      for (const k of keys(a.admit())) {
        if (k === 'big') return step;
        running.add(k);
      }
    }
    return null;
  };

  it('does not starve a big job behind a stream of small ones', () => {
    const started = streamAgainstBig(4, 1000);
    assert.notEqual(started, null, 'the big job never started');
    assert.ok((started ?? Infinity) <= 4 + 2, `started at step ${started}`);
  });

  it('(control) without the reservation the same stream starves it', () => {
    assert.equal(streamAgainstBig(Number.POSITIVE_INFINITY, 1000), null);
  });

  it('holds the reserved amounts back from later jobs but lets them use the rest', () => {
    const a = new Admission<string>(pools({ slots: 8, cores: 4 }), 0);
    a.enqueue('r1', req(2));
    assert.deepEqual(keys(a.admit()), ['r1']);
    a.enqueue('big', req(3)); // short by 1 core: reserved at once (maxBypass 0)
    a.enqueue('tiny', req(1));
    // 2 running + 3 reserved > 4: tiny must wait although a core is free.
    assert.deepEqual(keys(a.admit()), []);
    a.release('r1');
    assert.deepEqual(keys(a.admit()), ['big', 'tiny']);
  });

  it('says which pool a job last waited for', () => {
    const a = new Admission<string>(pools({ slots: 2, cores: 8, licenses: { VCS: 1 } }));
    a.enqueue('a', req(1, { VCS: 1 }));
    a.enqueue('b', req(1, { VCS: 1 }));
    a.enqueue('c', req(1));
    assert.deepEqual(a.admit(), [
      { key: 'a', waitedFor: null },
      { key: 'c', waitedFor: null },
    ]);
    a.enqueue('d', req(1));
    assert.deepEqual(a.admit(), []);
    a.release('a');
    assert.deepEqual(a.admit(), [{ key: 'b', waitedFor: 'license:VCS' }]);
    a.release('c');
    assert.deepEqual(a.admit(), [{ key: 'd', waitedFor: 'slots' }]);
  });

  it('cancels waiting requests of a stopping group', () => {
    const a = new Admission<string>(pools({ slots: 1 }));
    for (const k of ['g1.a', 'g2.a', 'g1.b']) a.enqueue(k, req(1));
    assert.deepEqual(keys(a.admit()), ['g1.a']);
    assert.deepEqual(
      a.cancel((k) => k.startsWith('g1.')),
      ['g1.b'],
    );
    a.release('g1.a');
    assert.deepEqual(keys(a.admit()), ['g2.a']);
    assert.equal(a.waiting, 0);
  });

  it('serves thousands waiting for one licence in order', () => {
    const a = new Admission<number>(pools({ slots: 4, cores: 4, licenses: { VCS: 2 } }));
    for (let i = 0; i < 5000; i++) a.enqueue(i, req(1, { VCS: 1 }));
    const order: number[] = [];
    let running = keys(a.admit());
    while (running.length > 0) {
      order.push(...running);
      for (const k of running) a.release(k);
      running = keys(a.admit());
    }
    assert.equal(order.length, 5000);
    assert.deepEqual(order.slice(0, 4), [0, 1, 2, 3]);
    assert.ok(order.every((k, i) => k === i));
  });
});

describe('impossibleRequest', () => {
  it('names the pool a request can never fit in', () => {
    const p = pools({ cores: 2, memoryBytes: 1e9, licenses: { VCS: 1 } });
    assert.deepEqual(impossibleRequest(p, req(64)), { pool: 'cores', wants: 64, has: 2 });
    assert.deepEqual(impossibleRequest(p, req(1, {}, 2e9)), { pool: 'memory', wants: 2e9, has: 1e9 });
    assert.deepEqual(impossibleRequest(p, req(1, { VCS: 2 })), { pool: 'license:VCS', wants: 2, has: 1 });
    assert.deepEqual(impossibleRequest(p, req(1, { XLM: 1 })), { pool: 'license:XLM', wants: 1, has: null });
    assert.equal(impossibleRequest(p, req(2, { VCS: 1 }, 1e9)), undefined);
    assert.equal(impossibleRequest(pools(), req(1, { ANY: 5 })), undefined, 'licences are not counted when none are declared');
  });
});

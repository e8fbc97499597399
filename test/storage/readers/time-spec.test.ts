import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterError } from '../../../storage/readers/errors.js';
import { parseTimeSpec } from '../../../storage/readers/time-spec.js';

// A run from 23:50 to 00:20 local time, so clock times cross midnight.
const startDate = new Date(2024, 4, 1, 23, 50, 0);
const span = { start: startDate.getTime() / 1000, end: startDate.getTime() / 1000 + 1800 };
const local = (d: number, h: number, m: number, s = 0): number => new Date(2024, 4, d, h, m, s).getTime() / 1000;

describe('parseTimeSpec', () => {
  it('reads unix seconds', () => {
    assert.equal(parseTimeSpec('1714600000', span, '--since'), 1714600000);
    assert.equal(parseTimeSpec('1714600000.25', span, '--since'), 1714600000.25);
  });

  it('reads durations before the run end, and after its start with +', () => {
    assert.equal(parseTimeSpec('5m', span, '--since'), span.end - 300);
    assert.equal(parseTimeSpec('1h30m', span, '--since'), span.end - 5400);
    assert.equal(parseTimeSpec('90s', span, '--since'), span.end - 90);
    assert.equal(parseTimeSpec('+2m', span, '--until'), span.start + 120);
  });

  it("reads clock times on the run's day, or the next day when that is inside the run", () => {
    assert.equal(parseTimeSpec('23:55', span, '--since'), local(1, 23, 55));
    assert.equal(parseTimeSpec('23:55:30', span, '--since'), local(1, 23, 55, 30));
    assert.equal(parseTimeSpec('00:10:00', span, '--since'), local(2, 0, 10));
    assert.equal(parseTimeSpec('12:00', span, '--since'), local(1, 12, 0));
  });

  it('reads ISO dates and times as local unless a zone is given', () => {
    assert.equal(parseTimeSpec('2024-05-01T23:55:00', span, '--since'), local(1, 23, 55));
    assert.equal(parseTimeSpec('2024-05-01 23:55:00', span, '--since'), local(1, 23, 55));
    assert.equal(parseTimeSpec('2024-05-02', span, '--since'), local(2, 0, 0));
    assert.equal(parseTimeSpec('2024-05-01T12:00:00Z', span, '--since'), Date.UTC(2024, 4, 1, 12) / 1000);
  });

  it('rejects anything else with the option in the message', () => {
    assert.throws(
      () => parseTimeSpec('yesterday', span, '--since'),
      (error: unknown) => error instanceof FilterError && error.message.startsWith("--since 'yesterday'"),
    );
    assert.throws(() => parseTimeSpec('25:00', span, '--until'), FilterError);
  });
});

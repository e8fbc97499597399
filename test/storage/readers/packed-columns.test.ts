import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDecimals, parseIntegers, sortedOrder } from '../../../storage/readers/packed-columns.js';

describe('packed columns', () => {
  it('parses decimals exactly as Number does, fast path and fallbacks alike', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values: number[] = [0, 5, 1.5e300, -2.25, 1e-7, 123456789012345680, 1_700_000_000.001];
    for (let i = 0; i < 20_000; i++) values.push(1.7e9 + random() * 1e6, random(), Math.round(random() * 1e9) / 1000, random() * 1e-5);
    // SQLite writes REALs with up to 15 significant digits, or as many as a round trip needs.
    const texts = [
      ...values.map(String),
      ...values.map((value) => value.toPrecision(15)),
      '1e5',
      '2.5E-3',
      '9007199254740993',
      '900719925474099.3',
      '-0.5',
      '',
    ];
    const parsed = parseDecimals(texts.join(','), texts.length);
    texts.forEach((text, i) => assert.ok(Object.is(parsed[i], Number(text)), `${text}: ${parsed[i]} !== ${Number(text)}`));
  });

  it('parses integers and orders times stably', () => {
    assert.deepEqual([...parseIntegers('0,17,4096', 3)], [0, 17, 4096]);
    assert.deepEqual(sortedOrder(new Float64Array([1, 2, 3])), null);
    assert.deepEqual([...sortedOrder(new Float64Array([3, 1, 2, 1]))!], [1, 3, 2, 0]);
  });
});

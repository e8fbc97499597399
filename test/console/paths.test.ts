import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elide, foldPaths } from '../../console/paths.js';

test('array instances fold into brace ranges, other paths stay as they are', () => {
  assert.deepEqual(
    foldPaths(['top.r.seed_3', 'top.smoke', 'top.r.seed_7', 'top.r.seed_12', 'top.r.seed_13', 'top.r.seed_14', 'top.r.seed_15', 'top.x_1', 'top.r.seed_8']),
    ['top.r.seed_{3,7,8,12..15}', 'top.smoke', 'top.x_1'],
  );
});

test('a fold of thousands of scattered seeds stays one short entry with its count', () => {
  const paths = Array.from({ length: 5000 }, (_, i) => `top.r.seed_${i * 3}`);
  const [folded] = foldPaths(paths);
  assert.match(folded ?? '', /^top\.r\.seed_\{0,3,6,9,.*,45,…\} \(5000\)$/);
  assert.ok((folded ?? '').length < 100);
});

test('elide keeps the first entries and counts the rest', () => {
  assert.deepEqual(elide(['a', 'b', 'c'], 3), ['a', 'b', 'c']);
  assert.deepEqual(elide(['a', 'b', 'c', 'd'], 2), ['a', 'b', '… and 2 more']);
});

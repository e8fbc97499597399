// Live counters and the stacked progress bar of a run or group.
import type { Counts } from '../../protocol.js';
import { CATEGORY_WORDS } from '../format.js';

export function CountCells({ counts }: { counts: Counts }) {
  return (
    <>
      {CATEGORY_WORDS.map(([category]) => (
        <td class={`num count-${category}${counts[category] === 0 ? ' zero' : ''}`} data-count={category}>
          {counts[category]}
        </td>
      ))}
    </>
  );
}

export function CountList({ counts }: { counts: Counts }) {
  return (
    <span class="count-list">
      <span data-count="total">{counts.total} jobs</span>
      {CATEGORY_WORDS.filter(([category]) => counts[category] > 0 || category === 'passed' || category === 'failed').map(([category, word]) => (
        <span class={`count-${category}`} data-count={category}>
          {counts[category]} {word}
        </span>
      ))}
    </span>
  );
}

export function Progress({ counts }: { counts: Counts }) {
  const total = Math.max(1, counts.total);
  const part = (n: number): string => `${(100 * n) / total}%`;
  return (
    <span class="progress" title={CATEGORY_WORDS.map(([c, w]) => `${counts[c]} ${w}`).join(', ')}>
      <span class="bar-passed" style={{ width: part(counts.passed) }} />
      <span class="bar-failed" style={{ width: part(counts.failed) }} />
      <span class="bar-aborted" style={{ width: part(counts.aborted + counts.cutOff) }} />
      <span class="bar-running" style={{ width: part(counts.running) }} />
    </span>
  );
}

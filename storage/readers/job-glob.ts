// `--job GLOB` on dotted paths: `*` and `?` stay within one segment, `**` spans any number of
// segments (zero included). A pattern that names a group or array selects its whole subtree,
// so `--job top.sims` means every sim.
import { FilterError } from './errors.js';

const escape = (text: string): string => text.replace(/[\\^$+.()|{}[\]]/g, '\\$&');

const segmentRegex = (segment: string): string => {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch === '*') {
      if (segment[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^.]*';
    } else if (ch === '?') out += '[^.]';
    else out += escape(ch);
  }
  return out;
};

/** Compiles one glob to a whole-path matcher. */
export function compileJobGlob(pattern: string): (path: string) => boolean {
  if (pattern.trim() === '') throw new FilterError('--job: empty pattern');
  const segments = pattern.split('.');
  let source = '';
  segments.forEach((segment, i) => {
    if (segment === '**') {
      // Zero or more whole segments. At the start it eats the dot after each segment; elsewhere
      // the dot before each, so `top.**.sim_1` also matches `top.sim_1` and `top.**` matches `top`.
      source += segments.length === 1 ? '.*' : i === 0 ? '(?:[^.]+\\.)*' : '(?:\\.[^.]+)*';
      return;
    }
    if (i > 0 && !(i === 1 && segments[0] === '**')) source += '\\.';
    source += segmentRegex(segment);
  });
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(path);
}

/**
 * The ids of nodes selected by any of the globs: a node is selected when its own path matches
 * or an ancestor's does. `nodes` must list parents before children (the `jobs` view's id order).
 */
export function selectNodes(
  nodes: readonly { readonly id: number; readonly parentId: number | null; readonly path: string }[],
  globs: readonly string[],
): Set<number> {
  const matchers = globs.map(compileJobGlob);
  const selected = new Set<number>();
  for (const node of nodes) {
    if ((node.parentId !== null && selected.has(node.parentId)) || matchers.some((match) => match(node.path))) selected.add(node.id);
  }
  return selected;
}

// The six tags of Gator's language and their fields, in Gator's positional order (the order
// a sequence-form node such as `!Job [name, {}, null, echo]` is read in).
import type { NodeKind } from './model.js';

export type ResourceKind = 'cores' | 'memory' | 'license';
export type TagKind = NodeKind | ResourceKind;

export interface TagInfo {
  readonly tag: string;
  readonly kind: TagKind;
  /** Field names in positional order (Gator's fields). */
  readonly fields: readonly string[];
  /** Fields Gator does not have, accepted in mapping form only (positions stay Gator's). */
  readonly named: readonly string[];
}

/** Regression control, on every node kind: inherited by the jobs below. */
const CONTROL = ['timeout', 'retries', 'retry_on', 'mkdir', 'scheduler'];
/** How lines are read and jobs judged, on every node kind: inherited by the jobs below. */
export const VERDICT_FIELDS = ['parsers', 'fail_patterns', 'pass_patterns', 'ignore_patterns', 'severity_patterns', 'limits', 'stderr'];
/** A group's own limit, and the run's resource pools (top-level node only). */
const TIER = ['group_timeout', 'pools'];

const TABLE: readonly TagInfo[] = [
  {
    tag: '!JobGroup',
    kind: 'group',
    fields: ['ident', 'jobs', 'env', 'cwd', 'on_fail', 'on_pass', 'on_done'],
    named: [...CONTROL, ...TIER, ...VERDICT_FIELDS],
  },
  {
    tag: '!JobArray',
    kind: 'array',
    fields: ['ident', 'repeats', 'jobs', 'env', 'cwd', 'on_fail', 'on_pass', 'on_done'],
    named: ['parameters', ...CONTROL, ...TIER, ...VERDICT_FIELDS],
  },
  {
    tag: '!Job',
    kind: 'job',
    fields: ['ident', 'env', 'cwd', 'command', 'args', 'resources', 'on_done', 'on_fail', 'on_pass'],
    named: ['seed', ...CONTROL, ...VERDICT_FIELDS],
  },
  { tag: '!Cores', kind: 'cores', fields: ['count'], named: [] },
  { tag: '!Memory', kind: 'memory', fields: ['size', 'unit'], named: [] },
  { tag: '!License', kind: 'license', fields: ['name', 'count'], named: [] },
];

export const TAGS: ReadonlyMap<string, TagInfo> = new Map(TABLE.map((t) => [t.tag, t]));
export const TAG_NAMES: readonly string[] = TABLE.map((t) => t.tag);
export const NODE_TAG_NAMES = '!JobGroup, !JobArray or !Job';
export const RESOURCE_TAG_NAMES = '!Cores, !Memory or !License';

export function isNodeKind(kind: TagKind): kind is NodeKind {
  return kind === 'job' || kind === 'group' || kind === 'array';
}

/** `id` is the seed README's spelling of `ident`; both are accepted in mapping form. */
export const IDENT_ALIAS = 'id';

/** For "unknown field" messages: `ident (or id), env, …`. */
export function allowedFields(info: TagInfo): string {
  return [...info.fields, ...info.named].map((f) => (f === 'ident' ? 'ident (or id)' : f)).join(', ');
}

export function acceptsField(info: TagInfo, name: string): boolean {
  return info.fields.includes(name) || info.named.includes(name);
}

/**
 * Memory units, keyed by lower case (units are matched case-insensitively after trimming).
 * Decimal units are powers of 1000 (Gator's KB factor was a bug); binary ones powers of 1024.
 */
export const MEMORY_UNITS: ReadonlyMap<string, { readonly name: string; readonly bytes: number }> = new Map(
  [
    ['KB', 1e3],
    ['MB', 1e6],
    ['GB', 1e9],
    ['TB', 1e12],
    ['KiB', 2 ** 10],
    ['MiB', 2 ** 20],
    ['GiB', 2 ** 30],
    ['TiB', 2 ** 40],
  ].map(([name, bytes]) => [String(name).toLowerCase(), { name: String(name), bytes: Number(bytes) }]),
);
export const MEMORY_UNIT_NAMES = 'KB, MB, GB, TB, KiB, MiB, GiB, TiB';
export const DEFAULT_MEMORY_UNIT = 'MB';

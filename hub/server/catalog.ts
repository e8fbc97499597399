// The runs under the hub's DIR, found again whenever the directory changes (and every few
// seconds, for file systems that do not say): a tracking root of run directories, one run's
// directory, or one run.sqlite. A run is known by its directory's name; nothing outside DIR is
// ever opened, so a run directory or database that is a link leading out of DIR is left out.
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { LATEST_LINK, RUN_DB_NAME } from '../../storage/readers/open-run.js';
import { findRuns, type FoundRun } from '../../storage/readers/runs-list.js';
import { RunNotFoundError } from '../../storage/readers/errors.js';
import { WatchedRun } from './watched-run.js';

/** A run name is one path segment of these characters: it goes into URLs and nothing else. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

export const isRunName = (name: string): boolean => NAME.test(name) && name !== LATEST_LINK;

const realpath = (path: string): string | null => {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
};

export interface CatalogChange {
  readonly added: readonly WatchedRun[];
  readonly removed: readonly string[];
}

export class Catalog {
  /** The real path of DIR (until DIR exists, the path it will have). */
  #root: string;
  #single: boolean;
  /** DIR does not exist yet (the default ./tracking before the first run): look for it at each scan. */
  #waiting: boolean;
  readonly #runs = new Map<string, WatchedRun>();
  /** Why a found database could not be opened yet (a run still creating its file, say). */
  readonly #unreadable = new Map<string, string>();
  #latest: string | null = null;

  /** `waitForDir`: a DIR that does not exist yet is watched for instead of refused. */
  constructor(dir: string, options: { readonly waitForDir?: boolean } = {}) {
    const root = realpath(dir);
    if (root === null && options.waitForDir !== true) throw new RunNotFoundError(dir, 'no such file or directory');
    this.#root = root ?? resolve(dir);
    this.#waiting = root === null;
    this.#single = root !== null && this.#isOneRun(root);
  }

  /** One run: its database, or its directory. */
  #isOneRun(root: string): boolean {
    const stat = statSync(root);
    return stat.isFile() || (stat.isDirectory() && realpath(join(root, RUN_DB_NAME)) !== null);
  }

  get root(): string {
    return this.#root;
  }

  /** Whether DIR exists yet. */
  get exists(): boolean {
    return !this.#waiting;
  }

  /** The run databases DIR holds now, each with the name it is served under. */
  #found(): FoundRun[] {
    if (this.#single) {
      const isFile = statSync(this.#root).isFile();
      const dir = isFile ? dirname(this.#root) : this.#root;
      const dbPath = isFile ? this.#root : join(this.#root, RUN_DB_NAME);
      return [
        {
          name:
            basename(dir)
              .replace(/[^A-Za-z0-9._+-]/g, '_')
              .replace(/^[.-]/, '_') || 'run',
          dir,
          dbPath,
        },
      ];
    }
    return findRuns(this.#root).filter((found) => found.name !== '.');
  }

  /** Whether a found database really lies inside DIR, links resolved. */
  #inside(found: FoundRun): boolean {
    if (this.#single) return true;
    const real = realpath(found.dbPath);
    return real !== null && real.startsWith(this.#root + sep);
  }

  /** Looks at DIR again: opens the runs that appeared, closes those that went. */
  scan(): CatalogChange {
    if (this.#waiting) {
      const root = realpath(this.#root);
      if (root === null) return { added: [], removed: [] };
      this.#root = root;
      this.#single = this.#isOneRun(root);
      this.#waiting = false;
    }
    const found = this.#found().filter((entry) => isRunName(entry.name) && this.#inside(entry));
    const names = new Set(found.map((entry) => entry.name));
    const added: WatchedRun[] = [];
    for (const entry of found) {
      if (this.#runs.has(entry.name)) continue;
      try {
        const run = new WatchedRun(entry.name, entry.dir, entry.dbPath);
        this.#runs.set(entry.name, run);
        this.#unreadable.delete(entry.name);
        added.push(run);
      } catch (error) {
        this.#unreadable.set(entry.name, error instanceof Error ? error.message : String(error));
      }
    }
    const removed: string[] = [];
    for (const [name, run] of this.#runs) {
      if (names.has(name)) continue;
      run.close();
      this.#runs.delete(name);
      removed.push(name);
    }
    for (const name of this.#unreadable.keys()) if (!names.has(name)) this.#unreadable.delete(name);
    const latest = this.#single ? null : realpath(join(this.#root, LATEST_LINK));
    this.#latest = latest === null ? null : basename(latest);
    return { added, removed };
  }

  get(name: string): WatchedRun | undefined {
    return isRunName(name) ? this.#runs.get(name) : undefined;
  }

  runs(): WatchedRun[] {
    return [...this.#runs.values()];
  }

  isLatest(name: string): boolean {
    return this.#latest === name;
  }

  unreadable(): { name: string; error: string }[] {
    return [...this.#unreadable].map(([name, error]) => ({ name, error }));
  }

  close(): void {
    for (const run of this.#runs.values()) run.close();
    this.#runs.clear();
  }
}

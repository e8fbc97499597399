// The hub as a user starts it (the built `gator hub`, a real process on a free loopback port),
// real runs to show in it (the built `gator run`), and a real browser to look with: Debian's
// Chromium driven by playwright-core, never a downloaded one. Browser tests skip with a plain
// message when no Chromium is installed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { BrowserContext } from 'playwright-core';
import { GATOR, ROOT } from './cli.js';

export interface HubProcess {
  readonly url: string;
  readonly origin: string;
  readonly token: string | null;
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `gator hub DIR` (`gator hub` when DIR is null) and waits for the URL it prints. */
export async function startHubProcess(dir: string | null, args: readonly string[] = [], cwd: string = ROOT): Promise<HubProcess> {
  const child = spawn(process.execPath, [GATOR, 'hub', ...(dir === null ? [] : [dir]), '--port', '0', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (out += text));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gator hub printed no URL:\n${out}`)), 60_000);
    const look = (): void => {
      const match = /at (http:\/\/\S+)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gator hub exited (${code}) before printing its URL:\n${out}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token'),
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve(child.exitCode);
          return;
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill('SIGINT');
      }),
  };
}

/** Runs a spec to the end with the built CLI; returns its exit code. */
export function runSpec(spec: string, tracking: string, args: readonly string[] = [], cwd: string = ROOT): number {
  try {
    execFileSync(process.execPath, [GATOR, 'run', spec, '--tracking', tracking, '--quiet', ...args], {
      cwd,
      stdio: 'ignore',
      env: { ...process.env, NO_COLOR: '1' },
    });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

/** Starts a run in the background (a live run for the hub to follow). */
export function startRun(spec: string, tracking: string, args: readonly string[] = [], cwd: string = ROOT): ChildProcess {
  return spawn(process.execPath, [GATOR, 'run', spec, '--tracking', tracking, '--quiet', ...args], {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

export const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/** Runs `gator ARGS` and returns its stdout. */
export const gatorOutput = (args: readonly string[], cwd: string = ROOT): string =>
  execFileSync(process.execPath, [GATOR, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

export const tempRoot = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

export const writeFile = (path: string, text: string): string => {
  writeFileSync(path, text);
  return path;
};

// ---------------------------------------------------------------------------------------------
// The browser.

/** Debian's Chromium (or CHROMIUM_PATH); null when there is none. */
export const chromiumPath = (): string | null => {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate !== undefined && candidate !== '' && existsSync(candidate)) return candidate;
  }
  return null;
};

/** Why browser tests are skipped here, or null when they can run. */
export const browserSkip = (): string | null =>
  chromiumPath() === null ? "skipped: no Chromium here (install Debian's chromium, as .ci/run does, or set CHROMIUM_PATH)" : null;

/** The flags this machine's Chromium needs: no sandbox as root, no GPU, no network of its own. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile directory, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error('no Chromium');
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'gator-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where the browser tests write their screenshots (GATOR_SCREENSHOTS, else a temporary folder). */
export const screenshotDir = (): string => {
  const dir = process.env.GATOR_SCREENSHOTS ?? join(tmpdir(), 'gator-hub-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
};

/**
 * How varied a PNG's pixels are: the number of distinct colours among its decoded rows (a
 * blank page has one or two). Reads the PNG itself: IHDR, the IDAT stream, and the row filters.
 */
export function pngColours(png: Buffer): number {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 4;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = ({ 2: 3, 6: 4, 0: 1, 4: 2 } as Record<number, number>)[data[9] as number] ?? 4;
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const previous = new Uint8Array(stride);
  const row = new Uint8Array(stride);
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const base = y * (stride + 1);
    const filter = raw[base] as number;
    for (let x = 0; x < stride; x++) {
      const value = raw[base + 1 + x] as number;
      const left = x >= channels ? (row[x - channels] as number) : 0;
      const up = previous[x] as number;
      const upLeft = x >= channels ? (previous[x - channels] as number) : 0;
      let out: number;
      if (filter === 1) out = value + left;
      else if (filter === 2) out = value + up;
      else if (filter === 3) out = value + ((left + up) >> 1);
      else if (filter === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        out = value + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      } else out = value;
      row[x] = out & 0xff;
    }
    for (let x = 0; x < stride; x += channels) colours.add(((row[x] as number) << 16) | ((row[x + 1] as number) << 8) | (row[x + 2] as number));
    previous.set(row);
  }
  return colours.size;
}

/** Polls `check` (sync or async) until it gives a value other than undefined, or fails after `timeoutMs`. */
export async function until<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

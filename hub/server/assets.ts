// The hub's own files, all shipped in the package (no CDN, nothing fetched at run time): the
// compiled browser code under dist/web, its stylesheet, and the few library files the pages
// load (preact, its hooks and JSX runtime, uPlot). Every servable file is listed once at start;
// a request is looked up in that list and never joined onto a directory, so no URL can reach
// anything else.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The package root: the nearest folder above this file with a package.json. */
const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      if (statSync(join(dir, 'package.json')).isFile()) return dir;
    } catch {
      // keep climbing
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('gator hub: cannot find the package folder');
    dir = parent;
  }
};

const filesUnder = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && TYPES[extname(entry.name)] !== undefined) out.push(path);
    }
  };
  walk(dir);
  return out;
};

/** Library files the pages import, by the name the import map gives them. */
const VENDOR: Readonly<Record<string, string>> = {
  'preact.mjs': 'preact',
  'hooks.mjs': 'preact/hooks',
  'jsx-runtime.mjs': 'preact/jsx-runtime',
  'uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  'uPlot.min.css': 'uplot/dist/uPlot.min.css',
};

const IMPORT_MAP = JSON.stringify({
  imports: { preact: '/assets/vendor/preact.mjs', 'preact/hooks': '/assets/vendor/hooks.mjs', 'preact/jsx-runtime': '/assets/vendor/jsx-runtime.mjs' },
});

export class Assets {
  readonly #files = new Map<string, Asset>();
  readonly index: Buffer;
  /** The Content-Security-Policy: own files only, plus the one inline import map by its hash. */
  readonly csp: string;

  constructor() {
    const root = packageRoot();
    const web = join(root, 'dist', 'web');
    let appFiles: string[];
    try {
      appFiles = filesUnder(web);
    } catch (error) {
      throw new Error(`gator hub: the browser code is not built (${web}); run npm install or npm run build`, { cause: error });
    }
    for (const file of appFiles) this.#add(`/assets/app/${relative(web, file).split(sep).join('/')}`, file);
    this.#add('/assets/style.css', join(root, 'hub', 'web', 'style.css'));
    const require = createRequire(import.meta.url);
    for (const [name, specifier] of Object.entries(VENDOR)) this.#add(`/assets/vendor/${name}`, require.resolve(specifier));
    const mapHash = createHash('sha256').update(IMPORT_MAP).digest('base64');
    this.csp = [
      "default-src 'self'",
      `script-src 'self' 'sha256-${mapHash}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
    this.index = Buffer.from(
      [
        '<!doctype html>',
        '<html lang="en">',
        '<head>',
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<title>Gator hub</title>',
        '<link rel="icon" href="data:,">',
        '<link rel="stylesheet" href="/assets/vendor/uPlot.min.css">',
        '<link rel="stylesheet" href="/assets/style.css">',
        `<script type="importmap">${IMPORT_MAP}</script>`,
        '<script src="/assets/vendor/uPlot.iife.min.js"></script>',
        '<script type="module" src="/assets/app/hub/web/main.js"></script>',
        '</head>',
        '<body><div id="app"></div></body>',
        '</html>',
        '',
      ].join('\n'),
    );
  }

  #add(url: string, file: string): void {
    this.#files.set(url, { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream' });
  }

  get(path: string): Asset | undefined {
    return this.#files.get(path);
  }
}

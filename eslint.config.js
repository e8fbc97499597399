// Lint rules: typescript-eslint's type-aware recommended set, plus the rules that keep the
// layering of ARCHITECTURE.md (which folder may import which) and exhaustive switches.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports a folder may not make, by folder: the layering of ARCHITECTURE.md, enforced. */
const layers = [
  {
    folder: 'vocabulary',
    banned: ['**/runtime/**', '**/actors/**', '**/storage/**', '**/spec/**', '**/console/**', '**/cli/**', 'better-sqlite3'],
    why: 'vocabulary/ holds the shared codes, names and wording: pure, it imports no other layer',
  },
  {
    folder: 'runtime',
    banned: ['**/vocabulary/**', '**/actors/**', '**/storage/**', '**/spec/**', '**/console/**', '**/cli/**', 'better-sqlite3'],
    why: 'runtime/ knows nothing of jobs: it imports no other layer',
  },
  {
    folder: 'parsers',
    banned: ['**/runtime/**', '**/actors/**', '**/storage/**', '**/spec/**', '**/console/**', '**/cli/**', 'better-sqlite3'],
    why: 'parsers/ classifies lines: pure, it knows only vocabulary/ (spec/ and actors/ use it)',
  },
  {
    folder: 'spec',
    banned: ['**/actors/**', '**/storage/**', '**/runtime/**', '**/console/**', '**/cli/**', 'better-sqlite3'],
    why: 'spec/ is the YAML language: pure, it imports no other layer',
  },
  {
    folder: 'storage',
    banned: ['**/actors/**', '**/console/**', '**/cli/**', '**/runtime/**', '**/hub/**'],
    why: 'storage/ speaks SQL only; it sits below actors/, console/ and cli/',
  },
  {
    folder: 'actors',
    banned: ['**/console/**', '**/cli/**'],
    why: 'actors/ knows nothing of the terminal or the command line',
  },
  {
    folder: 'cluster',
    banned: ['**/actors/**', '**/storage/**', '**/spec/**', '**/runtime/**', '**/console/**', '**/cli/**', '**/leaf/**', 'better-sqlite3'],
    why: 'cluster/ drives a scheduler and carries frames; it knows nothing of runs, actors or SQL',
  },
  {
    folder: 'leaf',
    banned: ['**/storage/**', '**/spec/**', '**/runtime/**', '**/console/**', '**/cli/**', 'better-sqlite3'],
    why: 'the leaf wrapper runs one command on a compute node: the launcher, the sampler, the process-group signals and the frames only',
  },
  {
    folder: 'hub/server',
    banned: ['**/actors/**', '**/runtime/**', '**/spec/**', '**/cluster/**', '**/leaf/**', '**/console/**', '**/cli/**', '**/hub/web/**'],
    why: "the hub's server is a post-run reader: it reads runs through storage/readers/ and knows nothing of the runner or the command line",
  },
  {
    folder: 'hub/web',
    banned: [
      '**/storage/**',
      '**/actors/**',
      '**/runtime/**',
      '**/spec/**',
      '**/cluster/**',
      '**/leaf/**',
      '**/cli/**',
      '**/hub/server/**',
      'better-sqlite3',
      'node:*',
    ],
    why: 'hub/web/ runs in the browser: it talks to the server over HTTP only (types from hub/protocol.ts)',
  },
  {
    folder: 'console',
    banned: ['**/cli/**', '**/hub/**'],
    why: 'console/ renders what it is given; it does not reach up into cli/',
  },
];

/** console/ may name the shapes of report data (type imports, erased) but loads nothing of storage/. */
const consoleNoStorage = {
  files: ['console/**/*.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['**/storage/**'],
            allowTypeImports: true,
            message: 'console/ imports no storage/ code (and so no SQLite); type imports of report data are fine',
          },
          { group: ['better-sqlite3'], message: 'console/ imports no SQLite' },
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'tracking/**', 'benchmarks/.work/**', 'native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      // `typeof import('./x.js')` names what a lazily loaded module provides without loading it.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Control characters in patterns are the point where they appear: the console, the XML
      // export and the YAML reader strip or escape them.
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a const object: enums do not erase under verbatimModuleSyntax.' }],
    },
  },
  ...layers.map(({ folder, banned, why }) => ({
    files: [`${folder}/**/*.ts`, `${folder}/**/*.tsx`],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: banned, message: why }] }] },
  })),
  consoleNoStorage,
  {
    // Plain JavaScript (the bin shim, build scripts, worker fixtures) is outside the TypeScript
    // project, so it gets the syntax rules only.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', setImmediate: 'readonly', Buffer: 'readonly' },
    },
  },
);

// The layer rules of ../shared/HOUSE_STYLE.md, written where a tool checks them (`npm run lint`,
// part of `npm test`). Each layer may import only what lies below it:
//
//   src/ui (React cells, charts)  →  src/app (what buttons do)  →  src/state (store slices)
//        ↘ src/workers (thin entries over one transport)  →  src/storage (IndexedDB)  →  src/core
//   src/cli, src/node (headless)  →  src/core
//   inside core: eval runners (classic, search) and jobs  →  models  →  eval/metrics, eval/predictions, data, features
//
// Type-checking rules stay with tsc (`npm run typecheck`); this config adds only what tsc cannot say.
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const UI_LIBS = ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'plotly.js', 'plotly.js/lib/core'];
const STORE_LIBS = ['zustand', 'zustand/vanilla', 'idb-keyval'];

/**
 * A rule forbidding imports of the named layers (path patterns, gitignore-style) and packages (exact
 * names). With `typesOnly`, `import type` stays allowed (a chart may name a core result type).
 */
function forbid(message, patterns, packages = [], typesOnly = false) {
  return {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [{ group: patterns, message, allowTypeImports: typesOnly }],
        paths: packages.map((name) => ({ name, message, allowTypeImports: typesOnly })),
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'e2e/artifacts/**', 'playwright-report/**'] },
  {
    files: ['src/**/*.{ts,tsx}', 'bench/**/*.ts', 'e2e/**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: {
      // No import cycles anywhere in src (type-only imports included: a cycle of types is still a tangle).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: forbid(
      'src/core is pure TypeScript: it runs in Node, workers and the CLI, and depends on nothing above it (no UI, app, state, storage, workers, CLI or Node-only helpers).',
      ['**/ui/**', '**/app/**', '**/state/**', '**/storage/**', '**/workers/**', '**/cli/**', '**/node/**'],
      [...UI_LIBS, ...STORE_LIBS],
    ),
  },
  {
    // Core tests run in Node and may use the Node-only helpers (../shared paths, file loading, the wasm backend).
    files: ['src/core/**/*.test.ts'],
    rules: forbid('Core tests may use src/node helpers, nothing above core.', ['**/ui/**', '**/app/**', '**/state/**', '**/storage/**', '**/workers/**', '**/cli/**'], [...UI_LIBS, ...STORE_LIBS]),
  },
  {
    // Metrics sit below the models; the runners (classic, search, jobs) above them.
    files: ['src/core/models/**/*.ts'],
    ignores: ['src/core/models/**/*.test.ts'],
    rules: forbid('Models may use eval/metrics (and eval/predictions, the per-sample lists behind its matrices) only: the runners (eval/classic, eval/search, jobs) sit above the models.', ['../eval/*', '!../eval/metrics', '!../eval/predictions', '../jobs', '**/ui/**', '**/app/**', '**/state/**', '**/storage/**', '**/workers/**', '**/cli/**', '**/node/**'], [...UI_LIBS, ...STORE_LIBS]),
  },
  {
    files: ['src/core/eval/metrics.ts', 'src/core/eval/predictions.ts'],
    rules: forbid('eval/metrics and eval/predictions sit below the models.', ['../models/*', '../jobs']),
  },
  {
    files: ['src/storage/**/*.ts'],
    rules: forbid('src/storage holds IndexedDB repositories over core types only.', ['**/ui/**', '**/app/**', '**/state/**', '**/workers/**', '**/cli/**'], [...UI_LIBS, 'zustand', 'zustand/vanilla']),
  },
  {
    files: ['src/workers/**/*.ts'],
    rules: forbid('Workers are thin entries over the core and the transport: they never import the store, the app or the UI.', ['**/ui/**', '**/app/**', '**/state/**', '**/cli/**'], [...UI_LIBS, 'zustand', 'zustand/vanilla']),
  },
  {
    files: ['src/state/**/*.ts'],
    rules: forbid('src/state holds zustand slices on zustand/vanilla (testable in Node): no React, UI, app or workers.', ['**/ui/**', '**/app/**', '**/workers/**', '**/cli/**'], [...UI_LIBS, 'zustand']),
  },
  {
    files: ['src/app/**/*.ts'],
    rules: forbid('src/app holds what buttons do, outside React: no components or charts.', ['**/ui/**', '**/cli/**'], UI_LIBS),
  },
  {
    files: ['src/cli/**/*.ts', 'src/node/**/*.ts'],
    rules: forbid('The CLI runs the same core headless: no UI, app, state or workers.', ['**/ui/**', '**/app/**', '**/state/**', '**/workers/**', '**/storage/**'], [...UI_LIBS, ...STORE_LIBS]),
  },
  {
    // Charts are presentational: (data, options) in, chart out; no metrics, no store.
    files: ['src/ui/charts/**/*.{ts,tsx}'],
    rules: forbid('Charts take (data, options) and render; they read no store and compute no metrics (core result types are fine).', ['**/state/**', '**/app/**', '**/workers/**', '**/core/**'], [], true),
  },
);

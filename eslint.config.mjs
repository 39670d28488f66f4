// Lint, with the layering of ../shared/STYLE.md enforced as import zones.
// A file that imports across a layer the wrong way fails `npm run lint`
// (proved by main/lint/layering.test.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'fs/promises', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'https', 'net', 'zlib', 'url', 'stream', 'util'];
const msg = (layer, what) => `${layer} may not import ${what} (see ../shared/STYLE.md, layering)`;

/** Builds a no-restricted-imports rule from forbidden module patterns. */
function forbid(layer, groups, exactNames = []) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: exactNames.map(({ name, what }) => ({ name, message: msg(layer, what) })),
        patterns: groups.map(({ group, what, allowTypeImports }) => ({ group, message: msg(layer, what), ...(allowTypeImports ? { allowTypeImports: true } : {}) })),
      },
    ],
  };
}

/** Test-only code (…/testing/ folders) is for tests and benchmarks, never for what ships. */
const TESTING = { group: ['**/testing/**', './testing', '../testing'], what: 'test-only helpers (a testing/ folder)' };
const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', '**/testing/**'];

/** What main/ (outside the Electron shell) may never import. */
const MAIN_GROUPS = [
  { group: ['electron', 'electron/*'], what: 'electron (only main/app may)' },
  { group: ['**/renderer/**', '**/preload/**'], what: 'renderer or preload' },
];
const SERVICES_TO_IPC = { group: ['**/ipc', '**/ipc/**'], what: 'the IPC layer (main/ipc: handlers depend on services, not the reverse)' };

/**
 * One layer's import zone as two configs: the layer's rule for its tests and test helpers, then the
 * same rule plus "no testing/ imports" for everything else in it (the later config wins there).
 */
function zone(files, ignores, layer, groups, exactNames = []) {
  return [
    { files, ignores, rules: forbid(layer, groups, exactNames) },
    { files, ignores: [...ignores, ...TEST_FILES], rules: forbid(layer, [...groups, TESTING], exactNames) },
  ];
}

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-results/**', 'playwright-report/**', 'e2e-artifacts/**', '.voxa-data/**', 'native-models/**/*.py', 'main/lint/fixtures/**'],
  },
  js.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // common/: zod and itself only.
  ...zone(['common/**/*.ts'], [], 'common/', [
    { group: nodeBuiltins, what: 'Node built-ins' },
    { group: ['electron', 'electron/*'], what: 'electron' },
    { group: ['react', 'react-dom', 'react/*', '@kitware/*', 'zustand', 'zustand/*', 'onnxruntime-*', 'dcmjs', 'nifti-reader-js', 'ws'], what: 'libraries other than zod' },
    { group: ['**/main/**', '**/renderer/**', '**/preload/**'], what: 'main, renderer or preload' },
  ]),
  // main/ services and everything in main/ except the Electron shell: never electron.
  ...zone(['main/**/*.ts'], ['main/app/**', 'main/services/**'], 'main/', MAIN_GROUPS),
  // main/services/: also never the IPC layer (handlers sit at the edge, services know nothing of IPC).
  // Their tests may drive the handlers end to end.
  { files: ['main/services/**/*.ts'], rules: forbid('main/services', MAIN_GROUPS) },
  { files: ['main/services/**/*.ts'], ignores: TEST_FILES, rules: forbid('main/services', [...MAIN_GROUPS, SERVICES_TO_IPC, TESTING]) },
  ...zone(['main/app/**/*.ts'], [], 'main/app', [{ group: ['**/renderer/**', '**/preload/**'], what: 'renderer or preload' }]),
  // preload/: common/contract and electron only.
  ...zone(['preload/**/*.ts'], [], 'preload/', [
    { group: ['**/main/**', '**/renderer/**'], what: 'main or renderer' },
    { group: nodeBuiltins, what: 'Node built-ins' },
    { group: ['../common/*', '!../common/contract'], what: 'common/ beyond the contract' },
  ]),
  // renderer/: common, and only `import type` of the bridge.
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  ...zone(['renderer/**/*.ts', 'renderer/**/*.tsx'], [], 'renderer/', [
    { group: nodeBuiltins, what: 'Node built-ins' },
    { group: ['electron', 'electron/*'], what: 'electron' },
    { group: ['**/main/**'], what: 'main/' },
    { group: ['**/preload/**'], what: 'preload/ (use `import type`)', allowTypeImports: true },
  ]),
  // renderer state/, geometry/ and each tool's state and behaviour: neither React nor vtk.js
  // (a tool's render.tsx is the only part of it that draws).
  ...zone(
    ['renderer/src/state/**/*.ts', 'renderer/src/geometry/**/*.ts', 'renderer/src/tools/*.ts', 'renderer/src/tools/*/state.ts', 'renderer/src/tools/*/behavior.ts'],
    [],
    'renderer state/, geometry/ and tool state/behaviour',
    [
      { group: nodeBuiltins, what: 'Node built-ins' },
      { group: ['electron', 'electron/*'], what: 'electron' },
      { group: ['**/main/**', '**/preload/**'], what: 'main/ or preload/' },
      { group: ['react', 'react-dom', 'react/*', 'react-dom/*', '@kitware/*', '**/viewport/vtk*', '**/components/**'], what: 'React, vtk.js or components' },
    ],
    [{ name: 'zustand', what: 'zustand with React bindings (use zustand/vanilla)' }],
  ),
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layering DESIGN.md describes, held by `no-restricted-imports` per folder (README "How it works"):
 * - `src/domain` imports nothing outside domain (no package, no other folder);
 * - only the composition root (`src/app.ts`, the library entry `src/index.ts`) and `src/store` itself reach a store
 *   implementation (`store/sqlite`, `store/postgres`) or the row codecs (`store/codec`);
 * - the edges (`api`, `mcp`, `cli`, `client`, `ci`) never import `src/store/**`, except types from the `Store` interface
 *   file `store/store.ts` (the records it names: pages, staged tasks, model gates);
 * - `api` and `mcp` do not import each other (the server process `src/serve.ts` mounts /mcp on the REST server).
 */
const storeImplementations = {
  regex: '(^|/)store/(sqlite|postgres|codec)/',
  message:
    'Only src/app.ts (the composition root) and src/store itself use a store implementation or the row codecs; go through the services of src/engine.',
};
const storeInterfaceValues = {
  regex: '(^|/)store/store\\.js$',
  allowTypeImports: true,
  message: 'Edges import only types from src/store/store.ts; call the services (App) or the REST client instead.',
};
const restrict = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/app.ts', 'src/index.ts', 'src/store/**'],
    rules: restrict(storeImplementations),
  },
  {
    files: ['src/api/**/*.ts'],
    rules: restrict(storeImplementations, storeInterfaceValues, {
      regex: '(^|/)mcp/',
      message: 'api and mcp do not import each other; src/serve.ts mounts the MCP endpoint on the server.',
    }),
  },
  {
    files: ['src/mcp/**/*.ts'],
    rules: restrict(storeImplementations, storeInterfaceValues, {
      regex: '(^|/)api/',
      message: 'mcp and api do not import each other; shared schemas live in src/contract.',
    }),
  },
  {
    files: ['src/cli/**/*.ts', 'src/client/**/*.ts', 'src/ci/**/*.ts'],
    rules: restrict(storeImplementations, storeInterfaceValues),
  },
  {
    files: ['src/domain/*.ts'],
    rules: restrict({
      regex: '^(\\.\\./|[^.])',
      message: 'src/domain imports nothing outside domain (no package, no other folder).',
    }),
  },
  {
    files: ['src/domain/rules/**/*.ts'],
    rules: restrict({
      regex: '^(\\.\\./\\.\\./|[^.])',
      message: 'src/domain imports nothing outside domain (no package, no other folder).',
    }),
  },
  {
    files: ['test/fixtures/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
  },
);

// Bundles the `claude-worker` executable (dist/cli/main.js) with the modules it loads into a few files beside it,
// after tsc has built dist/. A start then reads a handful of files instead of about 650 modules: a server starts on
// about half the CPU, a CLI command on about 40% less. Each command stays a chunk of its own, loaded when it runs.
// Kept outside the bundle: better-sqlite3 (a native addon), the Claude Agent SDK (it finds Claude Code beside its own
// files) and pg's optional native driver. tsc's own dist/cli/*.js stay for the library and the GitHub Action.
// Run by `npm run build`.
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = 'dist/cli';

await build({
  entryPoints: ['src/cli/main.ts'],
  outdir,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', '@anthropic-ai/claude-agent-sdk', 'pg-native'],
  // Bundled CommonJS packages call require(): give every chunk one, as an ES module has none.
  banner: {
    js: "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync(`${outdir}/main.js`, 0o755);

// Bundles the three entry points (and the cluster adapter apart, for the client and for the CLI) with esbuild. Type checking is `tsc -b`; this only emits.
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
};

// node-fetch 2 (under @kubernetes/client-node) requires whatwg-url only as a fallback for Node's own
// URL (`Url.URL || whatwgUrl.URL`), which Node 20 always has; bundled, it would bring ~300 KB of
// Unicode tables (tr46) into the cluster adapter for nothing.
const nodeUrlForWhatwgUrl = {
  name: 'node-url-for-whatwg-url',
  setup(b) {
    b.onResolve({ filter: /^whatwg-url$/ }, () => ({ path: 'whatwg-url', namespace: 'node-url' }));
    b.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({ contents: 'module.exports = { URL: require("node:url").URL };', loader: 'js' }));
  },
};

// The cluster adapter (server/src/cluster/adapter.ts, which `image-aware apply` and the extension's
// cluster commands import dynamically) is one bundle of its own, dist/cluster.js, shared by both, so
// the CLI commands that never talk to a cluster, and the extension's activation, do not load
// @kubernetes/client-node.
const clusterAdapterApart = {
  name: 'cluster-adapter-apart',
  setup(b) {
    b.onResolve({ filter: /\/cluster\/adapter(\.js)?$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './cluster.js', external: true } : undefined));
  },
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'], plugins: [clusterAdapterApart] }),
  build({ ...common, entryPoints: ['server/src/cluster/adapter.ts'], outfile: 'dist/cluster.js', plugins: [nodeUrlForWhatwgUrl] }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  // dist/cli.js only starts dist/cliMain.js through a V8 code cache (cli/launcher.ts); a script run
  // that way has no loader for import(), so the cluster adapter is loaded with require().
  build({ ...common, entryPoints: ['server/src/cli/launcher.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({
    ...common,
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cliMain.js',
    plugins: [clusterAdapterApart],
    supported: { 'dynamic-import': false },
  }),
  // The worker threads of `check` (cli/checkWorkers.ts) load only what checking a file needs.
  build({ ...common, entryPoints: ['server/src/cli/checkWorker.ts'], outfile: 'dist/checkWorker.js' }),
]);

// V8 keeps each script's source in memory, one byte per character only when all of it is Latin-1: one
// "→" in a comment stores the server's 1.3 MB as 2.6 MB, for the life of the process. esbuild escapes
// strings and templates but leaves comments and regular expressions as written; \u escapes mean the
// same in both (the source maps' columns shift on those few lines only).
for (const name of readdirSync('dist').filter((n) => n.endsWith('.js'))) {
  const file = `dist/${name}`;
  const source = readFileSync(file, 'utf8');
  const escaped = source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped !== source) writeFileSync(file, escaped);
}

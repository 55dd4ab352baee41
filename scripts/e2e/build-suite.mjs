// Type-checks the extension-host suite (test/e2e/suite) and bundles it, mocha included, into
// out/e2e/suite.js: the file VS Code's `extensionTestsPath` (or code-server's URL payload) loads.
// `vscode` stays external: the extension host provides it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { requireTool, root, toolsDir } from './lib.mjs';

export async function buildSuite() {
  requireTool('mocha/package.json');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'test/e2e/suite')], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('the extension-host suite does not type-check');
  await build({
    entryPoints: [join(root, 'test/e2e/suite/index.ts')],
    outfile: join(root, 'out/e2e/suite.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    nodePaths: [join(toolsDir, 'node_modules')],
    logLevel: 'warning',
    // mocha's parallel mode (worker files found with require.resolve) is never used in the host.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return join(root, 'out/e2e/suite.js');
}

if (import.meta.url === `file://${process.argv[1]}`) await buildSuite();

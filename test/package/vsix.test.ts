/**
 * What ships in the VSIX: only the bundles and what the Marketplace and VS Code show
 * (icon, walkthrough pages, changelog, license, the README as `npm run package` passes it), and
 * docs/diagnostics.md, the page each diagnostic's link opens.
 * `vsce ls` applies .vscodeignore exactly as `vsce package` does, so this checks the real list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

/** The `vsce package` options of `npm run package` that decide which files ship. */
function packageScriptReadme(): string {
  const script: string = JSON.parse(
    execFileSync(process.execPath, ['-p', 'JSON.stringify(require("./package.json").scripts.package)'], { cwd: root, encoding: 'utf8' }),
  );
  const match = /--readme-path (\S+)/.exec(script);
  assert.ok(match, `the package script passes --readme-path: ${script}`);
  return match[1];
}

test('the VSIX contains only what runs and what the Marketplace shows', () => {
  const readme = packageScriptReadme();
  // The package script writes it before vsce runs; so does this test.
  execFileSync(process.execPath, ['scripts/marketplace-readme.mjs'], { cwd: root });
  const vsce = resolve(root, 'node_modules/@vscode/vsce/vsce');
  const listed = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies', '--readme-path', readme], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .sort();
  assert.deepEqual(listed, [
    'CHANGELOG.md',
    'LICENSE',
    'dist/client.js',
    'dist/cluster.js',
    'dist/server.js',
    'docs/diagnostics.md',
    'docs/icon.png',
    'docs/walkthrough/deploy.md',
    'docs/walkthrough/findings.md',
    'docs/walkthrough/pull-policy.md',
    'docs/walkthrough/quick-fixes.md',
    'docs/walkthrough/registry.md',
    'out/marketplace/README.md',
    'package.json',
  ]);
});

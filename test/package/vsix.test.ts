/**
 * What ships in the VSIX: only the bundles, the grammar and the documents the Marketplace shows.
 * `vsce ls` applies .vscodeignore exactly as `vsce package` does, so this checks the real list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

test('the VSIX contains only what runs', () => {
  const vsce = resolve(root, 'node_modules/@vscode/vsce/vsce');
  const listed = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .sort();
  assert.deepEqual(listed, [
    'LICENSE',
    'README.md',
    'dist/client.js',
    'dist/server.js',
    'package.json',
    'syntaxes/image-reference.injection.json',
  ]);
});

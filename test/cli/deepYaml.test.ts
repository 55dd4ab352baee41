/**
 * `image-aware check` over a folder that holds one file nesting 5,000 levels deep among ordinary
 * manifests, run as a real process: the deep file gets one not-analysed finding where the nesting
 * passes the limit, the other files are reported as usual, and the exit status follows --fail-on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_DEPTH } from '../../server/src/core/manifest/yamlTree';
import { runCli } from './runCli';

interface JsonFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
}

function pod(name: string, image: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
}

const TOO_DEEP = `The YAML here nests deeper than ${MAX_DEPTH} levels; what it holds was not analysed.`;

test('check: one file nesting 5,000 levels deep costs only its own findings, not the folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'image-aware-deep-'));
  try {
    writeFileSync(join(root, 'a.yaml'), pod('a', 'nginx'));
    // 10 KB: `a: ` and 5,000 nested flow sequences; the root map is level 1.
    writeFileSync(join(root, 'deep.yaml'), `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    // A manifest whose second document is 5,000 compact block sequences deep.
    writeFileSync(join(root, 'second.yaml'), `${pod('s', 'busybox')}---\n${'- '.repeat(5000)}x\n`);
    writeFileSync(join(root, 'z.yaml'), pod('z', 'busybox:1.36'));

    const run = runCli(['check', '--format', 'json', root]);
    assert.equal(run.stderr, '');
    const findings = (JSON.parse(run.stdout) as JsonFinding[]).map((f) => `${f.file.slice(root.length + 1)}:${f.line}:${f.column} ${f.code}`);
    assert.deepEqual(findings, [
      'a.yaml:8:14 implicit-latest',
      `deep.yaml:1:${3 + MAX_DEPTH} not-analysed`,
      'second.yaml:8:14 implicit-latest',
      `second.yaml:10:${2 * MAX_DEPTH + 1} not-analysed`,
      'z.yaml:8:14 not-pinned',
    ]);
    const messages = (JSON.parse(run.stdout) as JsonFinding[]).filter((f) => f.code === 'not-analysed').map((f) => f.message);
    assert.deepEqual(messages, [TOO_DEEP, TOO_DEEP]);
    // not-analysed is a warning: it fails the default --fail-on warning, and not --fail-on error.
    assert.equal(run.status, 1);
    const text = runCli(['check', '--fail-on', 'error', root]);
    assert.equal(text.stderr, '4 files checked: 0 errors, 4 warnings, 0 information, 1 hint\n');
    assert.equal(text.status, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

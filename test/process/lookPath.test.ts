/**
 * findExecutable finds programs as Go's exec.LookPath does since Go 1.19 (docker's helpers,
 * kubectl's exec plugins): the absolute entries of PATH only, never the current folder through an
 * empty, "." or relative entry; a command with a path separator only when absolute.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '../../server/src/process/lookPath';
import { writeScript } from '../helpers/standInPrograms';

const root = mkdtempSync(join(tmpdir(), 'image-aware-lookpath-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('only absolute PATH entries are searched, in order, for executable files', () => {
  mkdirSync(join(root, 'a'));
  chmodSync(writeScript(join(root, 'a'), 'tool', 'exit 0'), 0o644);
  mkdirSync(join(root, 'b', 'tool'), { recursive: true });
  mkdirSync(join(root, 'c'));
  const real = writeScript(join(root, 'c'), 'tool', 'exit 0');
  const previous = process.cwd();
  process.chdir(root);
  try {
    writeScript(root, 'tool', 'exit 0');
    assert.equal(findExecutable('tool', { PATH: [join(root, 'a'), join(root, 'b'), join(root, 'c')].join(':') }), real);
    for (const path of ['', ':', '.', './', 'c', `${join(root, 'a')}::`, `.:${join(root, 'a')}`]) {
      assert.equal(findExecutable('tool', { PATH: path }), null, `PATH=${path}`);
    }
    assert.equal(findExecutable('tool', {}), null);
  } finally {
    process.chdir(previous);
  }
});

test('a command with a path separator is used as it is when absolute, never when relative', () => {
  const real = join(root, 'c', 'tool');
  assert.equal(findExecutable(real, { PATH: '' }), real);
  assert.equal(findExecutable(join(root, 'a', 'tool'), { PATH: '' }), null, 'not executable');
  assert.equal(findExecutable(join(root, 'missing'), { PATH: '' }), null);
  const previous = process.cwd();
  process.chdir(root);
  try {
    assert.equal(findExecutable('./tool', { PATH: '/usr/bin' }), null);
    assert.equal(findExecutable('c/tool', { PATH: '/usr/bin' }), null);
  } finally {
    process.chdir(previous);
  }
});

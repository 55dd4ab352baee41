/**
 * Real file-system conditions for the write tests: a small tmpfs that can be filled, a folder
 * remounted read-only, an immutable file. They need root (mount, chattr); root ignores file modes,
 * which is why a read-only mount and the immutable attribute stand in for a missing permission.
 * Every one is undone by `t.after`, even when the test fails; one that cannot be set up fails the
 * test with the reason instead of skipping it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

function run(t: TestContext, command: string, args: readonly string[], undo: () => void): void {
  assert.equal(process.getuid?.(), 0, `${command} ${args.join(' ')} needs root: this test makes a real full disk or a real permission failure`);
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    assert.fail(`${command} ${args.join(' ')} failed, so the test cannot set up its file system: ${(error as { stderr?: Buffer }).stderr ?? error}`);
  }
  t.after(undo);
}

/** A new folder that is a tmpfs of `kilobytes`, removed after the test. */
export function smallTmpfs(t: TestContext, kilobytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-tmpfs-'));
  run(t, 'mount', ['-t', 'tmpfs', '-o', `size=${kilobytes}k`, 'tmpfs', dir], () => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true });
  });
  return dir;
}

/** Fills the file system of `dir` with one file until a write fails with ENOSPC; returns that file. */
export function fillDisk(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const page = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, page);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC', `filling ${dir} ended with ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Makes the folder `dir` read-only (a read-only bind mount over itself) until the test ends. */
export function readOnlyFolder(t: TestContext, dir: string): void {
  run(t, 'mount', ['--bind', dir, dir], () => execFileSync('umount', [dir]));
  execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
}

/** Sets the immutable attribute on `path` (no write, rename or unlink, even by root) until the test ends. */
export function immutableFile(t: TestContext, path: string): void {
  run(t, 'chattr', ['+i', path], () => execFileSync('chattr', ['-i', path]));
}

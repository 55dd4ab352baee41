/**
 * Runs the bundled CLI (dist/cli.js) as a real process, the way a user or CI runs it.
 * The test command builds the bundle first; a missing bundle fails loudly instead of skipping.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** This file compiles to out/test/cli/runCli.js, so the repository root is three levels up. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `image-aware ARGS` from the repository root (or `cwd`); stdin gets `input`, or is empty. */
export function runCli(args: readonly string[], options: { readonly input?: string | Uint8Array; readonly cwd?: string } = {}): CliRun {
  assert.ok(existsSync(CLI), `${CLI} is missing: build it first with "node scripts/build.mjs" (npm test does).`);
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? REPO_ROOT, input: options.input ?? '', encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the bundled CLI (dist/cli.js) as a real process, the way a user or CI runs it.
 * The test command builds the bundle first; a missing bundle fails loudly instead of skipping.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
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

export interface AsyncCliOptions {
  readonly cwd?: string;
  /** The whole environment of the process: nothing is inherited, so the machine's docker config never leaks in. */
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string;
  /** Kills the process after this many milliseconds (default 60 s), so a hang fails the test instead of stalling it. */
  readonly timeoutMs?: number;
}

/** Starts `image-aware ARGS` with piped standard streams; standard input stays open until the caller ends it. */
export function startCli(args: readonly string[], options: Omit<AsyncCliOptions, 'input' | 'timeoutMs'> = {}): ChildProcessWithoutNullStreams {
  assert.ok(existsSync(CLI), `${CLI} is missing: build it first with "node scripts/build.mjs" (npm test does).`);
  return spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
}

/**
 * Runs `image-aware ARGS` without blocking the event loop, which a test needs when a server it runs
 * itself (a proxy that counts requests, a misbehaving registry) must answer the CLI.
 */
export function runCliAsync(args: readonly string[], options: AsyncCliOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = startCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

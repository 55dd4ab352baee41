/**
 * Runs one build-tool process: an argument vector (never a shell string), the caller's environment,
 * optional stdin (passwords go there, never into argv), every output line streamed as it arrives.
 *
 * On POSIX the tool leads its own process group (`detached`), because a build is a tree: buildah and
 * podman run each `RUN` step in child processes of their own. Cancelling sends SIGTERM to the whole
 * group, then SIGKILL after a grace period, and the call settles only once the group is gone, so a
 * cancelled build leaves nothing running. On Windows the tool itself is killed: the docker and podman
 * clients there are single processes that talk to a daemon or VM, which stops the build when they go.
 *
 * A failure is a ToolError whose message is what the tool itself said last on stderr, so people read
 * "no basic auth credentials" rather than "exit code 1".
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ToolError } from './types';
import type { RunIo, ToolName } from './types';

export type ToolEnv = Readonly<Record<string, string | undefined>>;

export interface RunOptions {
  readonly tool: ToolName;
  readonly env: ToolEnv;
  readonly cwd?: string;
  /** Written to the tool's stdin, which is then closed; without it stdin is empty. */
  readonly stdin?: string;
  readonly io: RunIo;
  /** How long SIGTERM has before SIGKILL follows, 2 s by default. */
  readonly killGraceMs?: number;
}

export interface RunResult {
  /** The last lines of stdout (at most TAIL_LINES), for tools that print a result there (docker's pushed digest). */
  readonly stdout: readonly string[];
}

const TAIL_LINES = 200;
/** How many of the tool's last stderr lines make an error message. */
const MESSAGE_LINES = 5;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** logrus lines below error level (`time="…" level=warning msg="…"`): chatter, not the reason. */
const LOG_CHATTER = /^time="[^"]*"\s+level=(trace|debug|info|warning)\b/;
/** Where a tool's own error message starts: `Error: …` (buildah, podman), `Error response from daemon: …` (docker). */
const ERROR_START = /^(error\b|error response from daemon:)/i;

/** A tool that prints without line breaks (a progress bar, a binary) is cut into lines this long, so memory stays bounded. */
export const MAX_LINE = 16 * 1024;

/** Splits a stream into lines (LF, CRLF, or the CR of progress output), without ANSI colours. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      const text = pending + chunk;
      // A trailing CR waits for the next chunk: it may be the first half of a CRLF.
      const complete = text.endsWith('\r') ? text.length - 1 : text.length;
      const parts = text.slice(0, complete).split(/\r\n|\n|\r/);
      pending = (parts.pop() ?? '') + text.slice(complete);
      while (pending.length > MAX_LINE) {
        parts.push(pending.slice(0, MAX_LINE));
        pending = pending.slice(MAX_LINE);
      }
      for (const part of parts) onLine(part.replace(ANSI, ''));
    },
    end() {
      const last = pending.endsWith('\r') ? pending.slice(0, -1) : pending;
      if (pending !== '') onLine(last.replace(ANSI, ''));
      pending = '';
    },
  };
}

function keepTail(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > TAIL_LINES) lines.shift();
}

function lastIndexWhere(lines: readonly string[], test: (line: string) => boolean): number {
  for (let i = lines.length - 1; i >= 0; i--) if (test(lines[i])) return i;
  return -1;
}

/**
 * The tool's own explanation among its last output lines: the last paragraph (docker prints a
 * deprecation notice, a blank line, then the error), without logrus chatter and repeated lines,
 * starting at its last `Error…` line when it has one (buildah and podman print progress first).
 */
export function meaningfulLines(lines: readonly string[]): string[] {
  const trimmed = lines.map((line) => line.trimEnd());
  const lastText = lastIndexWhere(trimmed, (line) => line.trim() !== '');
  const blankBefore = lastIndexWhere(trimmed.slice(0, lastText + 1), (line) => line.trim() === '');
  const paragraph = trimmed
    .slice(blankBefore + 1, lastText + 1)
    .filter((line, i, all) => !LOG_CHATTER.test(line) && line !== all[i - 1]);
  const errorAt = lastIndexWhere(paragraph, (line) => ERROR_START.test(line.trim()));
  return errorAt >= 0 ? paragraph.slice(errorAt) : paragraph.slice(-MESSAGE_LINES);
}

function failureMessage(tool: ToolName, stderr: readonly string[], stdout: readonly string[], code: number | null, signal: string | null): string {
  const own = meaningfulLines(stderr);
  const said = own.length > 0 ? own : meaningfulLines(stdout);
  if (said.length > 0) return said.join('\n');
  return code !== null ? `${tool} exited with code ${code} and printed no reason` : `${tool} was ended by ${signal ?? 'a signal'}`;
}

function startError(tool: ToolName, argv: readonly string[], cwd: string | undefined, error: NodeJS.ErrnoException): ToolError {
  const message =
    error.code === 'ENOENT'
      ? `${tool} is not installed or not on PATH (tried to run ${argv[0]})`
      : error.code === 'EACCES'
        ? `${argv[0]} is not executable (${tool}: ${error.message})`
        : `${tool} could not be started: ${error.message}`;
  return new ToolError(cwd !== undefined && !existsSync(cwd) ? `the folder ${cwd} to run ${tool} in does not exist` : message, tool, argv, null, false);
}

function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32' || child.pid === undefined) child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * True while a process of the child's group still runs (Windows has no group: the child closing is enough).
 * On Linux /proc is read, because `kill(-pgid, 0)` also counts zombies: orphans that an init which
 * reaps slowly (as in some containers and VMs) has not collected yet, though they no longer run.
 */
function groupAlive(child: ChildProcess): boolean {
  if (process.platform === 'win32' || child.pid === undefined) return false;
  return (process.platform === 'linux' ? linuxGroupRunning(child.pid) : null) ?? groupSignalable(child.pid);
}

function groupSignalable(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether a non-zombie process has this process group, or null when /proc cannot be read. */
function linuxGroupRunning(pgid: number): boolean | null {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so fields count from the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // Gone while reading.
    }
  }
  return false;
}

/**
 * Resolves once the group is gone: SIGKILL when `deadline` passes first, and one more second for it
 * to take effect; a process even SIGKILL cannot end (stuck in the kernel) is not waited for.
 */
async function groupGone(child: ChildProcess, deadline: number): Promise<void> {
  let killed = false;
  while (groupAlive(child)) {
    if (Date.now() >= deadline) {
      if (killed) return;
      signalTree(child, 'SIGKILL');
      killed = true;
      deadline += 1000;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Runs `argv` to completion. Rejects with a ToolError when it fails, cannot start or is cancelled. */
export function runProcess(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const { tool, io } = options;
  const cancelled = (): ToolError => new ToolError(`${tool} was cancelled`, tool, argv, null, true);
  if (io.signal?.aborted) return Promise.reject(cancelled());
  const graceMs = options.killGraceMs ?? 2000;

  return new Promise<RunResult>((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env,
      detached: process.platform !== 'win32',
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });

    const stdout: string[] = [];
    const stderr: string[] = [];
    const outLines = lineSplitter((line) => {
      keepTail(stdout, line);
      io.output(line);
    });
    const errLines = lineSplitter((line) => {
      keepTail(stderr, line);
      io.output(line);
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => outLines.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => errLines.push(chunk));
    // A tool that exits without reading stdin must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');

    let abortedAt: number | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      if (abortedAt !== null) return;
      abortedAt = Date.now();
      signalTree(child, 'SIGTERM');
      killTimer = setTimeout(() => signalTree(child, 'SIGKILL'), graceMs);
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (): void => {
      io.signal?.removeEventListener('abort', onAbort);
    };

    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' without a pid means it never started; with one, 'close' still follows and settles.
      if (child.pid !== undefined) return;
      finish();
      reject(startError(tool, argv, options.cwd, error));
    });
    child.once('close', (code, signal) => {
      outLines.end();
      errLines.end();
      finish();
      if (abortedAt !== null) {
        void groupGone(child, abortedAt + graceMs).then(() => {
          clearTimeout(killTimer);
          reject(cancelled());
        });
        return;
      }
      if (code === 0) resolve({ stdout });
      else reject(new ToolError(failureMessage(tool, stderr, stdout, code, signal), tool, argv, code, false));
    });
  });
}

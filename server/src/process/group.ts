/**
 * Runs one program from an argument vector (never a shell string) as the leader of a process group
 * of its own, so that ending it ends everything it started: build tools run each `RUN` step in
 * children, a credential helper or exec plugin may fork a child that keeps its pipes open.
 *
 * Ending the run (cancel, timeout, too much output, or leftovers after the program exited) sends
 * SIGTERM to the whole group, SIGKILL after a grace period, and the run settles only once the group
 * is gone, so nothing it started keeps running. On Windows the program itself is killed: the tools
 * run there are single processes.
 *
 * What the program prints reaches only the callbacks given: stderr without a callback goes to
 * /dev/null, so a caller that must never show it (it can hold secrets) never holds it either.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export type ProcessEnv = Readonly<Record<string, string | undefined>>;

export interface GroupRunOptions {
  /** The whole environment the program gets. */
  readonly env: ProcessEnv;
  readonly cwd?: string;
  /** Written to stdin, which is then closed; without it stdin is empty. */
  readonly stdin?: string;
  /** Each piece of stdout as it arrives, UTF-8 decoded; without it stdout is read and dropped. */
  readonly onStdout?: (text: string) => void;
  /** Each piece of stderr as it arrives; without it stderr goes to /dev/null. */
  readonly onStderr?: (text: string) => void;
  /** More stdout than this many bytes ends the run as `overflow`. */
  readonly maxStdoutBytes?: number;
  readonly signal?: AbortSignal;
  /** The run's deadline: past it the group is ended and the run is `timed-out`. */
  readonly timeoutMs?: number;
  /** How long SIGTERM has before SIGKILL follows, 2 s by default. */
  readonly killGraceMs?: number;
  /**
   * How long what the program started may go on (holding its stdout open, say) after the program
   * itself exited; then the rest of its group is ended. Without it the run waits for the pipes to close.
   */
  readonly leftoverMs?: number;
}

/** How a run ended. `exited` is the program's own end (code, or the signal that ended it). */
export type GroupEnding =
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly kind: 'timed-out'; readonly afterMs: number }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'overflow'; readonly limitBytes: number }
  | { readonly kind: 'not-started'; readonly error: NodeJS.ErrnoException };

const POLL_MS = 25;

/**
 * The leftover period for helpers and plugins, whose answer is complete when they exit: long enough
 * to read what they wrote, short enough that a child they left holding stdout costs nothing.
 */
export const HELPER_LEFTOVER_MS = 250;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32' || child.pid === undefined) child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
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

function groupSignalable(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * True while a process of the child's group still runs (on Windows: while the child runs).
 * On Linux /proc is read, because `kill(-pgid, 0)` also counts zombies: orphans that an init which
 * reaps slowly (as in some containers and VMs) has not collected yet, though they no longer run.
 */
function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  if (process.platform === 'win32') return child.exitCode === null && child.signalCode === null;
  return (process.platform === 'linux' ? linuxGroupRunning(child.pid) : null) ?? groupSignalable(child.pid);
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
      signalGroup(child, 'SIGKILL');
      killed = true;
      deadline += 1000;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function definedOnly(env: ProcessEnv): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) defined[key] = value;
  return defined;
}

/** Runs `argv` (argv[0] a path or a name the OS finds) to its end; never rejects. */
export function runInGroup(argv: readonly string[], options: GroupRunOptions): Promise<GroupEnding> {
  if (options.signal?.aborted) return Promise.resolve({ kind: 'cancelled' });
  const graceMs = options.killGraceMs ?? 2000;

  return new Promise<GroupEnding>((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: definedOnly(options.env),
      detached: process.platform !== 'win32',
      stdio: ['pipe', 'pipe', options.onStderr ? 'pipe' : 'ignore'],
      windowsHide: true,
    });
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    let closed = false;
    let ending: GroupEnding | null = null;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;

    const onAbort = (): void => stop({ kind: 'cancelled' });
    const settle = (result: GroupEnding): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    /** Ends the group for `why`; settles once it is gone and its pipes closed (or a grace period later). */
    function stop(why: GroupEnding): void {
      if (ending !== null || settled) return;
      ending = why;
      signalGroup(child, 'SIGTERM');
      void groupGone(child, Date.now() + graceMs).then(() => {
        if (closed) {
          settle(why);
          return;
        }
        // What still holds the pipes left the group (a session of its own): stop reading after a while.
        const stopReading = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          settle(why);
        }, graceMs);
        timers.push(stopReading);
        child.once('close', () => settle(why));
      });
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const afterMs = options.timeoutMs;
      // A program that exited in time is judged by its exit, not by what it left behind.
      timers.push(setTimeout(() => stop(exited ? { kind: 'exited', ...exited } : { kind: 'timed-out', afterMs }), afterMs));
    }

    const stdoutText = new StringDecoder('utf8');
    let stdoutBytes = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (options.maxStdoutBytes !== undefined && stdoutBytes > options.maxStdoutBytes) {
        stop({ kind: 'overflow', limitBytes: options.maxStdoutBytes });
        return;
      }
      options.onStdout?.(stdoutText.write(chunk));
    });
    const stderrText = new StringDecoder('utf8');
    child.stderr?.on('data', (chunk: Buffer) => options.onStderr?.(stderrText.write(chunk)));
    // A program that exits without reading stdin must not crash us with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.stdin ?? '');

    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' without a pid means it never started; with one, 'close' still follows.
      if (child.pid === undefined) settle({ kind: 'not-started', error });
    });
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      if (options.leftoverMs !== undefined) timers.push(setTimeout(() => stop({ kind: 'exited', code, signal }), options.leftoverMs));
    });
    child.once('close', (code, signal) => {
      closed = true;
      options.onStdout?.(stdoutText.end());
      options.onStderr?.(stderrText.end());
      if (ending !== null) return;
      // With a leftover period, what the program left running is ended when that period is over.
      if (options.leftoverMs !== undefined && groupAlive(child)) return;
      settle({ kind: 'exited', code, signal });
    });
  });
}

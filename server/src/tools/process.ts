/**
 * Runs one build-tool process: an argument vector (never a shell string), the caller's environment,
 * optional stdin (passwords go there, never into argv), every output line streamed as it arrives.
 *
 * The process runs through process/group's runner, as the leader of a process group of its own,
 * because a build is a tree: buildah and podman run each `RUN` step in child processes of their own.
 * Cancelling ends the whole group (SIGTERM, then SIGKILL after a grace period), and the call settles
 * only once the group is gone, so a cancelled build leaves nothing running.
 *
 * A failure is a ToolError whose message is what the tool itself said last on stderr, so people read
 * "no basic auth credentials" rather than "exit code 1".
 */
import { existsSync } from 'node:fs';
import { describeEnding, runInGroup } from '../process';
import type { GroupEnding, ProcessEnv } from '../process';
import { ToolError } from './types';
import type { RunIo, ToolName } from './types';

export type ToolEnv = ProcessEnv;

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
  const paragraph = trimmed.slice(blankBefore + 1, lastText + 1).filter((line, i, all) => !LOG_CHATTER.test(line) && line !== all[i - 1]);
  const errorAt = lastIndexWhere(paragraph, (line) => ERROR_START.test(line.trim()));
  return errorAt >= 0 ? paragraph.slice(errorAt) : paragraph.slice(-MESSAGE_LINES);
}

function failureMessage(tool: ToolName, stderr: readonly string[], stdout: readonly string[], ending: GroupEnding): string {
  const own = meaningfulLines(stderr);
  const said = own.length > 0 ? own : meaningfulLines(stdout);
  if (said.length > 0) return said.join('\n');
  if (ending.kind === 'exited' && ending.code !== null) return `${tool} exited with code ${ending.code} and printed no reason`;
  return `${tool} failed: ${describeEnding(ending)}`;
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

/** Runs `argv` to completion. Rejects with a ToolError when it fails, cannot start or is cancelled. */
export async function runProcess(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const { tool, io } = options;
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
  const ending = await runInGroup(argv, {
    env: options.env,
    cwd: options.cwd,
    stdin: options.stdin,
    signal: io.signal,
    killGraceMs: options.killGraceMs,
    onStdout: (text) => outLines.push(text),
    onStderr: (text) => errLines.push(text),
  });
  outLines.end();
  errLines.end();
  if (ending.kind === 'exited' && ending.code === 0) return { stdout };
  if (ending.kind === 'cancelled') throw new ToolError(`${tool} was cancelled`, tool, argv, null, true);
  if (ending.kind === 'not-started') throw startError(tool, argv, options.cwd, ending.error);
  throw new ToolError(failureMessage(tool, stderr, stdout, ending), tool, argv, ending.kind === 'exited' ? ending.code : null, false);
}

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
import { describeEnding, keepTail, lineSplitter, meaningfulLines, runInGroup } from '../process';
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
  /** The last lines of stdout (200 at most), for tools that print a result there (docker's pushed digest). */
  readonly stdout: readonly string[];
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

/**
 * Which build tools this machine has, found on the PATH of the environment given (not the editor's
 * own idea of PATH), in its absolute entries only, as docker finds its helpers (process/lookPath).
 * buildah, podman and nerdctl count once found; docker counts only when its daemon answers
 * `docker version`, asked with the same environment (DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG),
 * because a docker client without a daemon cannot build anything.
 */
import { findExecutable } from '../process';
import { runProcess } from './process';
import type { ToolEnv } from './process';
import { TOOL_NAMES, ToolError } from './types';
import type { DetectedTool, ToolName } from './types';

export { findExecutable } from '../process';

export interface DetectOptions {
  readonly env: ToolEnv;
  /** How long docker's daemon has to answer, 5 s by default. */
  readonly probeTimeoutMs?: number;
  /** Runs the daemon probe and returns its stdout; the real process by default. */
  readonly runProbe?: (argv: readonly string[], env: ToolEnv, signal: AbortSignal) => Promise<string>;
}

export type ToolChoice = { readonly ok: true; readonly name: ToolName; readonly executable: string } | { readonly ok: false; readonly reason: string };

async function defaultProbe(argv: readonly string[], env: ToolEnv, signal: AbortSignal): Promise<string> {
  const result = await runProcess(argv, { tool: 'docker', env, io: { output: () => undefined, signal } });
  return result.stdout.join('\n');
}

/** Asks docker's daemon for its version; null when it answered, else why not. */
async function dockerDaemonProblem(executable: string, options: DetectOptions): Promise<string | null> {
  const timeoutMs = options.probeTimeoutMs ?? 5000;
  const where = options.env.DOCKER_HOST ? ` at ${options.env.DOCKER_HOST}` : '';
  try {
    const version = await (options.runProbe ?? defaultProbe)(
      [executable, 'version', '--format', '{{.Server.Version}}'],
      options.env,
      AbortSignal.timeout(timeoutMs),
    );
    return version.trim() !== '' ? null : `docker is installed but its daemon${where} did not say its version`;
  } catch (error) {
    if (error instanceof ToolError && error.cancelled) return `docker is installed but its daemon${where} did not answer within ${timeoutMs / 1000} s`;
    return `docker is installed but its daemon${where} did not answer: ${(error as Error).message}`;
  }
}

/** The tools of `names` (all of TOOL_NAMES by default), in that order, installed or not. */
export async function detectTools(options: DetectOptions, names: readonly ToolName[] = TOOL_NAMES): Promise<DetectedTool[]> {
  return Promise.all(
    names.map(async (name): Promise<DetectedTool> => {
      const executable = findExecutable(name, options.env);
      if (executable === null) return { name, executable, usable: false, reason: `${name} is not installed (not found on PATH)` };
      const reason = name === 'docker' ? await dockerDaemonProblem(executable, options) : null;
      return { name, executable, usable: reason === null, reason };
    }),
  );
}

/**
 * The tool to build with: the one the setting names, or with `auto` the first usable one in
 * TOOL_NAMES order; when there is none, a reason that says what was found and why it cannot build.
 */
export function pickTool(setting: 'auto' | ToolName, detected: readonly DetectedTool[]): ToolChoice {
  const candidates = setting === 'auto' ? detected : detected.filter((tool) => tool.name === setting);
  const usable = candidates.find((tool) => tool.usable && tool.executable !== null);
  if (usable) return { ok: true, name: usable.name, executable: usable.executable! };
  if (setting !== 'auto') return { ok: false, reason: candidates[0]?.reason ?? `${setting} was not looked for` };
  const reasons = detected.map((tool) => tool.reason ?? `${tool.name} cannot be used`);
  return { ok: false, reason: `No build tool can be used: ${reasons.join('; ')}.` };
}

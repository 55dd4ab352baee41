/**
 * Docker credential helpers (docker/docker-credential-helpers protocol): `docker-credential-<name> get` reads the
 * server URL on stdin and prints `{"ServerURL","Username","Secret"}`; a Username of "<token>" means the secret is an
 * identity token, and "credentials not found" on stdout means there is none.
 * The helper is found on the absolute entries of PATH only (never in the current folder) and runs through
 * process/group: in a process group of its own, ended whole at the timeout or once it has exited, with stdout
 * bounded and stderr never read. A failure says which helper and how it ended, never what it printed.
 */
import { describeEnding, findExecutable, HELPER_LEFTOVER_MS, runInGroup } from '../../process';
import type { ProcessEnv } from '../../process';
import { RegistryError } from '../errors';
import type { Credential } from './credential';

export interface HelperOptions {
  readonly env: ProcessEnv;
  readonly timeoutMs: number;
  /** How long SIGTERM has before SIGKILL follows. */
  readonly killGraceMs: number;
  readonly signal?: AbortSignal;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NOT_FOUND = /credentials not found/i;
/** A helper's answer is a few hundred bytes; past this it is not one. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/** Parses a helper's output; returns undefined when it is not the expected JSON object. */
export function parseHelperOutput(stdout: string): { username: string; secret: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(stdout);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { Username, Secret } = parsed as { Username?: unknown; Secret?: unknown };
    if (typeof Secret !== 'string') return undefined;
    return { username: typeof Username === 'string' ? Username : '', secret: Secret };
  } catch {
    return undefined;
  }
}

/** Asks `docker-credential-<helper>` for the credentials of `serverUrl`; "not found" answers anonymous. */
export async function runCredentialHelper(helper: string, serverUrl: string, registry: string, options: HelperOptions): Promise<Credential> {
  const program = `docker-credential-${helper}`;
  const source = `credential helper ${program}`;
  const fail = (how: string): RegistryError =>
    new RegistryError({ code: 'CREDENTIALS', registry, message: `${source} failed for ${serverUrl}: ${how}`, triedCredentials: source, temporary: false });
  if (!HELPER_NAME.test(helper)) throw fail('the helper name is not a plain program name');
  const executable = findExecutable(program, options.env);
  if (executable === null) throw fail(`${program} was not found on PATH`);

  let stdout = '';
  const ending = await runInGroup([executable, 'get'], {
    env: options.env,
    stdin: serverUrl,
    onStdout: (text) => (stdout += text),
    maxStdoutBytes: MAX_OUTPUT_BYTES,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    killGraceMs: options.killGraceMs,
    leftoverMs: HELPER_LEFTOVER_MS,
  });
  if (ending.kind === 'cancelled') throw new RegistryError({ code: 'ABORTED', registry, message: `${source} was cancelled`, temporary: false });
  if (ending.kind === 'overflow') throw fail(`${describeEnding(ending)}, which is not the expected JSON`);
  if (ending.kind !== 'exited' || ending.code !== 0) {
    if (ending.kind === 'exited' && NOT_FOUND.test(stdout)) return { kind: 'anonymous', source: `anonymous (${source} has no credentials for ${serverUrl})` };
    throw fail(describeEnding(ending));
  }
  const parsed = parseHelperOutput(stdout);
  if (parsed === undefined) throw fail('its output is not the expected JSON');
  if (parsed.secret === '') return { kind: 'anonymous', source: `anonymous (${source} returned no secret)` };
  if (parsed.username === '<token>') return { kind: 'identityToken', token: parsed.secret, source };
  return { kind: 'basic', username: parsed.username, password: parsed.secret, source };
}

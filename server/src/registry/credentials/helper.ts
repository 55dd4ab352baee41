/**
 * Docker credential helpers (docker/docker-credential-helpers protocol): `docker-credential-<name> get` reads the
 * server URL on stdin and prints `{"ServerURL","Username","Secret"}`; a Username of "<token>" means the secret is an
 * identity token. The helper runs with execFile (no shell), the caller's environment and a timeout.
 */
import { execFile } from 'node:child_process';
import { RegistryError } from '../errors';
import type { Credential } from './credential';

export interface HelperOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NOT_FOUND = /credentials not found/i;

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
export function runCredentialHelper(helper: string, serverUrl: string, registry: string, options: HelperOptions): Promise<Credential> {
  const program = `docker-credential-${helper}`;
  const source = `credential helper ${program}`;
  const fail = (message: string, cause?: unknown): RegistryError =>
    new RegistryError({ code: 'CREDENTIALS', registry, message: `${source} failed for ${serverUrl}: ${message}`, triedCredentials: source, temporary: false, cause });
  if (!HELPER_NAME.test(helper)) return Promise.reject(fail('the helper name is not a plain program name'));

  return new Promise<Credential>((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
    const child = execFile(
      program,
      ['get'],
      { env, timeout: options.timeoutMs, maxBuffer: 1024 * 1024, windowsHide: true, signal: options.signal, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error !== null) {
          const text = `${stdout}\n${stderr}`;
          if (NOT_FOUND.test(text)) {
            resolve({ kind: 'anonymous', source: `anonymous (${source} has no credentials for ${serverUrl})` });
            return;
          }
          const code = (error as { code?: unknown }).code;
          if (options.signal?.aborted) reject(new RegistryError({ code: 'ABORTED', registry, message: `${source} was cancelled`, temporary: false }));
          else if (code === 'ENOENT') reject(fail(`${program} was not found on PATH`, error));
          else if ((error as { killed?: boolean }).killed) reject(fail(`no answer within ${options.timeoutMs} ms`, error));
          else reject(fail(`exited with ${String(code)}: ${stderr.trim().slice(0, 200)}`, error));
          return;
        }
        const parsed = parseHelperOutput(stdout);
        if (parsed === undefined) {
          reject(fail('its output is not the expected JSON'));
          return;
        }
        if (parsed.secret === '') resolve({ kind: 'anonymous', source: `anonymous (${source} returned no secret)` });
        else if (parsed.username === '<token>') resolve({ kind: 'identityToken', token: parsed.secret, source });
        else resolve({ kind: 'basic', username: parsed.username, password: parsed.secret, source });
      },
    );
    child.stdin?.on('error', () => undefined); // a helper that exits without reading stdin must not crash us
    child.stdin?.end(serverUrl);
  });
}

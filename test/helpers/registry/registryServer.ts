/**
 * Starts a real OCI registry (CNCF distribution 2.8.2, Debian's `docker-registry`) on loopback.
 * Each registry gets a fresh temporary folder with its config, storage, certificates and log, and
 * listens on `127.0.0.1:0`; the port the kernel picked is read from the `listening on` log line.
 * The log goes to a file rather than a pipe so that a busy registry can never block on a full pipe
 * and a forgotten registry does not keep the test process alive; `logs()` reads it for messages.
 * A missing binary or a registry that does not answer within 10 s is an error: these tests must
 * fail on a machine without the registry, never skip.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTlsFiles } from './certificates';
import { removeFolder, trackChild, trackFolder } from './cleanup';
import { httpRequest } from './http';
import { DEFAULT_USERS, startTokenServer } from './tokenServer';
import type { TokenServer, TokenServerOptions } from './tokenServer';

export type RegistryAuth = 'none' | 'basic' | 'token';

export interface RegistryOptions {
  /** `none` (default), `basic` (htpasswd) or `token` (a token server from ./tokenServer). */
  readonly auth?: RegistryAuth;
  /** Serve HTTPS with a certificate from a per-registry CA (returned as `caFile`). */
  readonly tls?: boolean;
  /** Accounts for basic and token auth; the first one is returned as `username`/`password`. */
  readonly users?: Readonly<Record<string, string>>;
  /** Token mode only: everything else the token server takes (grants, key header, lifetime…). */
  readonly token?: Omit<TokenServerOptions, 'users'>;
  /** The registry binary, `docker-registry` on PATH by default. */
  readonly binary?: string;
  /** How long to wait for the registry to answer, 10 s by default. */
  readonly startTimeoutMs?: number;
}

export interface RunningRegistry {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** PEM file of the CA that signed the TLS certificate (TLS only). */
  readonly caFile?: string;
  /** An account with full access (basic and token only). */
  readonly username?: string;
  readonly password?: string;
  /** Every account the registry knows (basic and token only). */
  readonly users?: Readonly<Record<string, string>>;
  readonly tokenServer?: TokenServer;
  /** How long the start took, in milliseconds, for timing reports. */
  readonly startMs: number;
  /** The registry's log so far. */
  logs(): string;
  /** Kills the registry (and its token server) and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

function requireBinary(binary: string, why: string): void {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', binary], { stdio: 'ignore' });
  } catch {
    throw new Error(`\`${binary}\` was not found on PATH; ${why}`);
  }
}

const INSTALL_HINT = 'install it with `apt-get install -y --no-install-recommends docker-registry apache2-utils`.';

/** The registry config. JSON is valid YAML, so no YAML writer is needed. */
function registryConfig(dir: string, auth: Record<string, unknown> | undefined, tls: Record<string, unknown> | undefined): string {
  const config = {
    version: 0.1,
    log: { level: 'info', formatter: 'text' },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    // A fixed secret silences the "No HTTP secret provided" warning and is all a single instance needs.
    http: { addr: '127.0.0.1:0', secret: randomBytes(16).toString('hex'), ...(tls ? { tls } : {}) },
    ...(auth ? { auth } : {}),
  };
  return JSON.stringify(config, null, 2);
}

function writeHtpasswd(dir: string, users: Readonly<Record<string, string>>): string {
  requireBinary('htpasswd', 'basic auth needs it: ' + INSTALL_HINT);
  // distribution accepts only bcrypt entries, hence -B; the lowest cost (4) keeps each of the many logins fast.
  const lines = Object.entries(users).map(([user, password]) => execFileSync('htpasswd', ['-Bbn', '-C', '4', user, password], { encoding: 'utf8' }).trim());
  const path = join(dir, 'htpasswd');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function killChild(child: ChildProcess): Promise<void> {
  // Referenced again so that the process waits for the exit event it is awaiting.
  child.ref();
  child.kill('SIGTERM');
  if (!(await waitForExit(child, 2000))) {
    child.kill('SIGKILL');
    await waitForExit(child, 2000);
  }
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * Polls the log until the port appears and `/v2/` answers, or fails with the reason.
 * `/v2/` answers 200 without auth and 401 with it; any HTTP answer proves the registry is up.
 */
async function waitUntilServing(child: ChildProcess, logFile: string, scheme: string, ca: string | undefined, deadline: number): Promise<string> {
  let host: string | undefined;
  let lastError = 'no `listening on` line in the log yet';
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`docker-registry could not be started: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) before serving:\n${tail(readFileSync(logFile, 'utf8'))}`);
    }
    if (!host) {
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(readFileSync(logFile, 'utf8'));
      if (match) host = match[1];
    }
    if (host) {
      try {
        const response = await httpRequest(`${scheme}://${host}/v2/`, { ca, timeoutMs: 1000 });
        if (response.status === 200 || response.status === 401) return host;
        lastError = `/v2/ answered ${response.status}`;
      } catch (error) {
        lastError = `/v2/ failed: ${(error as Error).message}`;
      }
    }
    await sleep(20);
  }
  throw new Error(`docker-registry did not serve within the start timeout (${lastError}). Log:\n${tail(readFileSync(logFile, 'utf8'))}`);
}

/** Starts a registry and waits until it serves `/v2/`. Throws with the reason if it cannot. */
export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const started = Date.now();
  const auth = options.auth ?? 'none';
  const binary = options.binary ?? 'docker-registry';
  requireBinary(binary, `the registry tests need CNCF distribution 2.8: ${INSTALL_HINT}`);

  const dir = mkdtempSync(join(tmpdir(), 'image-aware-registry-'));
  trackFolder(dir);
  mkdirSync(join(dir, 'data'));
  let tokenServer: TokenServer | undefined;
  let child: ChildProcess | undefined;
  try {
    const users = auth === 'none' ? undefined : (options.users ?? DEFAULT_USERS);
    let authConfig: Record<string, unknown> | undefined;
    if (auth === 'basic') {
      authConfig = { htpasswd: { realm: 'test-registry', path: writeHtpasswd(dir, users!) } };
    } else if (auth === 'token') {
      tokenServer = await startTokenServer({ ...options.token, users });
      authConfig = {
        token: { realm: tokenServer.realm, service: tokenServer.service, issuer: tokenServer.issuer, rootcertbundle: tokenServer.certFile },
      };
    }
    const tlsFiles = options.tls ? createTlsFiles(dir) : undefined;
    const configFile = join(dir, 'config.yml');
    writeFileSync(configFile, registryConfig(dir, authConfig, tlsFiles && { certificate: tlsFiles.certFile, key: tlsFiles.keyFile }));

    const logFile = join(dir, 'registry.log');
    const logFd = openSync(logFile, 'a');
    // REGISTRY_* variables would override the config file, so the child gets a clean environment.
    child = spawn(binary, ['serve', configFile], { cwd: dir, stdio: ['ignore', logFd, logFd], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    closeSync(logFd);
    trackChild(child);
    child.unref();

    const scheme = tlsFiles ? 'https' : 'http';
    const ca = tlsFiles ? readFileSync(tlsFiles.caFile, 'utf8') : undefined;
    const host = await waitUntilServing(child, logFile, scheme, ca, started + (options.startTimeoutMs ?? 10_000));

    const running = child;
    const token = tokenServer;
    let stopped = false;
    const [username, password] = users ? Object.entries(users)[0] : [];
    return {
      host,
      url: `${scheme}://${host}`,
      caFile: tlsFiles?.caFile,
      username,
      password,
      users,
      tokenServer,
      startMs: Date.now() - started,
      logs: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
      async stop(): Promise<void> {
        if (stopped) return;
        stopped = true;
        await killChild(running);
        await token?.stop();
        removeFolder(dir);
      },
    };
  } catch (error) {
    if (child) await killChild(child);
    await tokenServer?.stop();
    removeFolder(dir);
    throw error;
  }
}

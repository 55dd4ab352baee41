/**
 * The default keychain, like go-containerregistry's authn.DefaultKeychain: the docker config
 * ($DOCKER_CONFIG/config.json, else ~/.docker/config.json), then podman's auth files ($REGISTRY_AUTH_FILE,
 * $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json). The first non-anonymous answer wins.
 * Files are read on every lookup (they are small and `docker login` may change them); the client caches answers briefly.
 */
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { raceSignal } from '../abort';
import { ANONYMOUS, multiKeychain, type Credential, type CredentialTarget, type Keychain } from './credential';
import { credentialFromEntry, lookupConfig, parseDockerConfig } from './dockerConfig';
import { runCredentialHelper } from './helper';

export interface KeychainOptions {
  /** The directory holding config.json; defaults to $DOCKER_CONFIG, then ~/.docker. */
  readonly dockerConfigDir?: string;
  /** The environment for file locations and credential helpers (PATH); defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long a credential helper may take, 10 s by default; then its whole process group is ended. */
  readonly helperTimeoutMs?: number;
  /** How long a helper has between SIGTERM and SIGKILL, 2 s by default. */
  readonly helperKillGraceMs?: number;
}

interface HelperLimits {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly helperTimeoutMs: number;
  readonly helperKillGraceMs: number;
}

/** Docker's and podman's files hold a few entries; a larger file is not read. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** The text of a config file, or why it cannot be had (undefined when it does not exist). */
async function readConfigText(file: string): Promise<{ text: string } | { problem: string } | undefined> {
  try {
    const handle = await open(file, 'r');
    try {
      if ((await handle.stat()).size > MAX_CONFIG_BYTES) return { problem: `is larger than ${MAX_CONFIG_BYTES / (1024 * 1024)} MiB` };
      return { text: await handle.readFile('utf8') };
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { problem: `could not be read: ${code ?? 'error'}` };
  }
}

/** One config file in docker's format; `kind` names it in descriptions ("docker config", "podman auth file"). */
export function configFileKeychain(file: string, kind: string, options: HelperLimits): Keychain {
  return {
    async resolve(target: CredentialTarget, signal?: AbortSignal): Promise<Credential> {
      const read = await readConfigText(file);
      if (read === undefined) return ANONYMOUS;
      if ('problem' in read) return { kind: 'anonymous', source: `anonymous (${kind} ${file} ${read.problem})` };
      let config;
      try {
        config = parseDockerConfig(read.text);
      } catch (error) {
        // parseDockerConfig's message holds no byte of the file: only where it stops being JSON.
        return { kind: 'anonymous', source: `anonymous (${kind} ${file} ${(error as Error).message})` };
      }
      const found = lookupConfig(config, target);
      if (found.kind === 'none') return ANONYMOUS;
      if (found.kind === 'helper') {
        const { env, helperTimeoutMs: timeoutMs, helperKillGraceMs: killGraceMs } = options;
        return runCredentialHelper(found.helper, found.serverUrl, target.registry, { env, timeoutMs, killGraceMs, signal });
      }
      return credentialFromEntry(found.entry, `${kind} auths for ${found.key} in ${file}`);
    },
  };
}

/** The files the default keychain reads, in order. */
export function defaultCredentialFiles(options: KeychainOptions = {}): { file: string; kind: string }[] {
  const env = options.env ?? process.env;
  const home = env.HOME || homedir();
  const dockerDir = options.dockerConfigDir ?? (env.DOCKER_CONFIG || join(home, '.docker'));
  const files = [{ file: join(dockerDir, 'config.json'), kind: 'docker config' }];
  if (env.REGISTRY_AUTH_FILE) files.push({ file: env.REGISTRY_AUTH_FILE, kind: 'podman auth file' });
  if (env.XDG_RUNTIME_DIR) files.push({ file: join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'), kind: 'podman auth file' });
  files.push({ file: join(env.XDG_CONFIG_HOME || join(home, '.config'), 'containers', 'auth.json'), kind: 'podman auth file' });
  return files;
}

export function createDefaultKeychain(options: KeychainOptions = {}): Keychain {
  const limits: HelperLimits = {
    env: options.env ?? process.env,
    helperTimeoutMs: options.helperTimeoutMs ?? 10_000,
    helperKillGraceMs: options.helperKillGraceMs ?? 2000,
  };
  return multiKeychain(defaultCredentialFiles(options).map(({ file, kind }) => configFileKeychain(file, kind, limits)));
}

/** Remembers each registry's answer for `ttlMs`, so a helper is not run for every request; lookups in flight are shared. */
export function cachedKeychain(inner: Keychain, ttlMs: number, now: () => number = Date.now): Keychain & { forget(registry: string): void } {
  const answers = new Map<string, { at: number; credential: Promise<Credential> }>();
  const keyOf = (target: CredentialTarget): string => `${target.registry}\u0000${target.path ?? ''}`;
  return {
    resolve(target, signal) {
      const key = keyOf(target);
      let cached = answers.get(key);
      if (cached === undefined || now() - cached.at >= ttlMs) {
        // The shared lookup ignores any one caller's signal (helpers have their own timeout); each caller can still leave.
        const credential = inner.resolve(target);
        cached = { at: now(), credential };
        answers.set(key, cached);
        credential.catch(() => answers.delete(key));
      }
      return raceSignal(cached.credential, signal);
    },
    forget(registry) {
      for (const key of answers.keys()) if (key.startsWith(`${registry}\u0000`)) answers.delete(key);
    },
  };
}

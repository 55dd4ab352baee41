/**
 * What the CLI's registry tests share: real registries that are stopped after the test file,
 * an isolated environment per CLI run (its own HOME, DOCKER_CONFIG and XDG_CACHE_HOME, so neither
 * the machine's docker config nor its cache is ever used), and fixture folders copied to a
 * temporary folder with their `{{NAME}}` placeholders filled in.
 */
import { after } from 'node:test';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMisbehavingServer, startRegistry, proxy } from '../helpers/registry';
import type { MisbehavingServer, RegistryOptions, RunningRegistry } from '../helpers/registry';

const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

export async function registryWith(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const registry = await startRegistry(options);
  cleanups.push(() => registry.stop());
  return registry;
}

/** A proxy in front of registry that records every request, to count what the CLI asked. */
export async function countingProxy(registry: RunningRegistry): Promise<MisbehavingServer> {
  const server = await startMisbehavingServer(proxy(registry));
  cleanups.push(() => server.stop());
  return server;
}

export function temporaryDir(prefix = 'image-aware-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface IsolatedEnv {
  readonly env: Record<string, string>;
  readonly home: string;
  readonly dockerConfigDir: string;
  /** The default cache directory of this environment ($XDG_CACHE_HOME/image-aware). */
  readonly cacheDir: string;
}

/** An environment whose only credentials are dockerConfig (none when undefined). */
export function isolatedEnv(dockerConfig?: unknown): IsolatedEnv {
  const home = temporaryDir('image-aware-cli-home-');
  const dockerConfigDir = join(home, 'docker-config');
  mkdirSync(dockerConfigDir);
  if (dockerConfig !== undefined) writeFileSync(join(dockerConfigDir, 'config.json'), JSON.stringify(dockerConfig));
  const cache = join(home, 'xdg-cache');
  return {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: dockerConfigDir, XDG_CACHE_HOME: cache },
    home,
    dockerConfigDir,
    cacheDir: join(cache, 'image-aware'),
  };
}

/** The docker config `auth` value: base64 of user:password. */
export function basicAuth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

/** Replaces every `{{NAME}}` whose NAME is a key of values; other braces are left alone. */
export function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{([^{}]+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Copies a fixture folder to a new temporary folder, filling the placeholders of every file. */
export function materialize(fixture: string, values: Readonly<Record<string, string>>): string {
  const dir = temporaryDir('image-aware-cli-work-');
  cpSync(fixture, dir, { recursive: true });
  const visit = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) visit(path);
      else writeFileSync(path, fill(readFileSync(path, 'utf8'), values));
    }
  };
  visit(dir);
  return dir;
}

/** Every file below dir (relative path → bytes as text), for whole-folder comparisons. */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (folder: string, prefix: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) visit(path, `${prefix}${name}/`);
      else files[`${prefix}${name}`] = readFileSync(path, 'latin1');
    }
  };
  visit(dir, '');
  return files;
}

/** The manifest requests a counting proxy saw (HEAD and GET of /v2/NAME/manifests/REF). */
export function manifestRequests(server: MisbehavingServer): Array<{ method: string; path: string }> {
  return server.requests.filter((r) => /^\/v2\/.+\/manifests\/[^/]+$/.test(r.path)).map((r) => ({ method: r.method, path: r.path }));
}

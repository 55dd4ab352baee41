/**
 * Real build tools for the adapter tests, each boxed into a temporary folder so tests never share
 * state with each other or with the machine:
 * - `containersSandbox()`: the environment buildah and podman run with: their own storage (vfs, so
 *   no overlay mounts), chroot isolation (no runc, which cannot work here), their own libpod state
 *   and auth file.
 * - `startDockerd()`: a private dockerd (Debian docker.io) with its socket, data root and exec root in
 *   a temporary folder, started as TESTING-INFRA.md describes; a dockerd that cannot start fails the
 *   test with its own log.
 * - `busyboxContext()`: a build context whose Dockerfile starts `FROM scratch` with a static busybox,
 *   so `RUN` steps work without pulling anything.
 * Plus what the tests read back: the digest the registry serves (HEAD with every manifest type),
 * skopeo's view of it, and which processes are still running.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeFolder, trackChild, trackFolder } from './registry/cleanup';
import { httpRequest, MANIFEST_ACCEPT } from './registry/http';
import type { RunningRegistry } from './registry/registryServer';

const BUSYBOX = '/bin/busybox';

/** A folder of its own for a test, removed by `cleanup()` (and at exit if a test forgets). */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `image-aware-${prefix}-`));
  trackFolder(dir);
  return dir;
}

export interface ContainersSandbox {
  readonly dir: string;
  /** The environment to give buildah or podman (and the registry client, for the auth file). */
  readonly env: Record<string, string>;
  /** REGISTRY_AUTH_FILE: where `login` writes and `push` reads credentials. */
  readonly authFile: string;
  cleanup(): void;
}

/** A private storage, libpod state and auth file for buildah and podman. */
export function containersSandbox(): ContainersSandbox {
  const dir = tempFolder('containers');
  const storageConf = join(dir, 'storage.conf');
  writeFileSync(storageConf, `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'root')}"\nrunroot = "${join(dir, 'run')}"\n`);
  const containersConf = join(dir, 'containers.conf');
  writeFileSync(containersConf, `[engine]\ntmp_dir = "${join(dir, 'libpod')}"\nevents_logger = "file"\nevents_logfile_path = "${join(dir, 'events.log')}"\n`);
  // An empty auth file: with REGISTRY_AUTH_FILE set to a missing file, push fails on the stat instead of asking the registry.
  const authFile = join(dir, 'auth.json');
  writeFileSync(authFile, '{"auths":{}}\n');
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: dir,
    TMPDIR: dir,
    CONTAINERS_STORAGE_CONF: storageConf,
    CONTAINERS_CONF: containersConf,
    STORAGE_DRIVER: 'vfs',
    BUILDAH_ISOLATION: 'chroot',
    REGISTRY_AUTH_FILE: authFile,
  };
  return { dir, env, authFile, cleanup: () => removeFolder(dir) };
}

/** A build context with a static busybox at its root and `dockerfile` as its Dockerfile. */
export function busyboxContext(dockerfile: string): { dir: string; dockerfile: string; cleanup(): void } {
  const dir = tempFolder('context');
  copyFileSync(BUSYBOX, join(dir, 'busybox'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return { dir, dockerfile: join(dir, 'Dockerfile'), cleanup: () => removeFolder(dir) };
}

/** The first lines of a Dockerfile that make busybox the shell of an image built FROM scratch. */
export const BUSYBOX_BASE = ['FROM scratch AS base', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox", "--install", "-s", "/bin"]'];

export interface RunningDockerd {
  /** `unix:///…/docker.sock`, for DOCKER_HOST. */
  readonly host: string;
  /** The environment to give the docker client: DOCKER_HOST and a private DOCKER_CONFIG. */
  readonly env: Record<string, string>;
  /** DOCKER_CONFIG: where `docker login` writes credentials. */
  readonly configDir: string;
  readonly startMs: number;
  logs(): string;
  stop(): Promise<void>;
}

function tail(text: string, lines = 25): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/_ping', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  try {
    await once(child, 'exit', { signal: AbortSignal.timeout(ms) });
    return true;
  } catch {
    return false;
  }
}

/** Mount points under `dir` (dockerd's netns and shm mounts), deepest first. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
}

/** Starts a private dockerd and waits until it answers /_ping (20 s at most). */
export async function startDockerd(): Promise<RunningDockerd> {
  const started = Date.now();
  const dir = tempFolder('dockerd');
  const socket = join(dir, 'docker.sock');
  const logFile = join(dir, 'dockerd.log');
  const configDir = join(dir, 'client-config');
  mkdirSync(configDir);
  const logFd = openSync(logFile, 'a');
  const args = [
    '--iptables=false',
    '--bridge=none',
    '--storage-driver=vfs',
    '-H',
    `unix://${socket}`,
    '--data-root',
    join(dir, 'root'),
    '--exec-root',
    join(dir, 'exec'),
    '--pidfile',
    join(dir, 'dockerd.pid'),
    '--config-file',
    join(dir, 'daemon.json'),
  ];
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  const child = spawn('dockerd', args, { stdio: ['ignore', logFd, logFd], env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } });
  closeSync(logFd);
  trackChild(child);
  child.unref();
  const logs = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));

  const stop = async (): Promise<void> => {
    child.ref();
    child.kill('SIGTERM');
    if (!(await exited(child, 15_000))) {
      child.kill('SIGKILL');
      await exited(child, 5000);
    }
    for (const point of mountsUnder(dir)) execFileSync('umount', ['-l', point]);
    removeFolder(dir);
  };

  while (!(await ping(socket))) {
    const why = spawnError
      ? `dockerd could not be started: ${spawnError.message} (install it with \`apt-get install -y docker.io\`)`
      : child.exitCode !== null || child.signalCode !== null
        ? `dockerd exited (${child.exitCode ?? child.signalCode}) before answering`
        : Date.now() - started > 20_000
          ? 'dockerd did not answer /_ping within 20 s'
          : null;
    if (why !== null) {
      const log = tail(logs());
      await stop();
      throw new Error(`${why}. Its log:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const host = `unix://${socket}`;
  return {
    host,
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir, DOCKER_HOST: host, DOCKER_CONFIG: configDir },
    configDir,
    startMs: Date.now() - started,
    logs,
    stop,
  };
}

/** What the registry serves for `path:tag`: its Docker-Content-Digest when asked with every manifest type, and the sha256 of the body. */
export async function servedDigest(
  registry: RunningRegistry,
  path: string,
  tag: string,
  auth?: string,
): Promise<{ header: string; body: string; mediaType: string }> {
  const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT, ...(auth ? { Authorization: auth } : {}) };
  const response = await httpRequest(`${registry.url}/v2/${path}/manifests/${tag}`, { headers });
  if (response.status !== 200) throw new Error(`GET ${path}:${tag} answered ${response.status}: ${response.body.toString('utf8')}`);
  return {
    header: response.header('docker-content-digest') ?? '',
    body: `sha256:${createHash('sha256').update(response.body).digest('hex')}`,
    mediaType: response.header('content-type') ?? '',
  };
}

/** The digest of the manifest skopeo reads for `image` (`skopeo inspect --raw`, hashed), with the given auth file. */
export function skopeoDigest(image: string, authFile?: string): string {
  const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', ...(authFile ? ['--authfile', authFile] : []), `docker://${image}`]);
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/** The image config skopeo reads for `image` (labels, env…). */
export function skopeoConfig(image: string, authFile?: string): { config?: { Labels?: Record<string, string> } } {
  const raw = execFileSync('skopeo', ['inspect', '--config', '--tls-verify=false', ...(authFile ? ['--authfile', authFile] : []), `docker://${image}`], {
    encoding: 'utf8',
  });
  return JSON.parse(raw) as { config?: { Labels?: Record<string, string> } };
}

/** Live (not zombie) processes whose command line contains `marker`, as `pid command`. */
export function processesWith(marker: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const state = /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${name}/stat`, 'utf8'))?.[1];
      if (cmdline.includes(marker) && state !== 'Z') found.push(`${name} ${cmdline}`);
    } catch {
      // Gone while reading.
    }
  }
  return found;
}

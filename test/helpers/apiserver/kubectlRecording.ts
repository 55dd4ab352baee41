/**
 * Runs the real kubectl against a stub API server, and records what it sends, so our own cluster
 * client can be compared with kubectl request by request.
 * kubectl gets a temporary HOME and --cache-dir, so no discovery cache or config of the machine leaks
 * in or out. It runs asynchronously: the server lives in this process and must keep answering.
 * A missing kubectl is an error naming the reason (these tests fail, never skip).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeFolder, trackFolder } from '../registry/cleanup';
import { startApiServer } from './server';
import type { ApiServer, RecordedRequest } from './server';

export interface KubectlResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What kubectl sent during this run, oldest first. */
  readonly requests: readonly RecordedRequest[];
}

export interface KubectlOptions {
  /** A kubeconfig other than the server's admin one (e.g. from `api.kubeconfigFor(api.tokens.reader)`). */
  readonly kubeconfig?: string;
  /** Written to a temporary file that is passed as `-f FILE` after `args`. */
  readonly manifest?: string;
  /** Kill kubectl after this long (default 30 s). */
  readonly timeoutMs?: number;
}

/** The kubectl binary: $KUBECTL, else `kubectl` on PATH. */
export function kubectlBinary(): string {
  return process.env['KUBECTL'] ?? 'kubectl';
}

export function runKubectl(api: ApiServer, args: readonly string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-kubectl-'));
  trackFolder(dir);
  const fileArgs: string[] = [];
  if (options.manifest !== undefined) {
    const file = join(dir, 'manifest.yaml');
    writeFileSync(file, options.manifest);
    fileArgs.push('-f', file);
  }
  const first = api.requests.length;
  const argv = [`--cache-dir=${join(dir, 'cache')}`, ...args, ...fileArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlBinary(), argv, {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: options.kubeconfig ?? api.kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      removeFolder(dir);
      reject(
        error.code === 'ENOENT'
          ? new Error(`\`${kubectlBinary()}\` was not found on PATH; these tests need the real kubectl (apt-get install -y kubectl, or set KUBECTL)`)
          : error,
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      removeFolder(dir);
      resolve({
        exitCode: code ?? (signal === null ? -1 : 128),
        stdout,
        stderr: signal === null ? stderr : `${stderr}\n(kubectl killed by ${signal})`,
        requests: api.requests.slice(first),
      });
    });
  });
}

/** Discovery and OpenAPI requests, which clients send (or cache) differently and are rarely what a test compares. */
export function isDiscovery(request: RecordedRequest): boolean {
  return (
    request.path === '/version' ||
    request.path === '/api' ||
    request.path === '/apis' ||
    request.path.startsWith('/openapi/') ||
    /^\/api\/v1$/.test(request.path) ||
    /^\/apis\/[^/]+(\/[^/]+)?$/.test(request.path)
  );
}

/**
 * What kubectl sends for `kubectl ARGS -f MANIFEST` against a fresh stub server (after `setup`, which
 * may put objects in place), without discovery and OpenAPI requests. Throws when kubectl fails,
 * with its stderr.
 */
export async function recordKubectl(args: readonly string[], manifest?: string, setup?: (api: ApiServer) => Promise<void> | void): Promise<RecordedRequest[]> {
  const api = await startApiServer();
  try {
    await setup?.(api);
    const result = await runKubectl(api, args, { manifest });
    if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.exitCode}): ${result.stderr.trim()}`);
    return result.requests.filter((r) => !isDiscovery(r));
  } finally {
    await api.close();
  }
}

/**
 * Server memory benchmark: spawns the bundled LSP server (`node dist/server.js --stdio`), opens ten
 * different generated 1 MB manifests, waits until diagnostics were published for all of them, and
 * reads the server's resident set size from /proc (Linux only). An idle server right after
 * `initialize` is the baseline measured in the same run. Target: under 100 MB with ten files open.
 *
 *   node scripts/build.mjs && node out/bench/serverMemory.bench.js [--files N] [--bytes N]
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as Rpc from 'vscode-jsonrpc/lib/node/main';
import { generateManifest } from './generate';
import { table } from './harness';

// vscode-jsonrpc only exposes `vscode-jsonrpc/node` through package exports, which the repo's
// `moduleResolution: node` cannot see; the types come from the file the export points at.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require('vscode-jsonrpc/node') as typeof Rpc;

const TARGET_MB = 100;
const TIMEOUT_MS = 120_000;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? Number(process.argv[at + 1]) : fallback;
}

interface Memory {
  readonly rssMb: number;
  readonly hwmMb: number;
}

function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

function sleep(msec: number): Promise<void> {
  return new Promise((done) => setTimeout(done, msec));
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runServerMemoryBench(): Promise<void> {
  const files = option('--files', 10);
  const bytes = option('--bytes', 1024 * 1024);
  const serverPath = resolve(__dirname, '../../dist/server.js');
  console.log(`# Server memory benchmark (${files} files of ${bytes} bytes, target < ${TARGET_MB} MB RSS)`);
  if (process.platform !== 'linux') {
    console.log('skipped: reads /proc/<pid>/status, which only Linux has');
    return;
  }
  if (!existsSync(serverPath)) {
    console.log(`skipped: ${serverPath} does not exist (run node scripts/build.mjs)`);
    return;
  }

  // Generate before spawning so generation never overlaps the server's work.
  const texts = Array.from({ length: files }, (_, i) => generateManifest(bytes, 1000 + i));

  const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the server');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));

  // A minimal client: default settings for every configuration request, null for anything else.
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
  connection.onRequest(() => null);
  connection.onNotification(() => undefined);
  const published = new Map<string, number>();
  let allPublished: () => void = () => undefined;
  const allPublishedPromise = new Promise<void>((done) => (allPublished = done));
  const expected = new Set(texts.map((_, i) => `file:///bench/manifest-${i}.yaml`));
  connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: unknown[] }) => {
    if (!expected.has(params.uri)) return;
    published.set(params.uri, params.diagnostics.length);
    if (published.size === expected.size) allPublished();
  });
  connection.listen();

  try {
    await withTimeout(
      connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
          textDocument: { publishDiagnostics: {}, synchronization: { didSave: true } },
        },
      }),
      'initialize',
    );
    await connection.sendNotification('initialized', {});
    await sleep(1000);
    const idle = readMemory(pid);

    const start = performance.now();
    for (const [i, text] of texts.entries()) {
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: `file:///bench/manifest-${i}.yaml`, languageId: 'yaml', version: 1, text },
      });
    }
    await withTimeout(allPublishedPromise, `publishDiagnostics for ${files} files (got ${published.size})`);
    const elapsed = performance.now() - start;
    const loaded = readMemory(pid);
    await sleep(2000);
    const settled = readMemory(pid);

    const diagnostics = [...published.values()].reduce((a, b) => a + b, 0);
    const mb = (value: number): string => value.toFixed(1);
    const verdictFor = (value: number): string => (value < TARGET_MB ? `OK (< ${TARGET_MB})` : `MISSED (>= ${TARGET_MB})`);
    console.log(
      table(
        ['server state', 'VmRSS MB', 'VmHWM MB', 'vs idle', 'target'],
        [
          ['idle, right after initialize', mb(idle.rssMb), mb(idle.hwmMb), '', ''],
          [`${files} files open, all diagnostics published`, mb(loaded.rssMb), mb(loaded.hwmMb), `+${mb(loaded.rssMb - idle.rssMb)}`, verdictFor(loaded.rssMb)],
          ['same, 2 s later', mb(settled.rssMb), mb(settled.hwmMb), `+${mb(settled.rssMb - idle.rssMb)}`, verdictFor(settled.rssMb)],
        ],
      ),
    );
    console.log(
      `\n${files} files (${((texts.length * bytes) / 1048576).toFixed(0)} MiB of text) opened and diagnosed in ${elapsed.toFixed(0)} ms; ` +
        `${diagnostics} diagnostics published; peak RSS (VmHWM) ${verdictFor(settled.hwmMb)}`,
    );

    await withTimeout(connection.sendRequest('shutdown'), 'shutdown');
    await connection.sendNotification('exit');
    const code = await withTimeout(exited, 'server exit');
    console.log(`server shut down cleanly (exit code ${code})`);
  } catch (e) {
    console.log(`server memory benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
    if (stderr) console.log(`server stderr:\n${stderr}`);
    if (child.exitCode === null) child.kill();
    process.exitCode = 1;
  } finally {
    connection.dispose();
  }
}

if (require.main === module) {
  runServerMemoryBench().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}

/**
 * Server memory benchmark: spawns the bundled LSP server (`node dist/server.js --stdio`), opens ten
 * different generated 1 MB manifests, waits until diagnostics were published for all of them, and
 * reads the server's resident set size from /proc (Linux only). An idle server right after
 * `initialize` is the baseline measured in the same run. Target: under 100 MB with ten files open.
 *
 * For context it also measures, in this process, the heap that ten analyses plus their diagnostics
 * keep alive after a full GC: the part of the server's RSS the core is responsible for (the rest is
 * node itself, the protocol libraries, and garbage V8 has not handed back yet).
 *
 *   node scripts/build.mjs && node out/bench/serverMemory.bench.js [--files N] [--bytes N] [--server-flags "--flag1 --flag2"]
 *
 * The server gets the node options the VS Code client launches it with (package.json
 * `imageAware.serverExecArgv`); --server-flags replaces them, e.g. `--server-flags ""` for Node's defaults.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyze } from '../server/src/core/analysis';
import { collectDiagnostics } from '../server/src/core/features/diagnostics';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { fileFacts, mergeFacts } from '../server/src/core/workspace';
import { generateManifest } from './generate';
import { collect, option, table } from './harness';

/** The part of vscode-jsonrpc's MessageConnection this client uses. */
interface Connection {
  onRequest(method: string, handler: (params: never) => unknown): void;
  onRequest(handler: (method: string, params: unknown) => unknown): void;
  onNotification(method: string, handler: (params: never) => void): void;
  onNotification(handler: (method: string, params: unknown) => void): void;
  sendRequest(method: string, params?: unknown): Promise<unknown>;
  sendNotification(method: string, params?: unknown): Promise<void>;
  listen(): void;
  dispose(): void;
}
interface JsonRpcNode {
  createMessageConnection(reader: unknown, writer: unknown): Connection;
  StreamMessageReader: new (readable: NodeJS.ReadableStream) => unknown;
  StreamMessageWriter: new (writable: NodeJS.WritableStream) => unknown;
}
// `vscode-jsonrpc/node` exists only as a package export, which `moduleResolution: node` cannot
// resolve for types; requiring it untyped works under any resolution setting.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require('vscode-jsonrpc/node') as JsonRpcNode;

const TARGET_MB = 100;
const TIMEOUT_MS = 120_000;

interface Memory {
  readonly rssMb: number;
  readonly hwmMb: number;
}

function stringOption(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : undefined;
}

/** Heap (MB) kept alive by analyses and diagnostics of texts, measured in this process after full GCs. */
function retainedHeapMb(texts: readonly string[]): { analyses: number; texts: number } {
  collect();
  collect();
  const before = process.memoryUsage().heapUsed;
  const kept = texts.map((text) => {
    const analysis = analyze(text, { maxFileSize: DEFAULT_SETTINGS.maxFileSize });
    return { analysis, diagnostics: collectDiagnostics(analysis, DEFAULT_SETTINGS, mergeFacts([fileFacts(analysis)])) };
  });
  collect();
  collect();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== texts.length) throw new Error('unreachable');
  // The texts already existed before; a one-byte-per-character string costs about its length.
  const textBytes = texts.reduce((n, t) => n + t.length * (/[^\x00-\xff]/.test(t) ? 2 : 1), 0);
  return { analyses: (after - before) / 1048576, texts: textBytes / 1048576 };
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

  // By default the server runs with the flags the VS Code client launches it with (package.json).
  const launchFlags: string[] = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')).imageAware.serverExecArgv;
  const flagOption = stringOption('--server-flags');
  const serverFlags = flagOption === undefined ? launchFlags : flagOption.split(/\s+/).filter(Boolean);
  console.log(`server node flags: ${serverFlags.join(' ') || '(none)'}${flagOption === undefined ? ' (as the VS Code client launches it)' : ''}`);
  const child = spawn(process.execPath, [...serverFlags, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the server');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));

  // A minimal client: default settings for every configuration request (except that registries are
  // not asked: this measures the analyses, not the network), null for anything else.
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({ registry: { online: false } })));
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

    const retained = retainedHeapMb(texts);
    console.log(
      `for context, in-process: ${files} analyses + diagnostics keep ${mb(retained.analyses)} MB of heap alive after GC ` +
        `(excluding the ${mb(retained.texts)} MB of text they share with the open documents)`,
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

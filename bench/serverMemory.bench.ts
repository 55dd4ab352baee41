/**
 * Server memory benchmark: spawns the bundled LSP server (`node dist/server.js --stdio`), opens ten
 * different 1 MB manifests, waits until diagnostics were published for all of them, and reads the
 * server's resident set size from /proc (Linux only). An idle server right after `initialize` is the
 * baseline measured in the same run. Target: at most 80 MB with ten files open (issue 13).
 *
 * For context it also measures, in this process, the heap that ten analyses plus their diagnostics
 * keep alive after a full GC: the part of the server's RSS the core is responsible for (the rest is
 * node itself, the protocol libraries, and garbage V8 has not handed back yet).
 *
 *   node scripts/build.mjs && node out/bench/serverMemory.bench.js [--files N] [--bytes N] [--input varied|plain]
 *     [--server-flags "--flag1 --flag2"] [--server-env "NAME=value NAME2=value2"]
 *
 * The files are varied manifests (varied.ts) unless --input plain asks for generate.ts's (the input
 * of the figures recorded before issue 13). The server gets the node options the VS Code client
 * launches it with (package.json `imageAware.serverExecArgv` and `imageAware.serverEnv`); --server-flags
 * replaces the flags, e.g. `--server-flags ""` for Node's defaults, and --server-env the variables set over
 * this process's environment (`--server-env ""` sets none).
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyze } from '../server/src/core/analysis';
import { collectDiagnostics } from '../server/src/core/features/diagnostics';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { fileFacts, mergeFacts } from '../server/src/core/workspace';
import { generateManifest } from './generate';
import { collect, option, stringOption, table } from './harness';
import { launchEnv, launchFlags, LspSession, SERVER_PATH } from './lspClient';
import type { ServerLaunch } from './lspClient';
import { generateVaried } from './varied';

export const SERVER_MEMORY_TARGET_MB = 80;

interface Memory {
  readonly rssMb: number;
  readonly hwmMb: number;
}

export interface ServerMemoryResult {
  readonly idle: Memory;
  /** Two seconds after every file's diagnostics were published. */
  readonly settled: Memory;
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

/** The texts the benchmark opens: files of bytes characters, varied or generate.ts's plain ones. */
export function memoryTexts(files: number, bytes: number, input: string): string[] {
  return Array.from({ length: files }, (_, i) => (input === 'plain' ? generateManifest(bytes, 1000 + i) : generateVaried(bytes, 1000 + i).text));
}

/** Prints the measurement; resolves with it, or null when it could not be made here. */
export async function runServerMemoryBench(texts: readonly string[], launch: ServerLaunch, launchNote: string): Promise<ServerMemoryResult | null> {
  const files = texts.length;
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  console.log(`# Server memory (${files} files, ${(bytes / 1048576).toFixed(1)} MiB of text; target <= ${SERVER_MEMORY_TARGET_MB} MB RSS)`);
  if (process.platform !== 'linux') {
    console.log('skipped: reads /proc/<pid>/status, which only Linux has');
    return null;
  }
  if (!existsSync(SERVER_PATH)) {
    console.log(`skipped: ${SERVER_PATH} does not exist (run node scripts/build.mjs)`);
    return null;
  }
  console.log(launchLine(launch, launchNote));
  const session = await LspSession.start(launch);
  try {
    await sleep(1000);
    const idle = readMemory(session.pid);
    const start = performance.now();
    const uris = texts.map((_, i) => `file:///bench/manifest-${i}.yaml`);
    const published = uris.map((uri) => session.diagnostics(uri, 1));
    for (const [i, text] of texts.entries()) await session.sendOpen(uris[i], text);
    const counts = await Promise.all(published);
    const elapsed = performance.now() - start;
    const loaded = readMemory(session.pid);
    await sleep(2000);
    const settled = readMemory(session.pid);

    const diagnostics = counts.reduce((a, b) => a + b, 0);
    const mb = (value: number): string => value.toFixed(1);
    const verdictFor = (value: number): string =>
      value <= SERVER_MEMORY_TARGET_MB ? `met (<= ${SERVER_MEMORY_TARGET_MB})` : `not met (> ${SERVER_MEMORY_TARGET_MB})`;
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
      `${files} files opened and diagnosed in ${elapsed.toFixed(0)} ms; ${diagnostics} diagnostics published; peak RSS (VmHWM) ${verdictFor(settled.hwmMb)}`,
    );

    const retained = retainedHeapMb(texts);
    console.log(
      `for context, in-process: ${files} analyses + diagnostics keep ${mb(retained.analyses)} MB of heap alive after GC ` +
        `(excluding the ${mb(retained.texts)} MB of text they share with the open documents)`,
    );
    console.log(`server shut down cleanly (exit code ${await session.shutdown()})`);
    return { idle, settled };
  } catch (e) {
    const stderr = session.errorOutput();
    session.dispose();
    throw new Error(`server memory benchmark failed: ${e instanceof Error ? e.message : String(e)}${stderr ? `\nserver stderr:\n${stderr}` : ''}`);
  }
}

/** The flags from --server-flags and the variables from --server-env, else the client's, with a note saying which are the client's. */
export function serverLaunchOption(): { launch: ServerLaunch; note: string } {
  const flagOption = stringOption('--server-flags');
  const envOption = stringOption('--server-env');
  const flags = flagOption === undefined ? launchFlags() : flagOption.split(/\s+/).filter(Boolean);
  const env =
    envOption === undefined
      ? launchEnv()
      : Object.fromEntries(
          envOption
            .split(/\s+/)
            .filter(Boolean)
            .map((pair) => pair.split('=', 2)),
        );
  const note = flagOption === undefined && envOption === undefined ? ' (as the VS Code client launches it)' : '';
  return { launch: { flags, env }, note };
}

/** The line that says how the server was launched. */
export function launchLine(launch: ServerLaunch, note: string): string {
  const env = Object.entries(launch.env).map(([name, value]) => `${name}=${value}`);
  return `server node flags: ${launch.flags.join(' ') || '(none)'}; environment: ${env.join(' ') || '(inherited)'}${note}`;
}

if (require.main === module) {
  const { launch, note } = serverLaunchOption();
  runServerMemoryBench(memoryTexts(option('--files', 10), option('--bytes', 1024 * 1024), stringOption('--input') ?? 'varied'), launch, note).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}

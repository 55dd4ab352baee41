/**
 * Registry benchmark: pinning a workspace and completing tags against a real registry on loopback
 * (CNCF distribution, as the tests start it).
 *
 *   tsc -b && node scripts/build.mjs && node out/bench/pin.bench.js [--runs N] [--files N] [--per-file N] [--repos N] [--tags N]
 *
 * The workspace: 200 Deployments with 5 containers each, 1,000 image fields over 50 unique
 * `repo:tag` references (10 repositories × 5 tags; half of the repositories are two-platform
 * indexes). A counting proxy sits between the client and the registry, so every manifest request is
 * seen; a cold pin must make exactly one per unique reference (that is checked and printed), a warm
 * one none.
 * - pin, engine: analyze every file, engine `pinEdits`, apply the edits and write the files, in this
 *   process. Cold: a new client with an empty cache directory. Warm: a new client on the cache
 *   directory a cold run filled (what a second CLI run or a restarted server gets). Also with a pin
 *   platform (linux/arm64), where each reference is one GET by tag instead of one HEAD.
 * - pin, CLI process: `node dist/cli.js pin --cache-dir DIR .`, start-up included.
 * - tag completion: `registryCompletionNeed` → engine `collectTags` → `computeCompletions` with the
 *   facts, for a repository of 300 tags, straight to the registry (no proxy). Cold: a new client and
 *   an empty cache (ping, challenge and the tag list). Warm: the same client again (its memory),
 *   and a new client on the filled cache directory (disk).
 * Every time is the median of N runs; the files are reset between runs, untimed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyze } from '../server/src/core/analysis';
import { applyEdits } from '../server/src/core/edits/textEdit';
import { computeCompletions, registryCompletionNeed } from '../server/src/core/features/completion';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { collectTags, pinEdits } from '../server/src/engine';
import { createRegistryClient } from '../server/src/registry';
import type { RegistryClient } from '../server/src/registry';
import { proxy, pushIndex, pushTags, startMisbehavingServer, startRegistry } from '../test/helpers/registry';
import type { MisbehavingServer, RunningRegistry } from '../test/helpers/registry';
import { median, ms, option, runProgram, table, verdict } from './harness';

const RUNS = option('--runs', 7);
const FILES = option('--files', 200);
const PER_FILE = option('--per-file', 5);
const REPOS = option('--repos', 10);
const TAGS_PER_REPO = option('--tags', 5);
const COMPLETION_TAGS = 300;
const COLD_TARGET_MS = 150;
const WARM_TARGET_MS = 20;
const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');

interface Workspace {
  readonly dir: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly text: string }>;
  readonly uniqueRefs: number;
  readonly fields: number;
}

function temporaryDir(prefix: string, cleanups: Array<() => void>): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes the workspace: file i, container j uses reference (i·PER_FILE + j) mod unique, so every reference is used 1000/50 times. */
function writeWorkspace(host: string, dir: string): Workspace {
  const refs: string[] = [];
  for (let r = 0; r < REPOS; r++) for (let t = 0; t < TAGS_PER_REPO; t++) refs.push(`${host}/bench/app${r}:1.${t}.0`);
  const files: Array<{ path: string; text: string }> = [];
  mkdirSync(join(dir, 'k8s'), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const containers = Array.from({ length: PER_FILE }, (_, j) => {
      const ref = refs[(i * PER_FILE + j + Math.floor(i / REPOS)) % refs.length];
      return `        - name: c${j} # container ${j}\n          image: ${ref}\n          ports:\n            - containerPort: ${8000 + j}\n`;
    }).join('');
    const text = `# service ${i}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${i}\n  labels:\n    app: svc-${i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: svc-${i}\n  template:\n    metadata:\n      labels:\n        app: svc-${i}\n    spec:\n      containers:\n${containers}`;
    const path = join(dir, 'k8s', `svc-${String(i).padStart(3, '0')}.yaml`);
    files.push({ path, text });
  }
  return { dir, files, uniqueRefs: refs.length, fields: FILES * PER_FILE };
}

function resetWorkspace(workspace: Workspace): void {
  for (const file of workspace.files) writeFileSync(file.path, file.text);
}

function manifestRequests(server: MisbehavingServer): number {
  return server.requests.filter((r) => /^\/v2\/.+\/manifests\/[^/]+$/.test(r.path)).length;
}

/** Pin-all in this process, as the CLI does it: read, analyze, ask (engine), edit, write. */
async function pinInProcess(workspace: Workspace, client: RegistryClient, platform: string | null = null): Promise<number> {
  const targets = workspace.files.map((file) => {
    const text = readFileSync(file.path, 'utf8');
    return { id: { path: file.path, text }, analysis: analyze(text, { fileName: file.path, maxFileSize: DEFAULT_SETTINGS.maxFileSize }) };
  });
  const report = await pinEdits(targets, client, { pin: { keepTag: true, platform } });
  let pinned = 0;
  for (const { id, pins } of report.files) {
    writeFileSync(
      id.path,
      applyEdits(
        id.text,
        pins.map((p) => p.edit),
      ),
    );
    pinned += pins.length;
  }
  if (report.skipped.length > 0) throw new Error(`${report.skipped.length} images were not pinned: ${report.skipped[0].reason}`);
  return pinned;
}

interface Row {
  readonly name: string;
  readonly times: number[];
  readonly requests: number[];
  readonly expectedRequests: number | null;
  readonly target?: number;
}

async function benchPin(registry: RunningRegistry, cleanups: Array<() => void>, rows: Row[]): Promise<void> {
  const counting = await startMisbehavingServer(proxy(registry));
  cleanups.push(() => void counting.stop());
  const workspace = writeWorkspace(counting.host, temporaryDir('image-aware-bench-ws-', cleanups));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: temporaryDir('image-aware-bench-home-', cleanups) };
  const clientFor = (cacheDir: string): RegistryClient => createRegistryClient({ cacheDir, env });

  const cold: Row = { name: 'pin all, engine, cold (empty cache dir)', times: [], requests: [], expectedRequests: workspace.uniqueRefs };
  const warm: Row = { name: 'pin all, engine, warm (same cache dir, new client)', times: [], requests: [], expectedRequests: 0 };
  const platformCold: Row = { name: 'pin all, engine, platform linux/arm64, cold', times: [], requests: [], expectedRequests: workspace.uniqueRefs };
  const platformWarm: Row = { name: 'pin all, engine, platform linux/arm64, warm', times: [], requests: [], expectedRequests: 0 };
  const cliCold: Row = { name: 'pin all, CLI process, cold', times: [], requests: [], expectedRequests: workspace.uniqueRefs };
  const cliWarm: Row = { name: 'pin all, CLI process, warm', times: [], requests: [], expectedRequests: 0 };
  for (let run = 0; run < RUNS; run++) {
    const cacheDir = temporaryDir('image-aware-bench-cache-', cleanups);
    const platformCacheDir = temporaryDir('image-aware-bench-cache-', cleanups);
    for (const [row, dir, platform] of [
      [cold, cacheDir, null],
      [warm, cacheDir, null],
      [platformCold, platformCacheDir, 'linux/arm64'],
      [platformWarm, platformCacheDir, 'linux/arm64'],
    ] as const) {
      resetWorkspace(workspace);
      counting.resetRequests();
      const client = clientFor(dir);
      const start = performance.now();
      const pinned = await pinInProcess(workspace, client, platform);
      row.times.push(performance.now() - start);
      client.close();
      row.requests.push(manifestRequests(counting));
      if (pinned !== workspace.fields) throw new Error(`${pinned} of ${workspace.fields} fields pinned (${row.name})`);
    }
    const cliCache = temporaryDir('image-aware-bench-cli-cache-', cleanups);
    for (const row of [cliCold, cliWarm]) {
      resetWorkspace(workspace);
      counting.resetRequests();
      const start = performance.now();
      const result = await runProgram(process.execPath, [CLI, 'pin', '--cache-dir', cliCache, '.'], { cwd: workspace.dir, env });
      row.times.push(performance.now() - start);
      row.requests.push(manifestRequests(counting));
      if (result.status !== 0) throw new Error(`the CLI exited with ${result.status}: ${result.stderr}`);
    }
  }
  rows.push(cold, warm, platformCold, platformWarm, cliCold, cliWarm);
}

async function benchCompletion(registry: RunningRegistry, cleanups: Array<() => void>, rows: Row[]): Promise<void> {
  const tags = Array.from({ length: COMPLETION_TAGS }, (_, i) => `${Math.floor(i / 30)}.${i % 30}.${i % 7}`);
  await pushTags(registry, 'bench/many', tags);
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: ${registry.host}/bench/many:1.`;
  const analysis = analyze(text, { maxFileSize: DEFAULT_SETTINGS.maxFileSize });
  const offset = text.length;
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: temporaryDir('image-aware-bench-home-', cleanups) };

  const complete = async (client: RegistryClient): Promise<number> => {
    const need = registryCompletionNeed(analysis, offset);
    if (need?.kind !== 'tags') throw new Error(`completion at the tag needs ${JSON.stringify(need)}`);
    const facts = await collectTags({ key: need.key, registry: need.registry, path: need.path }, client);
    const list = computeCompletions(analysis, offset, null, facts);
    if (!list || list.items.length !== new Set(tags).size)
      throw new Error(`completion offered ${list?.items.length ?? 'nothing'}, not ${new Set(tags).size} tags`);
    return list.items.length;
  };

  const cold: Row = {
    name: `tag completion, cold (new client, empty cache; ${COMPLETION_TAGS} tags)`,
    times: [],
    requests: [],
    expectedRequests: null,
    target: COLD_TARGET_MS,
  };
  const warmMemory: Row = { name: 'tag completion, warm (same client, memory)', times: [], requests: [], expectedRequests: null, target: WARM_TARGET_MS };
  const warmDisk: Row = { name: 'tag completion, warm (new client, cache dir)', times: [], requests: [], expectedRequests: null, target: WARM_TARGET_MS };
  // One untimed run first, so that the first timed one does not pay for loading code.
  await complete(createRegistryClient({ env }));
  for (let run = 0; run < RUNS * 3; run++) {
    const cacheDir = temporaryDir('image-aware-bench-cache-', cleanups);
    const client = createRegistryClient({ cacheDir, env });
    let start = performance.now();
    await complete(client);
    cold.times.push(performance.now() - start);
    start = performance.now();
    await complete(client);
    warmMemory.times.push(performance.now() - start);
    client.close();
    const again = createRegistryClient({ cacheDir, env });
    start = performance.now();
    await complete(again);
    warmDisk.times.push(performance.now() - start);
    again.close();
  }
  rows.push(cold, warmMemory, warmDisk);
}

function range(values: readonly number[]): string {
  return `${ms(Math.min(...values))}–${ms(Math.max(...values))}`;
}

async function main(): Promise<void> {
  const cleanups: Array<() => void> = [];
  const registry = await startRegistry();
  try {
    const seedStart = performance.now();
    for (let r = 0; r < REPOS; r++) {
      const tags = Array.from({ length: TAGS_PER_REPO }, (_, t) => `1.${t}.0`);
      // Half the repositories hold two-platform indexes, so pinning a platform has children to choose from.
      if (r % 2 === 0) for (const tag of tags) await pushIndex(registry, `bench/app${r}`, tag, ['linux/amd64', 'linux/arm64']);
      else await pushTags(registry, `bench/app${r}`, tags);
    }
    const seedMs = performance.now() - seedStart;
    const rows: Row[] = [];
    await benchPin(registry, cleanups, rows);
    await benchCompletion(registry, cleanups, rows);

    console.log(
      `Registry benchmark: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, Node ${process.version}`,
    );
    console.log(
      `Workspace: ${FILES} manifests, ${FILES * PER_FILE} image fields, ${REPOS * TAGS_PER_REPO} unique references (half of the repositories two-platform indexes) on a loopback docker-registry (seeded in ${ms(seedMs)} ms); median of ${RUNS} runs (completion: ${RUNS * 3}).\n`,
    );
    const body = rows.map((row) => {
      const requests = row.requests.length === 0 ? '–' : [...new Set(row.requests)].join('/');
      const check =
        row.expectedRequests !== null
          ? `${verdict(row.requests.every((n) => n === row.expectedRequests))}: ${row.expectedRequests} expected`
          : row.target !== undefined
            ? `${verdict(median(row.times) < row.target)}: target < ${row.target} ms`
            : '';
      return [row.name, ms(median(row.times)), range(row.times), requests, check];
    });
    console.log(table(['measurement', 'median ms', 'min–max ms', 'manifest requests', 'check'], body));
    const requestFailures = rows.filter((row) => row.expectedRequests !== null && !row.requests.every((n) => n === row.expectedRequests));
    if (requestFailures.length > 0) {
      console.log(`\nMISSED: ${requestFailures.map((r) => r.name).join('; ')} made other than the expected number of manifest requests.`);
      process.exitCode = 1;
    }
  } finally {
    await registry.stop();
    for (const cleanup of cleanups.reverse()) cleanup();
  }
}

void main();

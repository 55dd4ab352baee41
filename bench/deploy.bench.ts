/**
 * Deploy benchmark: the editor's cluster and push flows against what a script would run instead,
 * measured in the same run against the same loopback servers.
 *
 *   npm run bench:deploy
 *   node out/bench/deploy.bench.js [--runs N] [--objects N] [--files N] [--rollouts N]
 *
 * 1. Apply a generated manifest of --objects (50) Deployments, Services and ConfigMaps to the stub
 *    API server (test/helpers/apiserver, on a worker thread of its own: ./apiServerThread), which
 *    starts empty every run so every object is created:
 *    - kubectl 1.32: `apply --server-side`, with a new discovery cache (cold) and with the cache of
 *      earlier runs (warm); `apply --server-side --dry-run=server` and `diff --server-side` (warm).
 *    - ours: the engine's applyObjects over the Cluster adapter with prompts that confirm at once:
 *      a dry run, a GET and a diff per object, then the apply. Cold: a new Cluster (kubeconfig and
 *      discovery) every run; warm: one Cluster for all runs. The part up to the confirmation and
 *      the apply after it are reported too.
 *    Requests are those the API server recorded during the run (discovery and OpenAPI included).
 * 2. Push, then pin: an image of one small file, built once by buildah (vfs storage, chroot
 *    isolation, private storage: test/helpers/buildTools), pushed to a loopback registry:
 *    - a script: `buildah push`, then `skopeo inspect --raw` and its sha256 for the digest.
 *    - ours: pushImage (the buildah adapter, then the registry client asks the registry for the tag's
 *      digest) and the pin edits for a workspace of --files (200) manifests: read and analyze each,
 *      pushedPinEdits, edits applied in memory.
 * 3. Rollout watch latency: one Deployment is changed, kubectl `rollout status` and our watchRollout
 *    watch it at the same time, the stub server simulates a rollout (a status write every 20 ms);
 *    each gets the time from the server's last status write to its own end (kubectl: its process
 *    has exited; ours: the promise resolved).
 * Every time is the median of N runs after warm-up runs, cases interleaved round by round.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { analyze } from '../server/src/core/analysis';
import { applyEdits } from '../server/src/core/edits/textEdit';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { createCluster } from '../server/src/cluster/client';
import type { Cluster, KubeObject, ObjectRef } from '../server/src/cluster/types';
import { applyObjects, manifestObjects, pushedPinEdits, pushImage, refOf, watchRollout } from '../server/src/engine';
import { createRegistryClient } from '../server/src/registry';
import { createBuildTool } from '../server/src/tools';
import type { BuildTool } from '../server/src/tools';
import { findExecutable } from '../server/src/tools/detect';
import { deployment } from '../test/cluster/setup';
import { kubectlBinary } from '../test/helpers/apiserver';
import type { RecordedRequest } from '../test/helpers/apiserver';
import { containersSandbox, skopeoDigest, tempFolder } from '../test/helpers/buildTools';
import { startRegistry } from '../test/helpers/registry';
import { startApiServerThread } from './apiServerThread';
import type { ApiServerThread } from './apiServerThread';
import { ms, option, runProgram, summarize, table, timeInterleaved } from './harness';
import type { Case, Timing } from './harness';

const RUNS = option('--runs', 7);
const WARMUP = 2;
const OBJECTS = option('--objects', 50);
const FILES = option('--files', 200);
const ROLLOUTS = option('--rollouts', 7);
const FIELD_MANAGER = 'image-aware';
const QUIET = { output: () => undefined };

/** A time both threads read alike (the API server thread reports its times so). */
function now(): number {
  return performance.timeOrigin + performance.now();
}

interface Row {
  readonly name: string;
  readonly timing: Timing;
  /** Requests per timed run; empty when not counted. */
  readonly requests: readonly number[];
  readonly note: string;
}

function requestsCell(requests: readonly number[]): string {
  return requests.length === 0 ? '–' : [...new Set(requests)].join('/');
}

function printTable(rows: readonly Row[]): void {
  const body = rows.map((r) => [
    r.name,
    ms(r.timing.median),
    `${ms(r.timing.min)}–${ms(r.timing.max)}`,
    String(r.timing.runs),
    requestsCell(r.requests),
    r.note,
  ]);
  console.log(table(['measurement', 'median ms', 'min–max ms', 'runs', 'requests', 'vs baseline'], body));
}

function ratio(ours: Timing, baseline: Timing, label: string): string {
  return `${(ours.median / baseline.median).toFixed(2)}× ${label}`;
}

/** Timed samples without the warm-up ones (recorded by a case for every call). */
function timed<T>(samples: readonly T[], warmup: number): T[] {
  return samples.slice(warmup);
}

// ---------------------------------------------------------------------------------------------
// 1. Apply

/** OBJECTS objects in the context's namespace: a Deployment, its Service and its ConfigMap, in turn. */
function applyManifest(count: number): string {
  const documents: object[] = [];
  for (let i = 0; i < count; i++) {
    const app = `app-${Math.floor(i / 3)}`;
    if (i % 3 === 0) documents.push(deployment(app, 2, `registry.example.com/team/${app}:1.${i}`));
    else if (i % 3 === 1)
      documents.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: app }, spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] } });
    else documents.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: app }, data: { LOG_LEVEL: 'info', PORT: '8080' } });
  }
  return documents.map((d) => stringify(d)).join('---\n');
}

function parsedObjects(text: string): KubeObject[] {
  return manifestObjects(text).map((m) => {
    if (m.object === null) throw new Error(`document ${m.index}: ${m.problem}`);
    return m.object;
  });
}

async function benchApply(api: ApiServerThread, home: string): Promise<Row[]> {
  const text = applyManifest(OBJECTS);
  const manifestFile = join(home, 'manifest.yaml');
  writeFileSync(manifestFile, text);
  const refs: ObjectRef[] = parsedObjects(text).map((o) => ({ ...refOf(o), namespace: 'default' }));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: api.kubeconfigPath };
  const warmCache = join(home, 'kubectl-cache');
  const requests = new Map<string, number[]>();
  /** After every call: what the server saw, then an empty server for the next one. */
  const reset = (name: string, extra?: (seen: RecordedRequest[]) => void) => async (): Promise<void> => {
    const seen = await api.requests();
    requests.set(name, [...(requests.get(name) ?? []), seen.length]);
    extra?.(seen);
    await api.remove(refs);
    await api.clearRequests();
  };

  const kubectl = (name: string, args: readonly string[], accept: readonly number[], cold: boolean): Case => {
    let cacheDir = warmCache;
    return {
      name,
      runs: RUNS,
      warmup: WARMUP,
      fn: async () => {
        if (cold) cacheDir = tempFolder('bench-kubectl-cache');
        const result = await runProgram(kubectlBinary(), [`--cache-dir=${cacheDir}`, ...args, '-f', manifestFile], { env });
        if (result.status === null || !accept.includes(result.status))
          throw new Error(`kubectl ${args.join(' ')} exited with ${result.status}: ${result.stderr.trim()}`);
      },
      after: reset(name, () => {
        if (cold) rmSync(cacheDir, { recursive: true, force: true });
      }),
    };
  };

  // Ours: the time up to the confirmation prompt (dry run, GET, diff of every object) and after it (the apply).
  const phases = new Map<string, { look: number[]; apply: number[]; lookRequests: number[]; applyRequests: number[] }>();
  const warmCluster = await createCluster({ env: { KUBECONFIG: api.kubeconfigPath } });
  const ours = (name: string, cold: boolean): Case => {
    const phase = { look: [] as number[], apply: [] as number[], lookRequests: [] as number[], applyRequests: [] as number[] };
    phases.set(name, phase);
    return {
      name,
      runs: RUNS,
      warmup: WARMUP,
      fn: async () => {
        const started = performance.now();
        const cluster: Cluster = cold ? await createCluster({ env: { KUBECONFIG: api.kubeconfigPath } }) : warmCluster;
        let confirmedAt = started;
        const prompts = {
          confirmApply: async () => {
            confirmedAt = performance.now();
            return true;
          },
          confirmForce: async () => false,
        };
        const report = await applyObjects(parsedObjects(text), cluster, prompts, { fieldManager: FIELD_MANAGER, ...QUIET });
        phase.look.push(confirmedAt - started);
        phase.apply.push(performance.now() - confirmedAt);
        const created = report.results.filter((r) => r.outcome === 'created').length;
        if (created !== OBJECTS) throw new Error(`${created} of ${OBJECTS} objects created: ${JSON.stringify(report.refused)}`);
      },
      after: reset(name, (seen) => {
        // The apply starts with the first PATCH that is no dry run.
        const firstApply = seen.findIndex((r) => r.method === 'PATCH' && r.query['dryRun'] === undefined);
        phase.lookRequests.push(firstApply);
        phase.applyRequests.push(seen.length - firstApply);
      }),
    };
  };

  const timings = await timeInterleaved([
    kubectl('kubectl-cold', ['apply', '--server-side'], [0], true),
    kubectl('kubectl-warm', ['apply', '--server-side'], [0], false),
    kubectl('kubectl-dry', ['apply', '--server-side', '--dry-run=server'], [0], false),
    // 1: there are differences (every object is new).
    kubectl('kubectl-diff', ['diff', '--server-side'], [0, 1], false),
    ours('ours-cold', true),
    ours('ours-warm', false),
  ]);
  const t = (name: string): Timing => timings.get(name)!;
  const counted = (name: string): number[] => timed(requests.get(name) ?? [], WARMUP);
  const phaseRows = (name: string, label: string): Row[] => {
    const phase = phases.get(name)!;
    const look = summarize(timed(phase.look, WARMUP));
    const apply = summarize(timed(phase.apply, WARMUP));
    return [
      {
        name: `  ${label}: dry run + diff (until confirmed)`,
        timing: look,
        requests: timed(phase.lookRequests, WARMUP),
        note: ratio(look, t('kubectl-diff'), 'kubectl diff'),
      },
      {
        name: `  ${label}: apply (after confirmed)`,
        timing: apply,
        requests: timed(phase.applyRequests, WARMUP),
        note: ratio(apply, t('kubectl-warm'), 'kubectl apply warm'),
      },
    ];
  };
  const diffThenApply = t('kubectl-diff').median + t('kubectl-warm').median;
  return [
    { name: 'kubectl apply --server-side, cold cache', timing: t('kubectl-cold'), requests: counted('kubectl-cold'), note: 'baseline (cold)' },
    { name: 'kubectl apply --server-side, warm cache', timing: t('kubectl-warm'), requests: counted('kubectl-warm'), note: 'baseline (warm)' },
    {
      name: 'kubectl apply --server-side --dry-run=server',
      timing: t('kubectl-dry'),
      requests: counted('kubectl-dry'),
      note: ratio(t('kubectl-dry'), t('kubectl-warm'), 'kubectl apply warm'),
    },
    {
      name: 'kubectl diff --server-side',
      timing: t('kubectl-diff'),
      requests: counted('kubectl-diff'),
      note: ratio(t('kubectl-diff'), t('kubectl-warm'), 'kubectl apply warm'),
    },
    {
      name: 'ours, cold: dry run + diff + apply',
      timing: t('ours-cold'),
      requests: counted('ours-cold'),
      note: ratio(t('ours-cold'), t('kubectl-cold'), 'kubectl apply cold'),
    },
    ...phaseRows('ours-cold', 'cold'),
    {
      name: 'ours, warm: dry run + diff + apply',
      timing: t('ours-warm'),
      requests: counted('ours-warm'),
      note: `${ratio(t('ours-warm'), t('kubectl-warm'), 'kubectl apply warm')}; ${(t('ours-warm').median / diffThenApply).toFixed(2)}× kubectl diff + apply`,
    },
    ...phaseRows('ours-warm', 'warm'),
  ];
}

// ---------------------------------------------------------------------------------------------
// 2. Push, then pin

/** FILES manifests, each a Deployment running the pushed image beside a sidecar. */
function writePinWorkspace(dir: string, image: string): string[] {
  mkdirSync(join(dir, 'k8s'));
  return Array.from({ length: FILES }, (_, i) => {
    const name = `svc-${i}`;
    const text = stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels: { app: name } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [
              { name: 'app', image, ports: [{ containerPort: 8080 }] },
              { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' },
            ],
          },
        },
      },
    });
    const path = join(dir, 'k8s', `${name}.yaml`);
    writeFileSync(path, text);
    return path;
  });
}

async function benchPushPin(): Promise<{ rows: Row[]; buildMs: number }> {
  const sandbox = containersSandbox();
  const registry = await startRegistry();
  try {
    const executable = findExecutable('buildah', sandbox.env);
    if (!executable) throw new Error(`buildah is not on PATH (${sandbox.env.PATH}); scripts/setup.sh installs it`);
    const tool = createBuildTool('buildah', executable, sandbox.env);
    const context = tempFolder('bench-context');
    writeFileSync(join(context, 'hello.txt'), 'hello from the deploy benchmark\n');
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    const image = `${registry.host}/bench/app:1.0`;
    const buildStart = performance.now();
    await tool.build({ dockerfile: join(context, 'Dockerfile'), context, tag: image, buildArgs: {}, target: null, platform: null }, QUIET);
    const buildMs = performance.now() - buildStart;
    const files = writePinWorkspace(tempFolder('bench-workspace'), image);

    // The registry's access log names each request's user agent: buildah's, skopeo's, or our client's.
    let logMark = registry.logs().length;
    const agents: string[][] = [];
    const countRequests = async (): Promise<void> => {
      // The registry logs a request once it has answered it: give the last line a moment to be written.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const log = registry.logs();
      agents.push([...log.slice(logMark).matchAll(/^\S+ - - \[[^\]]*\] "[^"]*" \d+ \S+ "[^"]*" "([^"]*)"$/gm)].map((m) => m[1]));
      logMark = log.length;
    };
    const script = { push: [] as number[], digest: [] as number[] };
    const engine = { push: [] as number[], toolPush: [] as number[], pin: [] as number[] };
    // The adapter's own push, timed inside pushImage, so the rest of pushImage is the registry lookup.
    const timedTool: BuildTool = {
      ...tool,
      push: async (pushed, options, io) => {
        const started = performance.now();
        const result = await tool.push(pushed, options, io);
        engine.toolPush.push(performance.now() - started);
        return result;
      },
    };
    const digests = { script: '', ours: '' };
    const timings = await timeInterleaved([
      {
        name: 'script',
        runs: RUNS,
        warmup: 1,
        fn: async () => {
          const started = performance.now();
          const pushed = await runProgram(executable, ['push', '--tls-verify=false', image, `docker://${image}`], { env: sandbox.env });
          if (pushed.status !== 0) throw new Error(`buildah push exited with ${pushed.status}: ${pushed.stderr.trim()}`);
          const pushedAt = performance.now();
          digests.script = skopeoDigest(image);
          script.push.push(pushedAt - started);
          script.digest.push(performance.now() - pushedAt);
        },
        after: countRequests,
      },
      {
        name: 'ours',
        runs: RUNS,
        warmup: 1,
        fn: async () => {
          const started = performance.now();
          // A new client per push, as the editor's push command opens one (no cache to answer for the tag).
          const client = createRegistryClient({ env: sandbox.env });
          const pushed = await pushImage(image, timedTool, client, { tlsVerify: false, io: QUIET, pin: DEFAULT_SETTINGS.pin });
          client.close();
          const pushedAt = performance.now();
          const targets = files.map((path) => {
            const text = readFileSync(path, 'utf8');
            return { id: { path, text }, analysis: analyze(text, { fileName: path, maxFileSize: DEFAULT_SETTINGS.maxFileSize }) };
          });
          const edited = pushedPinEdits(targets, pushed, DEFAULT_SETTINGS.pin).filter(({ id, pins }) =>
            applyEdits(
              id.text,
              pins.map((p) => p.edit),
            ).includes(pushed.digest),
          );
          if (edited.length !== FILES) throw new Error(`${edited.length} of ${FILES} files pinned to ${pushed.digest}`);
          digests.ours = pushed.digest;
          engine.push.push(pushedAt - started);
          engine.pin.push(performance.now() - pushedAt);
        },
        after: countRequests,
      },
    ]);
    if (digests.ours !== digests.script) throw new Error(`pushImage pinned ${digests.ours}, skopeo read ${digests.script}`);
    const baseline = timings.get('script')!;
    const ours = timings.get('ours')!;
    const part = (samples: number[]): Timing => summarize(timed(samples, 1));
    // Calls alternate script, ours; the first of each is the warm-up.
    const requestsOf = (first: number, agent: (userAgent: string) => boolean): number[] =>
      agents.filter((_, call) => call % 2 === first && call >= 2).map((list) => list.filter(agent).length);
    const all = (): boolean => true;
    const isSkopeo = (agent: string): boolean => agent.startsWith('skopeo/');
    const isOurs = (agent: string): boolean => agent.startsWith('image-aware');
    return {
      buildMs,
      rows: [
        { name: 'script: buildah push + skopeo inspect --raw + sha256', timing: baseline, requests: requestsOf(0, all), note: 'baseline' },
        { name: '  buildah push', timing: part(script.push), requests: requestsOf(0, (a) => !isSkopeo(a)), note: '' },
        { name: '  skopeo inspect --raw + sha256', timing: part(script.digest), requests: requestsOf(0, isSkopeo), note: '' },
        { name: `ours: pushImage + pushedPinEdits (${FILES} files)`, timing: ours, requests: requestsOf(1, all), note: ratio(ours, baseline, 'script') },
        {
          name: '  pushImage: buildah push, then the digest from the registry',
          timing: part(engine.push),
          requests: requestsOf(1, all),
          note: ratio(part(engine.push), baseline, 'script'),
        },
        {
          name: '    of which buildah push (the adapter)',
          timing: part(engine.toolPush),
          requests: requestsOf(1, (a) => !isOurs(a)),
          note: ratio(part(engine.toolPush), part(script.push), 'buildah push'),
        },
        {
          name: '    of which the digest from the registry',
          timing: part(engine.push.map((push, i) => push - engine.toolPush[i])),
          requests: requestsOf(1, isOurs),
          note: ratio(part(engine.push.map((push, i) => push - engine.toolPush[i])), part(script.digest), 'skopeo'),
        },
        { name: `  read + analyze + pushedPinEdits, ${FILES} files`, timing: part(engine.pin), requests: [], note: '' },
      ],
    };
  } finally {
    await registry.stop();
    sandbox.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Rollout watch latency

function isWatch(request: RecordedRequest): boolean {
  return request.query['watch'] === 'true';
}

function isKubectl(request: RecordedRequest): boolean {
  return (request.headers['user-agent'] ?? '').startsWith('kubectl');
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function benchRollout(api: ApiServerThread, home: string): Promise<Row[]> {
  const cluster = await createCluster({ env: { KUBECONFIG: api.kubeconfigPath } });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: api.kubeconfigPath };
  const ref: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'rollout', namespace: null };
  const latency = { kubectl: [] as number[], ours: [] as number[] };
  const requests = { kubectl: [] as number[], ours: [] as number[] };
  for (let run = 0; run < ROLLOUTS + 1; run++) {
    // A new image: a new generation the status has not observed yet, so both wait.
    await cluster.apply(deployment(ref.name, 2, `registry.example.com/team/rollout:1.${run}`), { fieldManager: 'bench', dryRun: false, force: false });
    await api.clearRequests();
    const kubectl = runProgram(
      kubectlBinary(),
      [`--cache-dir=${join(home, 'kubectl-cache')}`, 'rollout', 'status', `deployment/${ref.name}`, '--timeout=30s'],
      { env },
    ).then((result) => ({ result, at: now() }));
    const ours = watchRollout(ref, cluster, { ...QUIET, timeoutMs: 30_000 }).then((result) => ({ result, at: now() }));
    await until(async () => {
      const watches = (await api.requests()).filter(isWatch);
      return watches.some(isKubectl) && watches.some((r) => !isKubectl(r));
    }, 'both watches');
    const completedAt = await api.simulate({ name: ref.name }, { kind: 'rollout-ok', stepMs: 20 });
    const [k, o] = await Promise.all([kubectl, ours]);
    if (k.result.status !== 0 || !k.result.stdout.includes('successfully rolled out'))
      throw new Error(`kubectl rollout status: ${k.result.status} ${k.result.stdout}${k.result.stderr}`);
    if (!o.result.done) throw new Error(`watchRollout: ${o.result.message}`);
    if (run === 0) continue;
    const seen = await api.requests();
    latency.kubectl.push(k.at - completedAt);
    latency.ours.push(o.at - completedAt);
    requests.kubectl.push(seen.filter(isKubectl).length);
    requests.ours.push(seen.filter((r) => !isKubectl(r)).length);
  }
  const kubectlTiming = summarize(latency.kubectl);
  const oursTiming = summarize(latency.ours);
  return [
    { name: 'kubectl rollout status: last status write → process exited', timing: kubectlTiming, requests: requests.kubectl, note: 'baseline' },
    {
      name: 'ours: last status write → watchRollout resolved',
      timing: oursTiming,
      requests: requests.ours,
      note: `${(kubectlTiming.median - oursTiming.median).toFixed(1)} ms sooner`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------

async function version(command: string, args: readonly string[]): Promise<string> {
  const result = await runProgram(command, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return result.stdout.split('\n')[0].trim();
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`# Deploy benchmark: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, load ${load()}, Node ${process.version}`);
  console.log(
    `kubectl ${await version(kubectlBinary(), ['version', '--client'])}; ${await version('buildah', ['--version'])}; ${await version('skopeo', ['--version'])}`,
  );
  const home = tempFolder('bench-deploy');
  const api = await startApiServerThread();
  try {
    console.log(
      `\n## 1. Apply ${OBJECTS} objects (Deployments, Services, ConfigMaps) to the stub API server, created every run; median of ${RUNS} after ${WARMUP} warm-up\n`,
    );
    printTable(await benchApply(api, home));

    console.log(
      `\n## 2. Push a one-file image built by buildah to a loopback registry, then pin it in ${FILES} manifests; median of ${RUNS} after 1 warm-up\n`,
    );
    const pushPin = await benchPushPin();
    printTable(pushPin.rows);
    console.log(`(the image was built once, untimed by the table: ${ms(pushPin.buildMs)} ms)`);

    console.log(`\n## 3. Rollout watch latency: kubectl and ours watch the same simulated rollout; median of ${ROLLOUTS} after 1 warm-up\n`);
    printTable(await benchRollout(api, home));
  } finally {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  }
  console.log(
    `\n(load ${load()} at the end; whole run ${((performance.now() - started) / 1000) | 0} s; trust ratios more than absolute times on a loaded machine)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

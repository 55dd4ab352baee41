/**
 * Fuzz: pinning against a hostile registry never writes anything but a valid digest where the pin
 * goes. Each iteration scripts random answers for a few repositories (hostileRegistry.ts), builds
 * random manifests in block, flow and quoted styles and kustomize `images:` entries (pinOracle.ts),
 * and runs the real path: createRegistryClient → engine pinEdits → applyEdits; in a few iterations
 * the CLI's `pin` as a process on the same files. Every resulting file must be the old bytes, or the
 * old bytes with exactly a valid OCI digest that the repository's answers named pinned at each slot.
 * Tag completion from the same hostile tag lists must offer only valid tags. A fixed case shows
 * the CLI's answer to a digest with YAML after it: the files stay as they are, stderr names each
 * file and image, and the exit status is 1.
 *
 * FUZZ_SEED and FUZZ_ITERATIONS override the defaults; a failure names its seed and iteration.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analysis';
import { applyEdits } from '../../server/src/core/edits/textEdit';
import { computeCompletions, registryCompletionNeed } from '../../server/src/core/features/completion';
import { isValidTag } from '../../server/src/core/reference/reference';
import { collectTags, pinEdits } from '../../server/src/engine';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient } from '../../server/src/registry';
import { runCliAsync } from '../cli/runCli';
import { Random } from '../helpers/random';
import { OCI_DIGEST, scriptRepository, startHostileRegistry } from './hostileRegistry';
import type { HostileRegistry } from './hostileRegistry';
import { judge, randomFiles } from './pinOracle';
import type { FuzzFile, PinStyle } from './pinOracle';

const SEED = Number(process.env.FUZZ_SEED ?? 20250611);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 2000);
/** Every this many iterations the CLI pins the same files as a process too. */
const CLI_EVERY = 250;
const MAX_FILE_SIZE = 1 << 20;

let registry: HostileRegistry;
let client: RegistryClient;
let home: string;

before(async () => {
  registry = await startHostileRegistry();
  home = mkdtempSync(join(tmpdir(), 'image-aware-fuzz-'));
  client = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH }, fetchTimeoutMs: 5000, maxRetries: 0 });
});

after(async () => {
  client?.close();
  await registry?.stop();
  rmSync(home, { recursive: true, force: true });
});

interface Iteration {
  readonly label: string;
  readonly files: readonly FuzzFile[];
  readonly style: PinStyle;
  readonly repositories: readonly string[];
}

/** Scripts the repositories of iteration `n` (paths unique to it, so no answer is ever served from the client's cache) and builds its files. */
function setUp(random: Random, n: number): Iteration {
  const repositories = Array.from({ length: 1 + random.int(3) }, (_, i) => `fuzz/i${n}/r${i}`);
  for (const repository of repositories) registry.scripts.set(repository, scriptRepository(random));
  const style: PinStyle = { keepTag: random.chance(0.75), platform: random.chance(0.3) ? 'linux/arm64' : null };
  return { label: `seed ${SEED}, iteration ${n}`, files: randomFiles(random, registry.host, repositories, style), style, repositories };
}

function emitted(repository: string): ReadonlySet<string> {
  return registry.scripts.get(repository)?.emitted ?? new Set();
}

function assertJudged(iteration: Iteration, file: FuzzFile, after: string, how: string): void {
  const verdict = judge(file, after, emitted);
  assert.equal(verdict, null, `${iteration.label} (${how}): ${verdict}\n--- before\n${file.text}\n--- after\n${after}`);
}

/** What the engine did over all iterations, so the test can tell it exercised both outcomes. */
const tally = { pinned: 0, skipped: 0 };

async function pinInProcess(iteration: Iteration): Promise<void> {
  const targets = iteration.files.map((file) => ({ id: file, analysis: analyze(file.text, { fileName: file.name, maxFileSize: MAX_FILE_SIZE }) }));
  const report = await pinEdits(targets, client, { pin: iteration.style });
  for (const file of iteration.files) {
    const pins = report.files.find((f) => f.id === file)?.pins ?? [];
    assertJudged(
      iteration,
      file,
      applyEdits(
        file.text,
        pins.map((pin) => pin.edit),
      ),
      'engine',
    );
    tally.pinned += pins.length;
  }
  tally.skipped += report.skipped.length;
}

async function pinWithCli(iteration: Iteration): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-fuzz-cli-'));
  try {
    for (const file of iteration.files) writeFileSync(join(dir, file.name), file.text);
    const flags = [...(iteration.style.keepTag ? [] : ['--drop-tag']), ...(iteration.style.platform ? ['--platform', iteration.style.platform] : [])];
    const run = await runCliAsync(['pin', '--no-cache', ...flags, '.'], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
    assert.ok(run.status === 0 || run.status === 1, `${iteration.label} (CLI): exit status ${run.status}\n${run.stderr}`);
    for (const file of iteration.files) assertJudged(iteration, file, readFileSync(join(dir, file.name), 'utf8'), 'CLI');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Tag completion after the first container image's `:` offers only valid tags, whatever the tag list held. */
async function completeTags(iteration: Iteration): Promise<void> {
  const file = iteration.files[0];
  const colon = file.text.indexOf(':', file.text.indexOf(`${registry.host}/`) + registry.host.length + 1);
  const analysis = analyze(file.text, { fileName: file.name, maxFileSize: MAX_FILE_SIZE });
  const need = registryCompletionNeed(analysis, colon + 1);
  if (need?.kind !== 'tags') return;
  const facts = await collectTags({ key: need.key, registry: need.registry, path: need.path }, client);
  // Only what the registry answered: image names from the workspace are offered where no tag list is known.
  const labels =
    computeCompletions(analysis, colon + 1, null, facts)
      ?.items.filter((item) => item.kind === 'tag')
      .map((item) => item.label) ?? [];
  const invalid = labels.filter((label) => !isValidTag(label));
  assert.deepEqual(invalid, [], `${iteration.label} (tag completion): offers invalid tags`);
}

test(`fuzz: ${ITERATIONS} hostile registries never make pin write anything but a valid digest (seed ${SEED})`, async (t) => {
  const random = new Random(SEED);
  for (let n = 0; n < ITERATIONS; n++) {
    const iteration = setUp(random, n);
    await pinInProcess(iteration);
    if (n % 8 === 0) await completeTags(iteration);
    if (n % CLI_EVERY === CLI_EVERY - 1) await pinWithCli(iteration);
    for (const repository of iteration.repositories) registry.scripts.delete(repository);
  }
  t.diagnostic(`${tally.pinned} images pinned, ${tally.skipped} not pinned`);
  // Both outcomes must be common, or the answers are not random enough to test anything.
  assert.ok(tally.pinned > ITERATIONS / 4 && tally.skipped > ITERATIONS / 4, `${tally.pinned} pinned and ${tally.skipped} not pinned`);
});

test('the CLI writes nothing for a digest with YAML after it, names each file and image, and exits 1', async () => {
  const injected = `sha256:${'c'.repeat(64)}, command: [sh, -c, x]`;
  const repository = 'fixed/evil';
  const headers = { 'Docker-Content-Digest': injected, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' };
  const head = { status: 200, headers, body: Buffer.alloc(0) };
  registry.scripts.set(repository, { head, get: head, tags: head, emitted: new Set() });
  const image = `${registry.host}/${repository}`;
  const files: Record<string, string> = {
    'flow.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - {name: a, image: ${image}:1.0}\n`,
    'block.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: "${image}:1.0"\n`,
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: ${image}\n    newTag: "1.0"\n`,
  };
  assert.ok(!OCI_DIGEST.test(injected));
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-fuzz-cli-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const run = await runCliAsync(['pin', '--no-cache', '.'], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
    assert.equal(run.status, 1, run.stderr);
    for (const [name, text] of Object.entries(files)) {
      assert.equal(readFileSync(join(dir, name), 'utf8'), text, name);
      // Refused by the registry client at the source; the core would refuse it too (test/core/facts.test.ts).
      assert.ok(run.stderr.includes(`${name}: cannot pin ${image}:1.0: ${registry.host} sent an invalid digest in Docker-Content-Digest`), run.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    registry.scripts.delete(repository);
  }
});

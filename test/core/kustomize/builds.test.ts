/**
 * The images a kustomize build writes, computed without building (planBuild, renderResource), against
 * `kubectl kustomize` on the fixtures of test/fixtures/kustomize (kustomize's own examples and tests,
 * each file naming its source): for every image field the locator finds, the image each build
 * writes must be the one in kubectl's output. Builds kustomize refuses must be refused too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../../server/src/core/analysis';
import { planBuild } from '../../../server/src/core/kustomize/build';
import { effectiveImage } from '../../../server/src/core/kustomize/effectiveImage';
import { imageTargets } from '../../../server/src/core/kustomize/imageTargets';
import { splitDocuments } from '../../../server/src/core/manifest/documents';
import { slowParse } from '../../../server/src/core/manifest/slowParse';
import type { YamlNode } from '../../../server/src/core/manifest/yamlTree';
import type { BuildPlan } from '../../../server/src/core/kustomize/build';
import { renderResource } from '../../../server/src/core/kustomize/render';
import { locationsWith, readConfigFile } from '../../../server/src/core/locationConfig';
import type { LocationTable } from '../../../server/src/core/manifest/locations';
import { DiskKustomizeFiles } from '../../../server/src/cli/kustomizeFiles';
import { analyzeBuilt, imageFieldsOf, KUSTOMIZE_FIXTURES, kubectlBuilds, kubectlKustomize } from '../../helpers/kustomize';

/** What the plan says the build writes, read by the same locator as kubectl's output. */
function plannedImages(plan: BuildPlan, locations?: LocationTable): string[] {
  assert.equal(plan.problem, null, plan.problem?.message);
  const analyses = plan.resources.map(({ file, steps }) => {
    const source = analyze(readFileSync(file, 'utf8'), { maxFileSize: 1 << 26, fileName: file, locations });
    return analyzeBuilt(renderResource(source, steps).text, locations);
  });
  return imageFieldsOf(analyses);
}

/** Every scalar under an `image` key of the text's documents, by its start: what kustomize may rewrite, whatever the kind. */
function imageScalars(text: string): Map<number, string> {
  const found = new Map<number, string>();
  const walk = (node: YamlNode | null): void => {
    if (node?.type === 'seq') node.items.forEach(walk);
    if (node?.type !== 'map') return;
    for (const { key, value } of node.pairs) {
      if (key.value === 'image' && value?.type === 'scalar') found.set(value.start, value.value);
      walk(value);
    }
  };
  for (const { start, end } of splitDocuments(text)) walk(slowParse(text, start, end).root);
  return found;
}

/** The value of every `image` scalar after the build, as planned: the transformer's own reach, not the locator's. */
function plannedScalars(plan: BuildPlan): string[] {
  return plan.resources.flatMap(({ file, steps }) => {
    const text = readFileSync(file, 'utf8');
    const specs = steps.flatMap((step) => step.specs);
    const targets = new Map(splitDocuments(text).flatMap(({ start, end }) => [...imageTargets(slowParse(text, start, end).root, specs)]));
    return [...imageScalars(text)].map(([start, value]) => effectiveImage(value, targets.get(start), steps).value);
  });
}

function agreesWithKubectl(folder: string, locations?: LocationTable): string[] {
  const path = join(KUSTOMIZE_FIXTURES, folder);
  const built = kubectlBuilds(path);
  const expected = imageFieldsOf([analyzeBuilt(built, locations)]);
  const plan = planBuild(path, new DiskKustomizeFiles());
  const planned = plannedImages(plan, locations);
  assert.deepEqual(planned, expected);
  assert.ok(expected.length > 0, 'a fixture without image fields proves nothing');
  assert.deepEqual(plannedScalars(plan).sort(), [...imageScalars(built).values()].sort());
  return planned;
}

/** Users' own resources, so the locator reads the custom kinds kustomize's examples use. */
function mapping(text: string): LocationTable {
  const { config, findings } = readConfigFile(text);
  assert.deepEqual(findings, []);
  return locationsWith(config);
}

test('helloWorld: the base as written, each overlay with its own images: entry', () => {
  assert.deepEqual(agreesWithKubectl('hello-world/base'), ['Deployment spec.template.spec.containers[0] monopole/hello:1']);
  assert.deepEqual(agreesWithKubectl('hello-world/overlays/staging'), ['Deployment spec.template.spec.containers[0] monopole/hello:2']);
  assert.deepEqual(agreesWithKubectl('hello-world/overlays/production'), [
    'Deployment spec.template.spec.containers[0] registry.example.com/hello:1.4@sha256:4b1a0a9f07c1c0f1c2cf4d1f1e0bd1b7d5c1e1a4bb0e9e33e3b6a1c1d0f2e3a4',
  ]);
});

test('multibases: one base built three times through three overlays', () => {
  assert.deepEqual(agreesWithKubectl('multibases'), Array(3).fill('Pod spec.containers[0] nginx:1.7.9'));
});

test('transformerconfigs/images: a configurations file adds an image field of a custom kind', () => {
  const locations = mapping(
    'resources:\n' +
      '  - apiVersion: config/v1\n    kind: MyKind\n    containers:\n      - spec.runLatest.container\n      - spec.containers[]\n' +
      // The example's Deployment says `apiVersion: v1`: the core group, where no built-in rule looks.
      '  - group: ""\n    kind: Deployment\n    podSpecs: [spec.template.spec]\n',
  );
  assert.deepEqual(agreesWithKubectl('transformerconfigs-images', locations), [
    'Deployment spec.template.spec.initContainers[0] new-app-1:MYNEWTAG-1',
    'Deployment spec.template.spec.initContainers[1] alpine:1.8.0',
    'MyKind spec.containers[0] my-docker2@sha256:25a0d4',
    'MyKind spec.containers[1] prod-mysql:v3',
    'MyKind spec.runLatest.container new-crd-image:new-v1-tag',
  ]);
});

test('krusty transformersimage_test: containers lists at any depth of any kind, names with ports', () => {
  const locations = mapping(
    'resources:\n' +
      // The test's Deployment says `apiVersion: v1`; its randomKind has no apiVersion, so only the
      // transformer's own reach (imageScalars) covers it.
      '  - group: ""\n    kind: Deployment\n    podSpecs: [spec.template.spec]\n',
  );
  assert.deepEqual(agreesWithKubectl('transformers-image/base', locations), [
    'Deployment spec.template.spec.containers[0] nginx:v2',
    'Deployment spec.template.spec.containers[1] foobar@sha256:24a0c4b4',
    'Deployment spec.template.spec.containers[2] my-postgres:v3',
    'Deployment spec.template.spec.initContainers[0] my-nginx:previous',
    'Deployment spec.template.spec.initContainers[1] myprivaterepohostname:1234/my/cool-alpine:1.8.0',
  ]);
});

test('components: each component runs over what the kustomization gathered, before its own entries', () => {
  assert.deepEqual(agreesWithKubectl('components/overlays/enterprise'), [
    'Deployment spec.template.spec.containers[0] registry.example.com/example:latest',
    'Deployment spec.template.spec.containers[0] registry.example.com/redis:7.2',
  ]);
});

test('nested bases: innermost first, a tagSuffix once per filter, places the transformer never reaches', () => {
  agreesWithKubectl('nested/base');
  agreesWithKubectl('nested/middle');
  assert.deepEqual(agreesWithKubectl('nested/top'), [
    'CronJob spec.jobTemplate.spec.template.spec.containers[0] mirror.example.com/app:1.0-rc',
    'Deployment spec.template.spec.containers[0] mirror.example.com/app:1.0-rc-rc',
    'Deployment spec.template.spec.containers[1] myXregistry/tool:2',
    'Deployment spec.template.spec.containers[2] busybox@sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79',
    'Deployment spec.template.spec.initContainers[0] mirror.example.com/app:1.0-rc-rc',
    'Deployment spec.template.spec.volumes[0].image app:1.0',
    'Pod spec.containers[0] busybox@sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79',
    'Pod spec.ephemeralContainers[0] app:1.0',
  ]);
});

test('examples/image.md: the images: block as the page prints it does not build, and says why', () => {
  const folder = join(KUSTOMIZE_FIXTURES, 'image-demo');
  const built = kubectlKustomize(folder);
  assert.notEqual(built.status, 0);
  assert.match(built.stderr, /cannot unmarshal number into Go struct field Image\.images\.newTag of type string/);
  const text = readFileSync(join(folder, 'kustomization.yaml'), 'utf8');
  const findings = analyze(text, { maxFileSize: 1 << 20, fileName: join(folder, 'kustomization.yaml') }).documents.flatMap((doc) =>
    doc.analysis.findings.map((f) => [f.code, text.slice(doc.start + f.start, doc.start + f.end)]),
  );
  assert.deepEqual(findings, [['image-not-string', '3.6']]);
});

/** A folder tree in a temporary folder: path → text. */
function tree(t: { after: (fn: () => void) => void }, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'image-aware-kustomize-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx:1.0\n';

test('builds kustomize refuses are refused, with the reason, and bounded', (t) => {
  const root = tree(t, {
    'base/pod.yaml': POD,
    'base/kustomization.yaml': 'resources: [pod.yaml]\n',
    // A cycle: each lists the other.
    'a/kustomization.yaml': 'resources: [../b]\n',
    'b/kustomization.yaml': 'resources: [../a]\n',
    // A folder above the one being built.
    'up/sub/kustomization.yaml': 'resources: [..]\n',
    'up/kustomization.yaml': 'resources: []\n',
    // A file outside the kustomization's folder (kustomize's load restrictor).
    'outside/kustomization.yaml': 'resources: [../base/pod.yaml]\n',
    // A Kustomization listed as a component, and a Component as a resource.
    'notcomponent/kustomization.yaml': 'resources: [../base]\ncomponents: [../base]\n',
    'component/kustomization.yaml': 'kind: Component\n',
    'componentasresource/kustomization.yaml': 'resources: [../component]\n',
    'missing/kustomization.yaml': 'resources: [nothing-here]\n',
    'two/kustomization.yaml': 'resources: []\n',
    'two/kustomization.yml': 'resources: []\n',
  });
  const cases: Record<string, RegExp> = {
    a: /leads? back|cycle/,
    'up/sub': /cycle/,
    outside: /outside .*refuses/,
    notcomponent: /not Component/,
    componentasresource: /is a Component/,
    missing: /neither a file nor a folder/,
    two: /2 kustomization files/,
  };
  for (const [folder, reason] of Object.entries(cases)) {
    const plan = planBuild(join(root, folder), new DiskKustomizeFiles());
    assert.match(plan.problem?.message ?? '(no problem)', reason, folder);
    assert.notEqual(kubectlKustomize(join(root, folder)).status, 0, `kubectl kustomize ${folder} must fail too`);
  }
});

test('a chain of kustomizations longer than the bound stops with a problem, not a stack overflow', (t) => {
  const files: Record<string, string> = { 'k0/pod.yaml': POD, 'k0/kustomization.yaml': 'resources: [pod.yaml]\n' };
  for (let i = 1; i <= 100; i++) files[`k${i}/kustomization.yaml`] = `resources: [../k${i - 1}]\n`;
  const root = tree(t, files);
  assert.match(planBuild(join(root, 'k100'), new DiskKustomizeFiles()).problem?.message ?? '', /nest more than 64 deep/);
  assert.equal(planBuild(join(root, 'k50'), new DiskKustomizeFiles()).problem, null);
});

test('a diamond of shared bases is bounded in the kustomizations it reads', (t) => {
  // Each level lists the one below twice through two folders: 2^12 paths to the bottom.
  const files: Record<string, string> = { 'l0/a/pod.yaml': POD, 'l0/a/kustomization.yaml': 'resources: [pod.yaml]\nnamePrefix: x-\n' };
  files['l0/b/kustomization.yaml'] = 'resources: [../a]\nnamePrefix: y-\n';
  for (let i = 1; i <= 12; i++) {
    files[`l${i}/a/kustomization.yaml`] = `resources: [../../l${i - 1}/a, ../../l${i - 1}/b]\nnamePrefix: a-\n`;
    files[`l${i}/b/kustomization.yaml`] = `resources: [../a]\nnamePrefix: b-\n`;
  }
  const root = tree(t, files);
  const started = performance.now();
  const plan = planBuild(join(root, 'l12/a'), new DiskKustomizeFiles());
  assert.match(plan.problem?.message ?? '', /more than 1000 kustomizations/);
  assert.ok(performance.now() - started < 2000);
});

test('a symbolic link that leads a folder back into itself is a cycle', (t) => {
  const root = tree(t, { 'app/kustomization.yaml': 'resources: [loop]\n' });
  symlinkSync(join(root, 'app'), join(root, 'app', 'loop'));
  assert.match(planBuild(join(root, 'app'), new DiskKustomizeFiles()).problem?.message ?? '', /cycle/);
  assert.notEqual(kubectlKustomize(join(root, 'app')).status, 0);
});

/**
 * Documents whose kind holds no images are not parsed: their kind is read from the lines at column 0
 * (manifest/topLevelKind.ts). The reading must be a parser's wherever it is given: a table of the
 * constructs that make it decline, the documented examples of a CustomResourceDefinition, its custom
 * object and a ConfigMap (test/fixtures/manifests/unread/), and a seeded fuzzer that mutates
 * documents line by line and checks, wherever a kind is read, that both parsers read the same kind
 * and apiVersion (yaml also where it recovers from a syntax error) and that a document left unread
 * has nothing a parse would find. FUZZ_SEED and FUZZ_ITERATIONS run it longer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateVaried } from '../../../bench/varied';
import { analyze } from '../../../server/src/core/analysis';
import { splitDocuments } from '../../../server/src/core/manifest/documents';
import { BUILT_IN_LOCATIONS } from '../../../server/src/core/manifest/builtInLocations';
import { fastParse } from '../../../server/src/core/manifest/fastParse';
import { locateImageFields, readsNothingOf } from '../../../server/src/core/manifest/imageFields';
import { slowParse } from '../../../server/src/core/manifest/slowParse';
import { topLevelKind } from '../../../server/src/core/manifest/topLevelKind';
import type { TopLevelKind } from '../../../server/src/core/manifest/topLevelKind';
import { getScalar, isNullScalar } from '../../../server/src/core/manifest/yamlTree';
import type { YamlDocument } from '../../../server/src/core/manifest/yamlTree';
import { Random } from '../../helpers/random';

const FIXTURE = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'manifests', 'unread', 'crontab.yaml');

test('kind and apiVersion come from the lines at column 0; what is indented below them is not read', () => {
  const cases: Array<[string, TopLevelKind | null]> = [
    ['apiVersion: v1\nkind: ConfigMap\ndata:\n  kind: Deployment\n', { kind: 'ConfigMap', apiVersion: 'v1' }],
    ['---\n# a comment\nkind: Service # trailing\n\napiVersion: "v1"\nspec:\n  x: |\n    kind: Pod\n', { kind: 'Service', apiVersion: 'v1' }],
    ["kind: 'Role'\nmetadata: {}\nrules: []\n", { kind: 'Role', apiVersion: null }],
    ['apiVersion: v1\r\nkind: ConfigMap\r\ndata:\r\n  a: b\r\n', { kind: 'ConfigMap', apiVersion: 'v1' }],
    ['kind: ConfigMap\nname: a#b\nurl: http://x\nneg: -1\n', { kind: 'ConfigMap', apiVersion: null }],
    [
      'kind: CustomResourceDefinition\nspec:\n  versions:\n  - name: v1\n  - name: v2\n  scope: Namespaced\n',
      { kind: 'CustomResourceDefinition', apiVersion: null },
    ],
    ['kind: ConfigMap\ndata:\n    a: 1\n # a comment less indented\n    b: 2\n', { kind: 'ConfigMap', apiVersion: null }],
  ];
  const declined: string[] = [
    'apiVersion: v1\n',
    '  kind: ConfigMap\n',
    'kind: ConfigMap\nkind: Deployment\n',
    'kind: ConfigMap\ndata:\n  a: 1\ndata:\n  b: 2\n',
    'kind:\n  ConfigMap\n',
    'kind: Config\n  Map\n',
    'kind: ConfigMap\n\n  more\n',
    'kind: "Config\\u004dap"\n',
    'kind: ~\n',
    'kind: null\n',
    'kind: &k ConfigMap\n',
    'kind: !!str ConfigMap\n',
    'kind: *k\n',
    '%YAML 1.2\n---\nkind: ConfigMap\n',
    '--- !tag\nkind: ConfigMap\n',
    '\tkind: ConfigMap\n',
    'kind: ConfigMap\n\tdata: x\n',
    'a: 1\rkind: ConfigMap\n',
    '\uFEFFkind: ConfigMap\n',
    '{kind: ConfigMap}\n',
    '"kind": ConfigMap\n',
    '? kind\n: ConfigMap\n',
    'kind: ConfigMap\nitems:\n- a\n',
    'kind: ConfigMap\ndescription: "open\nkind: Deployment"\n',
    "kind: ConfigMap\ndescription: 'open\nkind: Deployment'\n",
    'kind: ConfigMap\nlist: [a,\nb]\n',
    'kind: ConfigMap\ntext: |\n  x\n',
    'kind: ConfigMap\ntext: >-\n  x\n',
    'kind: ConfigMap\nbad: a: b\n',
    'kind: ConfigMap\nseq: - a\n',
    'kind: ConfigMap\n<<: *base\n',
    'kind: ConfigMap\n...\n',
    'kind: Config Map\n',
    '---\n---\nkind: ConfigMap\n',
    'kind: ConfigMap\nitems:\n  - a\n  kind: Pod\n',
    'kind: ConfigMap\ndata:\n  a: 1\n  - b\n',
    'kind: ConfigMap\ndata:\n  a: x\n  - b\n',
    'kind: ConfigMap\ndata:\n    a: 1\n  b: 2\n',
    'kind: ConfigMap\ndata:\n  a: |\n    x\n kind: Secret\n',
  ];
  for (const [source, expected] of cases) assert.deepEqual(topLevelKind(source), expected, JSON.stringify(source));
  for (const source of declined) assert.equal(topLevelKind(source), null, JSON.stringify(source));
});

test('a kind is left unread only where the analysis would take nothing from it', () => {
  const unread = (kind: string, apiVersion: string | null): boolean => readsNothingOf(kind, apiVersion, BUILT_IN_LOCATIONS);
  assert.equal(unread('CustomResourceDefinition', 'apiextensions.k8s.io/v1'), true);
  assert.equal(unread('ConfigMap', 'v1'), true);
  assert.equal(unread('CronTab', 'stable.example.com/v1'), true);
  const read: Array<[string, string | null]> = [
    ['Deployment', 'apps/v1'],
    ['Pod', 'v1'],
    ['Pod', null],
    ['CronJob', 'batch/v1'],
    ['Secret', 'v1'],
    ['List', 'v1'],
    ['DeploymentList', 'apps/v1'],
    ['Kustomization', 'kustomize.config.k8s.io/v1beta1'],
    ['Component', 'kustomize.config.k8s.io/v1alpha1'],
    ['Workflow', 'argoproj.io/v1alpha1'],
  ];
  for (const [kind, apiVersion] of read) assert.equal(unread(kind, apiVersion), false, `${kind} ${apiVersion}`);
  assert.equal(unread('Deployment', 'v1'), true, 'no Deployment in the core group: the locator reads nothing from it either');
});

test("the documentation's CRD, its custom object and a ConfigMap are not parsed; the Pod beside them is, as before", () => {
  const text = readFileSync(FIXTURE, 'utf8');
  const analysis = analyze(text, { fileName: 'crontab.yaml', maxFileSize: 1 << 20 });
  assert.deepEqual(
    analysis.documents.map((doc) => doc.analysis.parser),
    ['unread', 'unread', 'unread', 'fast'],
  );
  for (const doc of analysis.documents.slice(0, 3)) {
    assert.deepEqual(doc.analysis.findings, []);
    assert.equal(doc.analysis.fields.isManifest, false);
    assert.equal(parsedFields(text.slice(doc.start, doc.end)).isManifest, false, 'a parse would find no manifest either');
  }
  const pod = analysis.documents[3].analysis;
  assert.deepEqual(
    pod.fields.containers.map((c) => c.image?.value?.value),
    ['alpine'],
  );
  assert.deepEqual(
    pod.findings.map((f) => f.code),
    ['implicit-latest'],
  );
});

test("on the varied generator (every family, CRLF too), a kind read is the parsers', and a document left unread has nothing", () => {
  let unread = 0;
  for (const [seed, crlf] of [
    [31, false],
    [32, true],
  ] as const) {
    const { text } = generateVaried(400_000, seed, { crlf });
    for (const region of splitDocuments(text)) {
      const source = text.slice(region.start, region.end);
      const top = topLevelKind(source);
      if (top === null) continue;
      const context = `seed ${seed} at ${region.start}`;
      assert.deepEqual(readKind(slowParse(source, 0, source.length)), top, context);
      if (!readsNothingOf(top.kind, top.apiVersion, BUILT_IN_LOCATIONS)) continue;
      unread++;
      assert.equal(parsedFields(source).isManifest, false, context);
    }
  }
  assert.ok(unread > 50, `${unread} documents unread`);
});

/** What the analysis takes from a parsed document. */
function fieldsOf(parsed: YamlDocument): ReturnType<typeof locateImageFields> {
  return locateImageFields(parsed.root, { kustomizationFile: false, maxContainers: 5000, locations: BUILT_IN_LOCATIONS });
}

/** What the analysis takes from source when it is parsed (fast, else yaml). */
function parsedFields(source: string): ReturnType<typeof locateImageFields> {
  return fieldsOf(fastParse(source, 0, source.length) ?? slowParse(source, 0, source.length));
}

function readKind(document: YamlDocument): TopLevelKind | null {
  if (document.root?.type !== 'map') return null;
  const value = (key: string): string | null => {
    const scalar = getScalar(document.root as never, key);
    return scalar && !isNullScalar(scalar) ? scalar.value : null;
  };
  const kind = value('kind');
  return kind === null ? null : { kind, apiVersion: value('apiVersion') };
}

const SEEDS: readonly string[] = [
  ...readFileSync(FIXTURE, 'utf8').split(/^---\n/m),
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n',
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\n',
  'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  spec:\n    containers:\n    - image: busybox\n',
  // The shape controller-gen writes: sequences at their key's own column.
  'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: foos.example.com\nspec:\n  group: example.com\n' +
    '  names:\n    kind: Foo\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        properties:\n          image:\n            type: string\n' +
    '  - name: v2\n    served: true\n  scope: Namespaced\n',
];

const LINES: readonly string[] = [
  'kind: Deployment',
  '  kind: Deployment',
  'kind: ConfigMap',
  'kind: "Pod"',
  "kind: 'Secret'",
  'kind:',
  '  Pod',
  'apiVersion: apps/v1',
  'apiVersion: v1',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '      - image: nginx',
  '  containers:',
  '  - image: redis',
  '  versions:',
  '  - name: v1',
  '  kind: Pod',
  '  - kind: Pod',
  '    kind: Pod',
  '- item',
  '? key',
  ': value',
  '%YAML 1.2',
  '---',
  '...',
  'text: |',
  'text: >-',
  '  folded',
  'say: "open',
  'close"',
  "say: 'open",
  "close'",
  'list: [a,',
  'b]',
  'map: {a: 1,',
  'b: 2}',
  '&a kind: Pod',
  'kind: &a Pod',
  'kind: !!str Pod',
  '<<: *a',
  '# comment',
  '',
  '   ',
  '\tkind: Pod',
  'kind: Pod # c',
  'key: value: x',
  'a: 1\rkind: Pod',
  'kind: ~',
  'data: {}',
  'items: []',
  'metadata: {name: x}',
  'key: -x',
  'key: - x',
  'name: a #b',
];

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 6000);

function mutate(random: Random, source: string): string {
  const lines = source.split('\n');
  for (let n = 1 + random.int(3); n > 0; n--) {
    const at = random.int(lines.length + 1);
    switch (random.int(5)) {
      case 0:
        lines.splice(at, 0, random.pick(LINES));
        break;
      case 1:
        lines.splice(at, 1, random.pick(LINES));
        break;
      case 2:
        if (at < lines.length) lines[at] = ' '.repeat(1 + random.int(2)) + lines[at];
        break;
      case 3:
        if (at < lines.length) lines[at] = lines[at].replace(/^ {1,2}/, '');
        break;
      default:
        lines.splice(at, 1);
    }
  }
  return lines.join('\n');
}

test(`fuzz (seed ${SEED}, ${ITERATIONS} mutated documents): wherever a kind is read, both parsers read it, malformed or not, and nothing is missed`, () => {
  const random = new Random(SEED);
  let read = 0;
  let unread = 0;
  let malformed = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const source = mutate(random, random.pick(SEEDS));
    const top = topLevelKind(source);
    if (top === null) continue;
    read++;
    const slow = slowParse(source, 0, source.length);
    const fast = fastParse(source, 0, source.length);
    const context = `iteration ${i}: ${JSON.stringify(source)}`;
    if (slow.problems.length > 0) malformed++;
    // yaml's recovery from a syntax error reads the same top level too: a line it would lift there makes the reading decline.
    assert.deepEqual(readKind(slow), top, `yaml reads another kind; ${context}`);
    if (fast !== null) assert.deepEqual(readKind(fast), top, `the fast parser reads another kind; ${context}`);
    if (!readsNothingOf(top.kind, top.apiVersion, BUILT_IN_LOCATIONS)) continue;
    unread++;
    for (const parsed of fast === null ? [slow] : [slow, fast]) {
      const fields = fieldsOf(parsed);
      assert.equal(fields.isManifest || fields.definedSecrets.length > 0, false, `a parse finds something; ${context}`);
    }
  }
  // The fuzzer reaches each outcome often enough to mean something (about a third read, half of those unread, a quarter malformed).
  assert.ok(read > ITERATIONS / 5 && unread > ITERATIONS / 10 && malformed > ITERATIONS / 20, `read ${read}, unread ${unread}, malformed ${malformed}`);
});

/**
 * Where the analysis finds image fields: every workload kind in workloadKinds.ts with each of its
 * three container lists, `List` and `<Kind>List` items, kustomize `images:` (by file name and by
 * kind), Secrets that documents define, and the pull secrets a pod spec names. Also what it must
 * leave alone: a CRD that reuses a workload kind name, docker-compose and GitHub Actions files.
 *
 * Inputs mark each image value they expect with ⟦…⟧ (see summarize.ts); `check` asserts that
 * exactly the marked spans were found, and that the summary equals the expected one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import { summarize, unmark } from './summarize';
import type { Summary } from './summarize';

type Expected = Partial<Omit<Summary, 'valueSpans'>>;

const LIMIT = 8 * 1024 * 1024;

/** Checks containers, kustomize images, secrets and spans always; findings only when given. */
function check(marked: string, expected: Expected, fileName?: string): void {
  const { text, spans } = unmark(marked);
  const summary = summarize(analyze(text, { maxFileSize: LIMIT, fileName }));
  assert.deepEqual(
    {
      containers: summary.containers,
      kustomize: summary.kustomize,
      definedSecrets: summary.definedSecrets,
      pullSecrets: summary.pullSecrets,
      ...(expected.findings ? { findings: summary.findings } : {}),
    },
    {
      containers: expected.containers ?? [],
      kustomize: expected.kustomize ?? [],
      definedSecrets: expected.definedSecrets ?? [],
      pullSecrets: expected.pullSecrets ?? [],
      ...(expected.findings ? { findings: expected.findings } : {}),
    },
  );
  assert.deepEqual(summary.valueSpans, spans, 'image value spans must be exactly the ⟦marked⟧ ones');
}

/** A pod spec body (indented for `spec:` at the given column) with all three container lists. */
function podSpec(indent: number, tag: string): string {
  const pad = ' '.repeat(indent);
  return [
    `${pad}initContainers:`,
    `${pad}- name: init`,
    `${pad}  image: ⟦busybox:1.36⟧`,
    `${pad}containers:`,
    `${pad}- name: app`,
    `${pad}  image: ⟦"registry.example.com/team/app:${tag}"⟧`,
    `${pad}  imagePullPolicy: IfNotPresent`,
    `${pad}- name: sidecar`,
    `${pad}  imagePullPolicy: Always`,
    `${pad}  image: ⟦'envoyproxy/envoy:v1.30.1'⟧`,
    `${pad}ephemeralContainers:`,
    `${pad}- name: debug`,
    `${pad}  image: ⟦nicolaka/netshoot⟧`,
    '',
  ].join('\n');
}

/** The summary lines podSpec() produces for a workload `who` (Kind/name) whose pod spec is at `at`. */
function podSpecSummary(who: string, tag: string, at = 'spec.template.spec'): string[] {
  return [
    `${who} ${at}.containers[0] name="app" image="registry.example.com/team/app:${tag}" src="\\"registry.example.com/team/app:${tag}\\"" pull="IfNotPresent"`,
    `${who} ${at}.containers[1] name="sidecar" image="envoyproxy/envoy:v1.30.1" src="'envoyproxy/envoy:v1.30.1'" pull="Always"`,
    `${who} ${at}.initContainers[0] name="init" image="busybox:1.36" pull=-`,
    `${who} ${at}.ephemeralContainers[0] name="debug" image="nicolaka/netshoot" pull=-`,
  ];
}

test('Pod: spec holds the pod spec', () => {
  check(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${podSpec(2, 'pod')}`, { containers: podSpecSummary('Pod/p', 'pod', 'spec') });
});

test('PodTemplate: template.spec holds the pod spec', () => {
  check(`apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: pt\ntemplate:\n  metadata:\n    labels: {app: x}\n  spec:\n${podSpec(4, 'pt')}`, {
    containers: podSpecSummary('PodTemplate/pt', 'pt', 'template.spec'),
  });
});

for (const [kind, apiVersion] of [
  ['Deployment', 'apps/v1'],
  ['Deployment', 'extensions/v1beta1'],
  ['StatefulSet', 'apps/v1'],
  ['DaemonSet', 'apps/v1'],
  ['ReplicaSet', 'apps/v1'],
  ['ReplicationController', 'v1'],
  ['Job', 'batch/v1'],
] as const) {
  test(`${kind} (${apiVersion}): spec.template.spec holds the pod spec`, () => {
    const yaml = `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: w\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels:\n        app: w\n    spec:\n${podSpec(6, kind.toLowerCase())}`;
    check(yaml, { containers: podSpecSummary(`${kind}/w`, kind.toLowerCase()) });
  });
}

test('CronJob: spec.jobTemplate.spec.template.spec holds the pod spec', () => {
  const yaml = `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n${podSpec(10, 'cron')}`;
  check(yaml, { containers: podSpecSummary('CronJob/nightly', 'cron', 'spec.jobTemplate.spec.template.spec') });
});

test('a CronJob whose template sits where a Job keeps it has no image fields', () => {
  check('apiVersion: batch/v1\nkind: CronJob\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: nginx:1\n', { findings: [] });
});

test('kind: List items are analysed by their own kind', () => {
  const yaml = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: apps/v1',
    '  kind: Deployment',
    '  metadata: {name: d}',
    '  spec:',
    '    template:',
    '      spec:',
    '        containers:',
    '        - {name: a, image: ⟦"nginx:1.25"⟧}',
    '- apiVersion: v1',
    '  kind: Pod',
    '  metadata: {name: p}',
    '  spec:',
    '    containers:',
    '    - name: b',
    '      image: ⟦redis:7⟧',
    '- apiVersion: v1',
    '  kind: Secret',
    '  metadata: {name: regcred}',
    '  type: kubernetes.io/dockerconfigjson',
    '- apiVersion: v1',
    '  kind: Service',
    '  metadata: {name: svc}',
    '',
  ].join('\n');
  check(yaml, {
    containers: [
      'Deployment/d items[0].spec.template.spec.containers[0] name="a" image="nginx:1.25" src="\\"nginx:1.25\\"" pull=-',
      'Pod/p items[1].spec.containers[0] name="b" image="redis:7" pull=-',
    ],
    definedSecrets: ['regcred'],
  });
});

test('a typed DeploymentList: items without a kind take it from the list', () => {
  const yaml = [
    'apiVersion: apps/v1',
    'kind: DeploymentList',
    'items:',
    '- metadata:',
    '    name: one',
    '  spec:',
    '    template:',
    '      spec:',
    '        containers:',
    '        - name: a',
    '          image: ⟦ghcr.io/acme/one:1.0.0⟧',
    '- metadata:',
    '    name: two',
    '  spec:',
    '    template:',
    '      spec:',
    '        initContainers:',
    '        - name: b',
    '          image: ⟦ghcr.io/acme/two@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef⟧',
    '',
  ].join('\n');
  check(yaml, {
    containers: [
      'Deployment/one items[0].spec.template.spec.containers[0] name="a" image="ghcr.io/acme/one:1.0.0" pull=-',
      'Deployment/two items[1].spec.template.spec.initContainers[0] name="b" image="ghcr.io/acme/two@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" pull=-',
    ],
  });
});

test('a typed list from another API group: its items are not workloads', () => {
  const yaml =
    'apiVersion: example.com/v1\nkind: DeploymentList\nitems:\n- metadata: {name: x}\n  spec:\n    template:\n      spec:\n        containers: [{name: a, image: nginx}]\n';
  check(yaml, { findings: [] });
  // An item's own apiVersion still counts.
  check(yaml.replace('- metadata', '- apiVersion: apps/v1\n  metadata').replace('image: nginx', 'image: ⟦nginx⟧'), {
    containers: ['Deployment/x items[0].spec.template.spec.containers[0] name="a" image="nginx" pull=-'],
  });
});

test('a List inside a List is followed one level, no deeper', () => {
  const inner = (name: string, indent: string) =>
    `${indent}- kind: Pod\n${indent}  apiVersion: v1\n${indent}  metadata: {name: ${name}}\n${indent}  spec:\n${indent}    containers:\n${indent}    - name: c\n${indent}      image: IMG\n`;
  const yaml = `kind: List\nitems:\n- kind: List\n  items:\n${inner('nested', '  ').replace('IMG', '⟦nginx:1⟧')}  - kind: List\n    items:\n${inner('deeper', '    ')}`;
  check(yaml, { containers: ['Pod/nested items[0].items[0].spec.containers[0] name="c" image="nginx:1" pull=-'] });
});

const KUSTOMIZATION_BODY = [
  'resources:',
  '- deployment.yaml',
  'images:',
  '- name: ⟦nginx⟧',
  '  newTag: ⟦"1.25.3"⟧',
  '- name: ⟦ghcr.io/acme/api⟧',
  '  newName: ⟦registry.example.com/acme/api⟧',
  '  digest: ⟦sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef⟧',
  '- name: ⟦redis⟧',
  "  newName: ⟦'mirror.local/redis'⟧",
  '  newTag: ⟦latest⟧',
  'secretGenerator:',
  '- name: regcred',
  '  files: [.dockerconfigjson]',
  '- name: db-password',
  '  literals: [password=x]',
  '',
].join('\n');

const KUSTOMIZATION_SUMMARY: Expected = {
  kustomize: [
    'images[0] name="nginx" newName=- newTag="1.25.3" src="\\"1.25.3\\"" digest=-',
    'images[1] name="ghcr.io/acme/api" newName="registry.example.com/acme/api" newTag=- digest="sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"',
    'images[2] name="redis" newName="mirror.local/redis" src="\'mirror.local/redis\'" newTag="latest" digest=-',
  ],
  definedSecrets: ['regcred', 'db-password'],
};

test('kustomization.yaml without a kind: images and secretGenerator, found by file name', () => {
  check(KUSTOMIZATION_BODY, KUSTOMIZATION_SUMMARY, 'overlays/prod/kustomization.yaml');
  check(KUSTOMIZATION_BODY, KUSTOMIZATION_SUMMARY, 'C:\\repo\\base\\kustomization.yml');
  check(KUSTOMIZATION_BODY, KUSTOMIZATION_SUMMARY, 'file:///repo/Kustomization');
});

test('the same body in another file, without a kind, is not a kustomization', () => {
  check(KUSTOMIZATION_BODY.replace(/[⟦⟧]/g, ''), { findings: [] }, 'overlays/prod/images.yaml');
  check(KUSTOMIZATION_BODY.replace(/[⟦⟧]/g, ''), { findings: [] }, 'my-kustomization.yaml');
  check(KUSTOMIZATION_BODY.replace(/[⟦⟧]/g, ''), { findings: [] });
});

test('kind: Kustomization (and Component) is a kustomization in any file', () => {
  check(`apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${KUSTOMIZATION_BODY}`, KUSTOMIZATION_SUMMARY, 'x.yaml');
  check(`apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${KUSTOMIZATION_BODY}`, KUSTOMIZATION_SUMMARY);
  check(`kind: Kustomization\n${KUSTOMIZATION_BODY}`, KUSTOMIZATION_SUMMARY);
});

test('kustomize findings point at the exact values', () => {
  check('kind: Kustomization\nimages:\n- name: ⟦nginx⟧\n  newTag: ⟦latest⟧\n- name: ⟦app⟧\n  newTag: ⟦"-bad"⟧\n  digest: ⟦sha256:abc⟧\n', {
    kustomize: [
      'images[0] name="nginx" newName=- newTag="latest" digest=-',
      'images[1] name="app" newName=- newTag="-bad" src="\\"-bad\\"" digest="sha256:abc"',
    ],
    // `name` is the pattern kustomize matches, not an image that gets pulled: no tag findings for it.
    findings: ['latest-tag "latest"', 'invalid-reference "\\"-bad\\""', 'invalid-reference "sha256:abc"'],
  });
});

test('a Kustomization kind from another API group is not kustomize', () => {
  check('apiVersion: example.com/v1\nkind: Kustomization\nimages:\n- name: nginx\n  newTag: "1"\n', { findings: [] });
});

test('a CRD named Deployment in another API group has no image fields', () => {
  const yaml =
    'apiVersion: example.com/v1\nkind: Deployment\nmetadata:\n  name: not-apps\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: nginx\n';
  check(yaml, { findings: [] });
  check(yaml.replace('example.com/v1', 'apps.example.com/v1'), { findings: [] });
  // Without an apiVersion the kind is taken at its word.
  check(yaml.replace('apiVersion: example.com/v1\n', '').replace('image: nginx', 'image: ⟦nginx⟧'), {
    containers: ['Deployment/not-apps spec.template.spec.containers[0] name="a" image="nginx" pull=-'],
    findings: ['implicit-latest "nginx"'],
  });
});

test('a workload in the wrong group for its kind (StatefulSet in extensions) has no image fields', () => {
  check('apiVersion: extensions/v1beta1\nkind: StatefulSet\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:1\n', { findings: [] });
});

test('a Compose file read as YAML of another name has image: keys but no containers and no findings', () => {
  const compose = [
    'version: "3.9"',
    'services:',
    '  web:',
    '    image: nginx',
    '    ports: ["80:80"]',
    '  db:',
    '    image: postgres:latest',
    '    environment:',
    '      POSTGRES_PASSWORD: example',
    '',
  ].join('\n');
  check(compose, { findings: [] }, 'stack.yml');
  check(compose, { findings: [] });
});

test('GitHub Actions workflows have image: keys but no containers and no findings', () => {
  const workflow = [
    'name: ci',
    'on: [push]',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    container:',
    '      image: node:latest',
    '    services:',
    '      redis:',
    '        image: redis',
    '    steps:',
    '    - uses: actions/checkout@v4',
    '    - uses: docker://alpine',
    '      with: {args: echo hi}',
    '',
  ].join('\n');
  check(workflow, { findings: [] }, '.github/workflows/ci.yml');
});

test('Secret documents and secretGenerator entries define secrets; imagePullSecrets are collected per pod spec', () => {
  const yaml = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: regcred',
    'type: kubernetes.io/dockerconfigjson',
    'data:',
    '  .dockerconfigjson: e30=',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: "quoted-secret"}',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name:',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: d}',
    'spec:',
    '  template:',
    '    spec:',
    '      imagePullSecrets:',
    '      - name: regcred',
    '      - name: other',
    '      - {}',
    '      - name:',
    '      containers:',
    '      - name: a',
    '        image: ⟦private.example.com/a:1⟧',
    '      initContainers:',
    '      - name: b',
    '        image: ⟦private.example.com/b:1⟧',
    '',
  ].join('\n');
  check(yaml, {
    containers: [
      'Deployment/d spec.template.spec.containers[0] name="a" image="private.example.com/a:1" pull=-',
      'Deployment/d spec.template.spec.initContainers[0] name="b" image="private.example.com/b:1" pull=-',
    ],
    definedSecrets: ['regcred', 'quoted-secret'],
    pullSecrets: ['a → regcred,other', 'b → regcred,other'],
  });
});

test('containers without an image, with an empty image, or with a non-scalar image', () => {
  const yaml = [
    'kind: Pod',
    'apiVersion: v1',
    'spec:',
    '  containers:',
    '  - name: none',
    '  - name: empty',
    '    image:',
    '  - name: tilde',
    '    image: ~',
    '  - name: map',
    '    image: {repo: nginx}',
    '  - image: ⟦""⟧',
    '  - "not a map"',
    '  -',
    '  - name: last',
    '    image: ⟦nginx:1.25⟧',
    '    imagePullPolicy:',
    '',
  ].join('\n');
  check(yaml, {
    containers: [
      'Pod spec.containers[0] name="none" image=- pull=-',
      'Pod spec.containers[1] name="empty" image=- pull=-',
      'Pod spec.containers[2] name="tilde" image=- pull=-',
      'Pod spec.containers[3] name="map" image=mapping:"{repo: nginx}" pull=-',
      'Pod spec.containers[4] name=- image="" src="\\"\\"" pull=-',
      'Pod spec.containers[7] name="last" image="nginx:1.25" pull=empty',
    ],
    findings: [
      'missing-image "name"',
      'missing-image "image"',
      'missing-image "image"',
      'image-not-string "{repo: nginx}"',
      // An empty reference marks its quotes.
      'invalid-reference "\\"\\""',
      'not-pinned "nginx:1.25"',
    ],
  });
});

test('the last of duplicate keys wins, like kubectl reading it as JSON', () => {
  check('kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - name: a\n    image: nginx:1\n    image: ⟦nginx:2⟧\n', {
    containers: ['Pod spec.containers[0] name="a" image="nginx:2" pull=-'],
  });
});

test('findings of a workload: tags, digests, pull policies, templates', () => {
  const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
  const yaml = [
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata: {name: ds}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: a',
    '        image: ⟦nginx:latest⟧',
    '      - name: b',
    `        image: ⟦nginx@${digest}⟧`,
    '        imagePullPolicy: ifnotpresent',
    '      - name: c',
    `        image: ⟦"nginx:latest@${digest}"⟧`,
    '      - name: d',
    '        image: ⟦${REGISTRY}/app:${TAG}⟧',
    '      - name: e',
    '        image: ⟦nginx:1.25⟧',
    '        imagePullPolicy: IfNotPresent',
    '      - name: f',
    '        image: ⟦Nginx:1⟧',
    '',
  ].join('\n');
  check(yaml, {
    containers: [
      'DaemonSet/ds spec.template.spec.containers[0] name="a" image="nginx:latest" pull=-',
      `DaemonSet/ds spec.template.spec.containers[1] name="b" image="nginx@${digest}" pull="ifnotpresent"`,
      `DaemonSet/ds spec.template.spec.containers[2] name="c" image="nginx:latest@${digest}" src="\\"nginx:latest@${digest}\\"" pull=-`,
      'DaemonSet/ds spec.template.spec.containers[3] name="d" image="${REGISTRY}/app:${TAG}" pull=-',
      'DaemonSet/ds spec.template.spec.containers[4] name="e" image="nginx:1.25" pull="IfNotPresent"',
      'DaemonSet/ds spec.template.spec.containers[5] name="f" image="Nginx:1" pull=-',
    ],
    findings: [
      'latest-tag "latest"',
      'invalid-pull-policy "ifnotpresent"',
      'digest-with-latest "latest"',
      'templated-image "${REGISTRY}/app:${TAG}"',
      'not-pinned "nginx:1.25"',
      'redundant-pull-policy "IfNotPresent"',
      'invalid-reference "Nginx"',
    ],
  });
});

test('documents that are not manifests report nothing, even with broken YAML', () => {
  check('just: a config\nimage: nginx\n', { findings: [] });
  check('foo: [unclosed\nimage: nginx\n', { findings: [] });
  check('- image: nginx\n- image: redis\n', { findings: [] });
  check('"a plain string"\n', { findings: [] });
  check('', { findings: [] });
});

test('a workload with a syntax error reports yaml-syntax once, and what it could read', () => {
  const yaml = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: ⟦nginx:1⟧\n  - name: b\n    image: [broken\n';
  const { text } = unmark(yaml);
  const summary = summarize(analyze(text, { maxFileSize: LIMIT }));
  assert.deepEqual(summary.containers, [
    'Pod spec.containers[0] name="a" image="nginx:1" pull=-',
    'Pod spec.containers[1] name="b" image=sequence:"[broken\\n" pull=-',
  ]);
  assert.equal(summary.findings.filter((f) => f.startsWith('yaml-syntax')).length, 1);
  // What YAML made of the broken value is a sequence; the finding marks its text, not the line break.
  assert.deepEqual(
    summary.findings.filter((f) => f.startsWith('image-not-string')),
    ['image-not-string "[broken"'],
  );
});

/**
 * collectDiagnostics: findings resolved to absolute spans with the severity the settings give them.
 * Every code of the catalog has an example here (EXAMPLES is typed by DiagnosticCode, so a new code
 * does not compile until it gets one), and every code can be re-levelled and turned off.
 * Inputs mark each expected span with «…»; expectations are code, severity and message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_RULES } from '../../../server/src/core/diagnostics/catalog';
import type { DiagnosticCode, Severity } from '../../../server/src/core/diagnostics/catalog';
import { collectDiagnostics } from '../../../server/src/core/features/diagnostics';
import { DEFAULT_SETTINGS, parseSettings } from '../../../server/src/core/settings';
import type { Settings } from '../../../server/src/core/settings';
import type { WorkspaceFacts } from '../../../server/src/core/workspace';
import type { ReferrerFact, RegistryFacts } from '../../../server/src/core/facts';
import { marked } from '../../helpers/caret';
import { FAILED_UNAUTHORIZED, FAILED_UNREACHABLE, found, foundIndex, MISSING, referrer, referrersFound, registryFacts, scanned } from '../../helpers/facts';
import { DIGEST, kustomization, OTHER_DIGEST, pod } from '../../helpers/manifests';

interface Options {
  readonly settings?: Settings;
  readonly workspace?: WorkspaceFacts | null;
  readonly fileName?: string;
  /** What registries answered, for the online codes. */
  readonly facts?: RegistryFacts;
  /** Codes turned off on top of the settings, so an example shows only the code it is about. */
  readonly off?: readonly DiagnosticCode[];
  /** The `imageAware.signatures` setting, on top of the settings (the policy codes are off without it). */
  readonly signatures?: unknown;
}

type Expected = readonly (readonly [DiagnosticCode, Severity, string | RegExp])[];

function run(
  input: string,
  options: Options = {},
): { text: string; spans: { start: number; end: number }[]; actual: { code: string; severity: string; start: number; end: number; message: string }[] } {
  const { text, spans } = marked(input);
  const base = options.settings ?? DEFAULT_SETTINGS;
  const settings = {
    ...base,
    severity: { ...base.severity, ...Object.fromEntries((options.off ?? []).map((code) => [code, 'off'])) },
    ...(options.signatures === undefined ? {} : { signatures: parseSettings({ signatures: options.signatures }).signatures }),
  };
  const analysis = analyze(text, { maxFileSize: settings.maxFileSize, fileName: options.fileName });
  const actual = collectDiagnostics(analysis, settings, options.workspace ?? null, options.facts)
    .map((d) => ({ code: d.code, severity: d.severity, start: d.start, end: d.end, message: d.message }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  return { text, spans, actual };
}

function check(input: string, expected: Expected, options: Options = {}): void {
  const { text, spans, actual } = run(input, options);
  assert.equal(spans.length, expected.length, 'the fixture needs one «…» per expected diagnostic');
  const show = (d: { code: string; severity: string; start: number; end: number }): string =>
    `${d.code}/${d.severity} at ${JSON.stringify(text.slice(d.start, d.end))} [${d.start}, ${d.end})`;
  assert.deepEqual(
    actual.map(show),
    expected.map(([code, severity], i) => show({ code, severity, ...spans[i] })),
  );
  expected.forEach(([, , message], i) => {
    if (typeof message === 'string') assert.equal(actual[i].message, message);
    else assert.match(actual[i].message, message);
  });
}

function workspace(definedSecrets: string[]): WorkspaceFacts {
  return { definedSecrets: new Set(definedSecrets), images: new Map() };
}

const THIRD_DIGEST = `sha256:${'e'.repeat(64)}`;
const container = (image: string, more = ''): string => pod(`    - name: app\n      image: ${image}\n${more}`);
const NOT_PINNED_1 = `"nginx:1" is not pinned to a digest: if tag "1" is pushed again, new pods run different bytes.`;
const SECRET = `No file in the workspace defines Secret "regcred", so pulls from a private registry fail with ErrImagePull unless it is created another way (kubectl create secret docker-registry).`;
const SYNTAX = (yamlMessage: string): RegExp =>
  new RegExp(`^YAML syntax error \\(${yamlMessage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\), so image fields after it in this document may be missed\\.$`);

/** Padding that puts a document past 1 MB without adding image fields. */
const PADDING = `# ${'x'.repeat(1024 * 1024 + 100_000)}\n`;

/** A List whose 51 aliased Pods of 100 containers each reach 5100 containers. */
function aliasBomb(): string {
  const containers = Array.from({ length: 100 }, (_, i) => `        - image: busybox:${i}@${DIGEST}\n`).join('');
  const copies = Array.from({ length: 50 }, () => '  - *pod\n').join('');
  return `«apiVersion: v1»\nkind: List\nitems:\n  - &pod\n    apiVersion: v1\n    kind: Pod\n    spec:\n      containers:\n${containers}${copies}`;
}

interface Example {
  readonly input: string;
  readonly expected: Expected;
  readonly options?: Options;
}

/** One input per code that produces exactly that diagnostic, with default severities. */
const REQUIRE_ALL = { require: { 'docker.io/library/*': ['signature', 'sbom', 'provenance'] } };
const SIGNED = referrer('signature', 'cosign key');
const SBOM = referrer('sbom', 'SPDX');
const PROVENANCE = referrer('provenance', 'SLSA v1');

/** nginx@DIGEST found, with these referrers. */
function policyFacts(referrers: readonly ReferrerFact[]): RegistryFacts {
  return registryFacts({
    manifests: { [`docker.io/library/nginx@${DIGEST}`]: found(DIGEST) },
    referrers: { [`docker.io/library/nginx@${DIGEST}`]: referrersFound(referrers) },
  });
}

const EXAMPLES: Record<DiagnosticCode, Example> = {
  'invalid-reference': {
    input: container('«Nginx»:1'),
    expected: [['invalid-reference', 'error', 'Repository name must be lowercase: "Nginx" has uppercase letters.']],
  },
  'image-not-string': {
    input: container('«1.0»'),
    expected: [
      ['image-not-string', 'error', 'The image must be a string, but YAML reads 1.0 as a number, so the API server rejects the object; quote it: "1.0".'],
    ],
  },
  'implicit-latest': {
    input: container('«nginx»', '      imagePullPolicy: IfNotPresent\n'),
    expected: [
      [
        'implicit-latest',
        'warning',
        `"nginx" has no tag, so it means "nginx:latest": whatever was pushed last, pulled on every pod start (imagePullPolicy defaults to Always).`,
      ],
    ],
  },
  'latest-tag': {
    input: container('nginx:«latest»', '      imagePullPolicy: IfNotPresent\n'),
    expected: [['latest-tag', 'warning', '":latest" moves with every push, so nodes can run different images; use a version tag or pin a digest.']],
  },
  'not-pinned': { input: container('«nginx:1»'), expected: [['not-pinned', 'hint', NOT_PINNED_1]] },
  'invalid-pull-policy': {
    input: container(`nginx@${DIGEST}`, '      imagePullPolicy: «never»\n'),
    expected: [
      [
        'invalid-pull-policy',
        'error',
        'imagePullPolicy "never" is not one of Always, IfNotPresent, Never; the API server rejects it (the value is case-sensitive: "Never").',
      ],
    ],
  },
  'missing-image': {
    input: pod('    - name: app\n      «image»: ~\n'),
    expected: [['missing-image', 'warning', 'Container "app" has no image; the API server rejects a Pod whose container has none (fine only in a patch).']],
  },
  'redundant-pull-policy': {
    input: container(`nginx@${DIGEST}`, '      imagePullPolicy: «IfNotPresent»\n'),
    expected: [['redundant-pull-policy', 'hint', `imagePullPolicy IfNotPresent is what Kubernetes defaults to for "nginx@${DIGEST}"; the line can go.`]],
  },
  'digest-with-latest': {
    input: container(`nginx:«latest»@${DIGEST}`),
    expected: [
      [
        'digest-with-latest',
        'information',
        'The digest already pins this image, but ":latest" makes Kubernetes default imagePullPolicy to Always, so every pod start asks the registry; drop ":latest".',
      ],
    ],
  },
  'unknown-pull-secret': {
    input: container(`nginx@${DIGEST}`, '').replace('  containers:', '  imagePullSecrets:\n    - name: «regcred»\n  containers:'),
    expected: [['unknown-pull-secret', 'information', SECRET]],
    options: { workspace: workspace(['other']) },
  },
  'templated-image': {
    input: container('«nginx:${TAG}»'),
    expected: [['templated-image', 'information', 'Image "nginx:${TAG}" holds a template placeholder; it is checked only once rendered.']],
  },
  'yaml-syntax': {
    input: container(`nginx@${DIGEST}`, '«\t»name: x\n'),
    expected: [['yaml-syntax', 'information', SYNTAX('Tabs are not allowed as indentation')]],
  },
  'invalid-config': {
    input: 'resources:\n  - group: example.com\n    kind: Widget\n    «podSpec»: [spec.template.spec]\n',
    expected: [['invalid-config', 'error', 'Unknown key "podSpec"; a resource has kind, group, apiVersion, podSpecs, containers, images, pullSecrets.']],
    options: { fileName: '.image-aware.yaml' },
  },
  'not-analysed': {
    // The whole file is skipped, so the span is its first line, whatever line the NUL is on.
    input: '«kind: Pod»\nspec:\n  containers: \0\n',
    expected: [['not-analysed', 'warning', 'Not analysed: this looks like binary data (a NUL character at offset 30), not YAML.']],
  },
  // The online codes need RegistryFacts; test/core/features/registryDiagnostics.test.ts has the details.
  'tag-not-found': {
    input: container('nginx:«1.99»'),
    expected: [['tag-not-found', 'error', 'docker.io has no tag "1.99" in library/nginx (newest of its 3 tags: 1.25.3, 1.24.0, latest).']],
    options: {
      off: ['not-pinned'],
      facts: registryFacts({ manifests: { 'docker.io/library/nginx:1.99': MISSING }, tags: { 'docker.io/library/nginx': ['latest', '1.24.0', '1.25.3'] } }),
    },
  },
  'digest-not-found': {
    input: container(`nginx@«${DIGEST}»`),
    expected: [['digest-not-found', 'error', `docker.io has no manifest ${DIGEST} in library/nginx: it was never pushed there, or it was deleted.`]],
    options: { facts: registryFacts({ manifests: { [`docker.io/library/nginx@${DIGEST}`]: MISSING } }) },
  },
  'stale-pin': {
    input: container(`nginx:1.25@«${DIGEST}»`),
    expected: [['stale-pin', 'warning', '":1.25" now points to sha256:dddddddddddd…, not the pinned sha256:cccccccccccc….']],
    options: {
      facts: registryFacts({ manifests: { 'docker.io/library/nginx:1.25': found(OTHER_DIGEST), [`docker.io/library/nginx@${DIGEST}`]: found(DIGEST) } }),
    },
  },
  'registry-unreachable': {
    input: container(`«registry.example.com/app@${DIGEST}»`),
    expected: [['registry-unreachable', 'information', 'registry.example.com refused the connection, so this image was not checked.']],
    options: {
      facts: registryFacts({
        manifests: { [`registry.example.com/app@${DIGEST}`]: FAILED_UNREACHABLE },
        problems: { 'registry.example.com': { kind: 'unreachable', reason: 'registry.example.com refused the connection.' } },
      }),
    },
  },
  unauthorized: {
    input: container(`«registry.example.com/app@${DIGEST}»`).replace('  containers:', '  imagePullSecrets:\n    - name: regcred\n  containers:'),
    expected: [['unauthorized', 'information', 'registry.example.com refused access (tried anonymous), so this image was not checked.']],
    options: {
      facts: registryFacts({
        manifests: { [`registry.example.com/app@${DIGEST}`]: FAILED_UNAUTHORIZED },
        problems: { 'registry.example.com': { kind: 'unauthorized', reason: 'registry.example.com refused access (tried anonymous).' } },
      }),
    },
  },
  'pull-would-fail': {
    input: container(`«ghcr.io/acme/private@${DIGEST}»`),
    expected: [
      [
        'pull-would-fail',
        'warning',
        `ghcr.io refuses anonymous pulls of acme/private and this pod spec has no imagePullSecrets, so a node without its own credentials fails to pull "ghcr.io/acme/private@${DIGEST}".`,
      ],
    ],
    options: { facts: registryFacts({ manifests: { [`ghcr.io/acme/private@${DIGEST}`]: found(DIGEST) }, anonymous: { 'ghcr.io/acme/private': false } }) },
  },
  'uppercase-registry': {
    input: container('«Envoyproxy»/envoy:v1.30.1'),
    expected: [
      ['uppercase-registry', 'warning', '"Envoyproxy" has uppercase letters, so it is read as a registry host, not Docker Hub\'s "envoyproxy/envoy:v1.30.1".'],
    ],
    options: { off: ['not-pinned'] },
  },
  'single-platform-pin': {
    input: container(`nginx:1.25@«${DIGEST}»`),
    expected: [
      [
        'single-platform-pin',
        'warning',
        'sha256:cccccccccccc… is the linux/amd64 image of the multi-platform index ":1.25" points to, not the index: every node pulls this one image, ' +
          'so on nodes of its other platforms (linux/arm64/v8) the container fails with "exec format error". ' +
          'Pin the index sha256:dddddddddddd… instead, so each node pulls its own platform.',
      ],
    ],
    options: {
      facts: registryFacts({
        manifests: {
          'docker.io/library/nginx:1.25': foundIndex(OTHER_DIGEST, [
            { os: 'linux', architecture: 'amd64', digest: DIGEST, size: 400 },
            { os: 'linux', architecture: 'arm64', variant: 'v8', digest: THIRD_DIGEST, size: 400 },
          ]),
          [`docker.io/library/nginx@${DIGEST}`]: found(DIGEST, { os: 'linux', architecture: 'amd64' }),
        },
      }),
    },
  },
  'platform-missing': {
    input: container(`«nginx@${DIGEST}»`),
    expected: [
      [
        'platform-missing',
        'warning',
        '"nginx@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" cannot run on linux/arm64 (it is a single-platform linux/amd64 image), ' +
          'and the pod can be scheduled on linux/arm64 nodes (targets from imageAware.platforms.targets): the container starts there and fails with ' +
          '"exec format error". Build and push it for linux/arm64, or keep the pod off those nodes with a nodeSelector on kubernetes.io/arch.',
      ],
    ],
    options: {
      facts: registryFacts({
        manifests: { [`docker.io/library/nginx@${DIGEST}`]: found(DIGEST, { os: 'linux', architecture: 'amd64' }) },
        targets: { platforms: ['linux/amd64', 'linux/arm64'], source: 'imageAware.platforms.targets' },
      }),
    },
  },
  'vulnerable-image': {
    input: container(`«nginx@${DIGEST}»`),
    expected: [
      [
        'vulnerable-image',
        'warning',
        'trivy found 1 critical and 2 high vulnerabilities (threshold: high) in sha256:cccccccccccc…, scanned on 2024-05-01: ' +
          'CVE-2019-14697 (critical) in musl 1.1.20-r4, fixed in 1.1.20-r5; CVE-2019-1543 (high) in libssl1.1 1.1.1b-r1, no fix known.',
      ],
    ],
    options: {
      facts: registryFacts({
        scans: {
          [DIGEST]: scanned({ critical: 1, high: 2, medium: 4 }, [
            { id: 'CVE-2019-14697', package: 'musl', installed: '1.1.20-r4', fixed: '1.1.20-r5', severity: 'critical' },
            { id: 'CVE-2019-1543', package: 'libssl1.1', installed: '1.1.1b-r1', fixed: null, severity: 'high' },
            { id: 'CVE-2019-1547', package: 'libssl1.1', installed: '1.1.1b-r1', fixed: '1.1.1d-r0', severity: 'medium' },
          ]),
        },
      }),
    },
  },
  'unsigned-image': {
    input: container(`«nginx@${DIGEST}»`),
    expected: [['unsigned-image', 'warning', 'No signature refers to the image this reference pulls; its repository requires one.']],
    options: { signatures: REQUIRE_ALL, facts: policyFacts([SBOM, PROVENANCE]) },
  },
  'signature-invalid': {
    input: container(`«nginx@${DIGEST}»`),
    expected: [
      [
        'signature-invalid',
        'error',
        `No signature of the image this reference pulls verifies with the keys or signers trusted for its repository: it signs ${OTHER_DIGEST}, not ${DIGEST}.`,
      ],
    ],
    options: {
      signatures: REQUIRE_ALL,
      facts: policyFacts([{ ...SIGNED, verification: { status: 'invalid', reason: `it signs ${OTHER_DIGEST}, not ${DIGEST}` } }, SBOM, PROVENANCE]),
    },
  },
  'no-sbom': {
    input: container(`«nginx@${DIGEST}»`),
    expected: [['no-sbom', 'warning', 'No SBOM is attached to the image this reference pulls; its repository requires an SBOM.']],
    options: { signatures: REQUIRE_ALL, facts: policyFacts([SIGNED, PROVENANCE]) },
  },
  'no-provenance': {
    input: container(`«nginx@${DIGEST}»`),
    expected: [
      [
        'no-provenance',
        'warning',
        'No provenance attestation is attached to the image this reference pulls; its repository requires a provenance attestation.',
      ],
    ],
    options: { signatures: REQUIRE_ALL, facts: policyFacts([SIGNED, SBOM]) },
  },
};

for (const code of DIAGNOSTIC_CODES) {
  const example = EXAMPLES[code];
  test(`${code}: produced with its default severity`, () => {
    assert.equal(example.expected[0][1], DIAGNOSTIC_RULES[code].defaultSeverity);
    check(example.input, example.expected, example.options);
  });
  const other: Severity = DIAGNOSTIC_RULES[code].defaultSeverity === 'error' ? 'hint' : 'error';
  test(`${code}: severity ${other} from the settings`, () => {
    const settings = parseSettings({ diagnostics: { [code]: other } });
    check(
      example.input,
      example.expected.map(([c, s, m]) => [c, c === code ? other : s, m] as const),
      { ...example.options, settings },
    );
  });
  test(`${code}: off drops it and nothing else`, () => {
    const settings = parseSettings({ diagnostics: { [code]: 'off' } });
    const { actual } = run(example.input, { ...example.options, settings });
    assert.deepEqual(
      actual.map((d) => d.code),
      example.expected.filter(([c]) => c !== code).map(([c]) => c),
    );
  });
  test(`${code}: an invalid setting value keeps the default`, () => {
    const settings = parseSettings({ diagnostics: { [code]: 'Warning' } });
    check(example.input, example.expected, { ...example.options, settings });
  });
}

const cases: Record<string, Example> = {
  'spans are absolute in later documents': {
    input: `${container('«nginx:1»')}---\n# second\n${container('nginx:«latest»')}`,
    expected: [
      ['not-pinned', 'hint', NOT_PINNED_1],
      ['latest-tag', 'warning', '":latest" moves with every push, so nodes can run different images; use a version tag or pin a digest.'],
    ],
  },
  'a CRLF file': {
    input: container('«nginx:1»').replace(/\n/g, '\r\n'),
    expected: [['not-pinned', 'hint', NOT_PINNED_1]],
  },
  'non-workload documents are silent': {
    input: `apiVersion: v1\nkind: ConfigMap\ndata:\n  image: Nginx\n---\napiVersion: example.com/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: nginx\n`,
    expected: [],
  },
  'a syntax error in a non-manifest is silent': { input: 'kind: ConfigMap\ndata:\n\tx: 1\n', expected: [] },
  'a syntax error at the end of a document stays inside it': {
    input: `${container('«nginx:1»', '      args: «[»\n')}---\n${container(`redis@${DIGEST}`)}`,
    expected: [
      ['not-pinned', 'hint', NOT_PINNED_1],
      ['yaml-syntax', 'information', SYNTAX('Flow sequence in block collection must be sufficiently indented and end with a ]')],
    ],
  },
  'a syntax error at the end of the file': {
    input: container('«nginx:1»', '      args: [a, «b»\n'),
    expected: [
      ['not-pinned', 'hint', NOT_PINNED_1],
      ['yaml-syntax', 'information', SYNTAX('Flow sequence in block collection must be sufficiently indented and end with a ]')],
    ],
  },
  'a nested mapping error': {
    input: container('«nginx:1»', '      name: «x»: y\n'),
    expected: [
      ['not-pinned', 'hint', NOT_PINNED_1],
      ['yaml-syntax', 'information', SYNTAX('Nested mappings are not allowed in compact mappings')],
    ],
  },
  'not-analysed past the size limit: the first document is still checked': {
    input: `${container('«nginx:1»')}«---»\n${PADDING}${container('nginx:latest')}`,
    expected: [
      ['not-pinned', 'hint', NOT_PINNED_1],
      ['not-analysed', 'warning', 'The file is larger than 1 MB; the rest was not analysed.'],
    ],
    options: { settings: parseSettings({ limits: { maxFileSizeMB: 1 } }) },
  },
  'not-analysed past the container limit': {
    input: aliasBomb(),
    expected: [['not-analysed', 'warning', 'This document reaches more than 5000 containers (through aliases?); the rest are not checked.']],
  },
  'unknown-pull-secret: no workspace facts, no diagnostic': {
    input: container(`nginx@${DIGEST}`).replace('  containers:', '  imagePullSecrets:\n    - name: regcred\n  containers:'),
    expected: [],
  },
  'unknown-pull-secret: a defined Secret is fine': {
    input: container(`nginx@${DIGEST}`).replace('  containers:', '  imagePullSecrets:\n    - name: regcred\n  containers:'),
    expected: [],
    options: { workspace: workspace(['regcred']) },
  },
  'unknown-pull-secret in a later document': {
    input: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: other\n---\n${container(`nginx@${DIGEST}`).replace('  containers:', '  imagePullSecrets:\n    - name: «regcred»\n  containers:')}`,
    expected: [['unknown-pull-secret', 'information', SECRET]],
    options: { workspace: workspace(['other']) },
  },
  'a kustomization file without kind': {
    input: 'images:\n  - name: nginx\n    newTag: «latest»\n',
    expected: [['latest-tag', 'warning', 'newTag "latest" moves with every push, so nodes can run different images; use a version tag or a digest.']],
    options: { fileName: 'overlays/prod/kustomization.yaml' },
  },
  'the same text in another file is not a kustomization': {
    input: 'images:\n  - name: nginx\n    newTag: latest\n',
    expected: [],
    options: { fileName: 'overlays/prod/images.yaml' },
  },
  'kustomize entries of a Kustomization kind': {
    input: kustomization(
      `  - name: a\n    newTag: «v1!»\n  - name: b\n    digest: «sha256:abc»\n  - name: c\n    newTag: «latest»\n  - name: d\n    newTag: «"2.0"»\n`,
    ),
    expected: [
      ['invalid-reference', 'error', 'newTag "v1!" is not a valid tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".'],
      ['invalid-reference', 'error', 'Digest "sha256:abc" has 3 hex characters; sha256 needs exactly 64.'],
      ['latest-tag', 'warning', 'newTag "latest" moves with every push, so nodes can run different images; use a version tag or a digest.'],
      ['not-pinned', 'hint', 'newTag "2.0" is not pinned: add a digest so the build always runs the same bytes.'],
    ],
  },
  'a quoted image keeps spans inside the quotes': {
    input: container('"ghcr.io/acme/«Web»:1"'),
    expected: [['invalid-reference', 'error', 'Repository name must be lowercase: "Web" has uppercase letters.']],
  },
};

for (const [name, example] of Object.entries(cases)) {
  test(name, () => check(example.input, example.expected, example.options));
}

test('every severity setting off: nothing at all', () => {
  const settings = parseSettings({ diagnostics: Object.fromEntries(DIAGNOSTIC_CODES.map((code) => [code, 'off'])) });
  for (const code of DIAGNOSTIC_CODES) {
    const example = EXAMPLES[code];
    assert.deepEqual(run(example.input, { ...example.options, settings }).actual, [], code);
  }
});

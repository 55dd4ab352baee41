/**
 * imageFindings: the per-document findings for container images, pull policies and kustomize
 * `images:` entries. Each case is a manifest with «…» around every span a finding must cover, and
 * the findings expected at those spans, in order: code and the whole message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageFindings, valueSpanToSource } from '../../../server/src/core/diagnostics/imageFindings';
import type { DiagnosticCode } from '../../../server/src/core/diagnostics/catalog';
import type { YamlScalar } from '../../../server/src/core/manifest/yamlTree';
import { marked } from '../../helpers/caret';
import { analyzeText, deployment, DIGEST, HEX, kustomization, pod } from '../../helpers/manifests';

type Expected = readonly (readonly [DiagnosticCode, string])[];

function check(input: string, expected: Expected): void {
  const { text, spans } = marked(input);
  assert.equal(spans.length, expected.length, 'the fixture needs one «…» per expected finding');
  const analysis = analyzeText(text);
  assert.equal(analysis.documents.length, 1);
  const findings = imageFindings(analysis.documents[0].analysis.fields, text);
  const actual = findings
    .map((f) => ({ code: f.code, start: f.start, text: text.slice(f.start, f.end), message: f.message }))
    .sort((a, b) => a.start - b.start);
  const wanted = expected.map(([code, message], i) => ({ code, start: spans[i].start, text: text.slice(spans[i].start, spans[i].end), message }));
  assert.deepEqual(actual, wanted);
}

const container = (image: string, more = ''): string => pod(`    - name: app\n      image: ${image}\n${more}`);
const LOWERCASE = (component: string): string => `Repository name must be lowercase: "${component}" has uppercase letters.`;
const NOT_PINNED = (image: string, tag: string): string =>
  `"${image}" is not pinned to a digest: if tag "${tag}" is pushed again, new pods run different bytes.`;
const LATEST = `":latest" moves with every push, so nodes can run different images; use a version tag or pin a digest.`;
const DIGEST_WITH_LATEST = `The digest already pins this image, but ":latest" makes Kubernetes default imagePullPolicy to Always, so every pod start asks the registry; drop ":latest".`;
const MISSING = (label: string, kind = 'Pod', holder = 'container'): string =>
  `${label} has no image; the API server rejects a ${kind} whose ${holder} has none (fine only in a patch).`;
const BAD_POLICY = (value: string, near?: string): string =>
  `imagePullPolicy "${value}" is not one of Always, IfNotPresent, Never; the API server rejects it${near ? ` (the value is case-sensitive: "${near}")` : ''}.`;
const REDUNDANT = (policy: string, image: string): string => `imagePullPolicy ${policy} is what Kubernetes defaults to for "${image}"; the line can go.`;
const TEMPLATED = (what: string, value: string): string => `${what} "${value}" holds a template placeholder; it is checked only once rendered.`;
const LONG_PATH = 'x/' + 'a'.repeat(300);

const KUSTOMIZE_NOT_STRING = (key: string, value: string, reads: string): string =>
  `kustomize reads ${key} ${value} as a ${reads} and refuses the kustomization (it must be a string); quote it: "${value}".`;

const cases: Record<string, [string, Expected]> = {
  // invalid-reference: the span is the offending part of the value, mapped into the source.
  'uppercase repository': [container('«Nginx»:1.25'), [['invalid-reference', LOWERCASE('Nginx')]]],
  'uppercase in a nested path component': [container('ghcr.io/acme/«Web»:1'), [['invalid-reference', LOWERCASE('Web')]]],
  'bad character in the tag': [
    container('nginx:v1«!»'),
    [['invalid-reference', 'Tag "v1!" contains "!"; a tag may contain only letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-").']],
  ],
  'digest too short': [container('nginx@sha256:«abc»'), [['invalid-reference', 'Digest "sha256:abc" has 3 hex characters; sha256 needs exactly 64.']]],
  '64 hexadecimal characters': [
    container(`«${'a'.repeat(64)}»`),
    [['invalid-reference', `"${'a'.repeat(60)}…" is 64 hexadecimal characters, which Docker reads as an image ID, not a repository name.`]],
  ],
  'repository path over 255 characters': [
    container(`«${LONG_PATH}»:1`),
    [['invalid-reference', `Repository path "${LONG_PATH.slice(0, 60)}…" is 302 characters long; at most 255 are allowed (the registry is not counted).`]],
  ],
  'inside double quotes the span maps past the quote': [container('"ghcr.io/acme/«Web»:1"'), [['invalid-reference', LOWERCASE('Web')]]],
  'inside single quotes the span maps past the quote': [container("'ghcr.io/acme/«Web»:1'"), [['invalid-reference', LOWERCASE('Web')]]],
  'a short digest inside double quotes': [
    container('"nginx:1@sha256:«12»"'),
    [['invalid-reference', 'Digest "sha256:12" has 2 hex characters; sha256 needs exactly 64.']],
  ],
  'an escape in double quotes makes the whole scalar the span': [container('«"Ngin\\x78:1"»'), [['invalid-reference', LOWERCASE('Nginx')]]],
  "a doubled '' in single quotes makes the whole scalar the span": [
    container("«'ex.com/it''s:1'»"),
    [
      [
        'invalid-reference',
        `Path component "it's" contains "'"; a path component may contain only lowercase letters, digits and the separators ".", "_", "__" or "-", and must start and end with a letter or digit.`,
      ],
    ],
  ],
  'in a flow mapping': [pod('    - {name: app, image: «Nginx»}\n'), [['invalid-reference', LOWERCASE('Nginx')]]],

  // Tags and digests.
  'no tag: implicit latest': [
    container('«nginx»'),
    [
      [
        'implicit-latest',
        `"nginx" has no tag, so it means "nginx:latest": whatever was pushed last, pulled on every pod start (imagePullPolicy defaults to Always).`,
      ],
    ],
  ],
  'no tag on another registry': [
    container('«ghcr.io/acme/web»'),
    [
      [
        'implicit-latest',
        `"ghcr.io/acme/web" has no tag, so it means "ghcr.io/acme/web:latest": whatever was pushed last, pulled on every pod start (imagePullPolicy defaults to Always).`,
      ],
    ],
  ],
  'no tag, registry with a port': [
    container('«localhost:5000/web»'),
    [
      [
        'implicit-latest',
        `"localhost:5000/web" has no tag, so it means "localhost:5000/web:latest": whatever was pushed last, pulled on every pod start (imagePullPolicy defaults to Always).`,
      ],
    ],
  ],
  ':latest marks the tag only': [container('nginx:«latest»'), [['latest-tag', LATEST]]],
  ':latest inside single quotes': [container("'nginx:«latest»'"), [['latest-tag', LATEST]]],
  ':Latest is a version tag like any other': [container('«nginx:Latest»'), [['not-pinned', NOT_PINNED('nginx:Latest', 'Latest')]]],
  'a version tag is not pinned': [container('«nginx:1.25»'), [['not-pinned', NOT_PINNED('nginx:1.25', '1.25')]]],
  'a version tag in double quotes': [container('«"nginx:1.25"»'), [['not-pinned', NOT_PINNED('nginx:1.25', '1.25')]]],
  'latest with a digest': [container(`nginx:«latest»@${DIGEST}`), [['digest-with-latest', DIGEST_WITH_LATEST]]],
  'tag and digest: nothing to say': [container(`nginx:1.25@${DIGEST}`), []],
  'digest only: nothing to say': [container(`ghcr.io/acme/web@${DIGEST}`), []],

  // imagePullPolicy.
  'lowercase policy: did you mean': [
    container(`nginx@${DIGEST}`, '      imagePullPolicy: «always»\n'),
    [['invalid-pull-policy', BAD_POLICY('always', 'Always')]],
  ],
  'all-lowercase IfNotPresent': [
    container(`nginx@${DIGEST}`, '      imagePullPolicy: «ifnotpresent»\n'),
    [['invalid-pull-policy', BAD_POLICY('ifnotpresent', 'IfNotPresent')]],
  ],
  'quoted NEVER': [container(`nginx@${DIGEST}`, '      imagePullPolicy: «"NEVER"»\n'), [['invalid-pull-policy', BAD_POLICY('NEVER', 'Never')]]],
  'an unknown policy has no suggestion': [
    container(`nginx@${DIGEST}`, '      imagePullPolicy: «Sometimes»\n'),
    [['invalid-pull-policy', BAD_POLICY('Sometimes')]],
  ],
  'an empty policy is defaulted, not invalid': [container(`nginx@${DIGEST}`, '      imagePullPolicy: ""\n'), []],
  'IfNotPresent for a version tag is redundant': [
    container('«nginx:1.25»', '      imagePullPolicy: «IfNotPresent»\n'),
    [
      ['not-pinned', NOT_PINNED('nginx:1.25', '1.25')],
      ['redundant-pull-policy', REDUNDANT('IfNotPresent', 'nginx:1.25')],
    ],
  ],
  'Always for no tag is redundant': [
    container('«nginx»', '      imagePullPolicy: «Always»\n'),
    [
      [
        'implicit-latest',
        `"nginx" has no tag, so it means "nginx:latest": whatever was pushed last, pulled on every pod start (imagePullPolicy defaults to Always).`,
      ],
      ['redundant-pull-policy', REDUNDANT('Always', 'nginx')],
    ],
  ],
  'Always for latest plus digest is redundant': [
    container(`nginx:«latest»@${DIGEST}`, '      imagePullPolicy: «Always»\n'),
    [
      ['digest-with-latest', DIGEST_WITH_LATEST],
      ['redundant-pull-policy', REDUNDANT('Always', `nginx:latest@${DIGEST}`)],
    ],
  ],
  'IfNotPresent for digest only is redundant': [
    container(`nginx@${DIGEST}`, '      imagePullPolicy: «IfNotPresent»\n'),
    [['redundant-pull-policy', REDUNDANT('IfNotPresent', `nginx@${DIGEST}`)]],
  ],
  'a policy that differs from the default is kept': [container(`nginx@${DIGEST}`, '      imagePullPolicy: Always\n'), []],
  'Never is never redundant': [container(`nginx:1@${DIGEST}`, '      imagePullPolicy: Never\n'), []],
  'no redundancy check for an invalid image': [container('«Nginx»:1', '      imagePullPolicy: IfNotPresent\n'), [['invalid-reference', LOWERCASE('Nginx')]]],
  'redundant in a flow mapping': [
    pod(`    - {name: app, image: "nginx@${DIGEST}", imagePullPolicy: «IfNotPresent»}\n`),
    [['redundant-pull-policy', REDUNDANT('IfNotPresent', `nginx@${DIGEST}`)]],
  ],

  // missing-image: anchored at the image key, or at the container's first key, or at `{`.
  'no image key': [pod('    - «name»: app\n      ports: []\n'), [['missing-image', MISSING('Container "app"')]]],
  'no image key and no name': [pod('    - «imagePullPolicy»: Always\n'), [['missing-image', MISSING('Container spec.containers[0]')]]],
  'empty flow mapping': [pod('    - «{»}\n'), [['missing-image', MISSING('Container spec.containers[0]')]]],
  'image: with nothing after it': [pod('    - name: app\n      «image»:\n'), [['missing-image', MISSING('Container "app"')]]],
  'image: ~': [pod('    - name: app\n      «image»: ~\n'), [['missing-image', MISSING('Container "app"')]]],
  'image: null': [pod('    - name: app\n      «image»: null\n'), [['missing-image', MISSING('Container "app"')]]],
  // The API server rejects "" as it rejects a missing image, but "" is also wrong in a patch, so it
  // is the (error-level) invalid-reference, marking the quotes.
  'image: ""': [pod('    - name: app\n      image: «""»\n'), [['invalid-reference', 'The image reference is empty.']]],
  'image: a mapping': [
    pod('    - name: app\n      image: «{repository: nginx}»\n'),
    [['image-not-string', 'The image must be a string, but YAML reads this value as a mapping, so the API server rejects the object.']],
  ],
  'initContainers index and the workload kind': [
    deployment(
      '      - name: a\n        image: busybox:1.36@' +
        DIGEST +
        '\n      initContainers:\n      - name: b\n        image: busybox:1.36@' +
        DIGEST +
        '\n      - «command»: [sh]\n',
    ),
    [['missing-image', MISSING('Init container spec.template.spec.initContainers[1]', 'Deployment', 'init container')]],
  ],
  'missing image and an invalid policy': [
    pod('    - «name»: app\n      imagePullPolicy: «Alwys»\n'),
    [
      ['missing-image', MISSING('Container "app"')],
      ['invalid-pull-policy', BAD_POLICY('Alwys')],
    ],
  ],

  // templated-image: the whole scalar, and no other image finding.
  'envsubst ${TAG}': [container('«${IMAGE}»'), [['templated-image', TEMPLATED('Image', '${IMAGE}')]]],
  'Kubernetes $(TAG)': [container('«nginx:$(TAG)»'), [['templated-image', TEMPLATED('Image', 'nginx:$(TAG)')]]],
  'Helm {{ .Values.image }}': [container('«"{{ .Values.image }}"»'), [['templated-image', TEMPLATED('Image', '{{ .Values.image }}')]]],
  'templated with a policy: no redundancy check': [
    container('«ghcr.io/acme/web:${TAG}»', '      imagePullPolicy: IfNotPresent\n'),
    [['templated-image', TEMPLATED('Image', 'ghcr.io/acme/web:${TAG}')]],
  ],

  // kustomize images entries.
  'kustomize newTag with a bad character': [
    kustomization('  - name: nginx\n    newTag: «v1!»\n'),
    [['invalid-reference', 'newTag "v1!" is not a valid tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".']],
  ],
  'kustomize newTag starting with a dot': [
    kustomization('  - name: nginx\n    newTag: «".1"»\n'),
    [['invalid-reference', 'newTag ".1" is not a valid tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".']],
  ],
  'kustomize bad digest': [
    kustomization('  - name: nginx\n    digest: «sha256:abc»\n'),
    [['invalid-reference', 'Digest "sha256:abc" has 3 hex characters; sha256 needs exactly 64.']],
  ],
  'kustomize newTag latest': [
    kustomization('  - name: nginx\n    newTag: «latest»\n'),
    [['latest-tag', 'newTag "latest" moves with every push, so nodes can run different images; use a version tag or a digest.']],
  ],
  'kustomize newTag not pinned': [
    kustomization('  - name: nginx\n    newTag: «"1.25"»\n'),
    [['not-pinned', 'newTag "1.25" is not pinned: add a digest so the build always runs the same bytes.']],
  ],
  'kustomize newTag with a digest is pinned': [kustomization(`  - name: nginx\n    newTag: "1.25"\n    digest: ${DIGEST}\n`), []],
  'kustomize newTag latest with a digest': [kustomization(`  - name: nginx\n    newTag: latest\n    digest: ${DIGEST}\n`), []],
  'kustomize newName with uppercase': [
    kustomization(`  - name: web\n    newName: ghcr.io/acme/«Web»\n    digest: ${DIGEST}\n`),
    [['invalid-reference', LOWERCASE('Web')]],
  ],
  'kustomize templated newName': [
    kustomization(`  - name: web\n    newName: «ghcr.io/\${ORG}/web»\n    digest: ${DIGEST}\n`),
    [['templated-image', TEMPLATED('newName', 'ghcr.io/${ORG}/web')]],
  ],
  'kustomize templated newTag and digest are left alone': [kustomization('  - name: web\n    newTag: ${TAG}\n    digest: $(DIGEST)\n'), []],
  // kustomize reads its kustomization through JSON: a number or boolean where a string belongs fails the build.
  'kustomize newTag a number (examples/image.md)': [
    kustomization('  - name: busybox\n    newName: alpine\n    newTag: «3.6»\n'),
    [['image-not-string', KUSTOMIZE_NOT_STRING('newTag', '3.6', 'number')]],
  ],
  'kustomize newTag .1, unquoted, a number to YAML 1.1': [
    kustomization('  - name: nginx\n    newTag: «.1»\n'),
    [['image-not-string', KUSTOMIZE_NOT_STRING('newTag', '.1', 'number')]],
  ],
  'kustomize newTag a YAML 1.1 boolean': [
    kustomization('  - name: busybox\n    newTag: «yes»\n'),
    [['image-not-string', KUSTOMIZE_NOT_STRING('newTag', 'yes', 'boolean')]],
  ],
  'kustomize quoted newTag is a string': [
    kustomization('  - name: busybox\n    newTag: «"3.6"»\n'),
    [['not-pinned', 'newTag "3.6" is not pinned: add a digest so the build always runs the same bytes.']],
  ],
  'kustomize second entry': [
    kustomization(`  - name: a\n    digest: ${DIGEST}\n  - name: b\n    newTag: «latest»\n`),
    [['latest-tag', 'newTag "latest" moves with every push, so nodes can run different images; use a version tag or a digest.']],
  ],
};

for (const [name, [input, expected]] of Object.entries(cases)) {
  test(`imageFindings: ${name}`, () => check(input, expected));
}

test('imageFindings: several containers in one document, in source order', () => {
  check(pod(`    - name: a\n      image: «nginx»\n    - name: b\n      image: redis:«latest»\n    - name: c\n      image: redis@${DIGEST}\n`), [
    [
      'implicit-latest',
      `"nginx" has no tag, so it means "nginx:latest": whatever was pushed last, pulled on every pod start (imagePullPolicy defaults to Always).`,
    ],
    ['latest-tag', LATEST],
  ]);
});

test('imageFindings: a document that is no workload has none', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  image: Nginx\n';
  assert.deepEqual(imageFindings(analyzeText(text).documents[0].analysis.fields, text), []);
});

test(`imageFindings: the 64-hex rule applies to the whole value only (${HEX.slice(0, 8)}…:tag is fine)`, () => {
  check(container(`«${HEX}:v1»`), [['not-pinned', NOT_PINNED(`${HEX}:v1`, 'v1')]]);
});

/** valueSpanToSource on hand-made scalars: [style, source text, value] → source span for value [2, 5). */
const spanCases: [string, YamlScalar, { start: number; end: number }][] = [
  ['plain', { type: 'scalar', style: 'plain', value: 'abcdef', start: 10, end: 16 }, { start: 12, end: 15 }],
  ['double', { type: 'scalar', style: 'double', value: 'abcdef', start: 10, end: 18 }, { start: 13, end: 16 }],
  ['single', { type: 'scalar', style: 'single', value: 'abcdef', start: 10, end: 18 }, { start: 13, end: 16 }],
  ['double with an escape (source longer than value)', { type: 'scalar', style: 'double', value: 'abcdef', start: 10, end: 20 }, { start: 10, end: 20 }],
  ['block', { type: 'scalar', style: 'block', value: 'abcdef', start: 10, end: 16 }, { start: 10, end: 16 }],
];
for (const [name, scalar, expected] of spanCases) {
  test(`valueSpanToSource: ${name}`, () => assert.deepEqual(valueSpanToSource(scalar, 2, 5), expected));
}

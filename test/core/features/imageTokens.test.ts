/**
 * computeImageTokens: «…» marks each expected token in the text, and each case lists their types in
 * text order (`.latest` for the modifier). Values the analysis does not read as a reference, and
 * documents it does not analyse, expect none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeImageTokens } from '../../../server/src/core/features/imageTokens';
import type { ImageToken } from '../../../server/src/core/features/imageTokens';
import { imageSites } from '../../../server/src/core/imageSites';
import { generateManifest } from '../../../bench/generate';
import { marked } from '../../helpers/caret';
import { analyzeText, crlf, DIGEST, deployment, kustomization, pod } from '../../helpers/manifests';

function described(text: string, tokens: readonly ImageToken[]): string[] {
  return tokens.map((t) => `${[t.type, ...t.modifiers].join('.')} ${JSON.stringify(text.slice(t.start, t.end))}`);
}

function check(input: string, types: readonly string[], fileName?: string): void {
  const { text, spans } = marked(input);
  assert.equal(spans.length, types.length, 'one type per marked span');
  const expected = spans.map((span, i) => ({ ...span, name: types[i] }));
  assert.deepEqual(
    described(text, computeImageTokens(analyzeText(text, fileName))),
    expected.map((e) => `${e.name} ${JSON.stringify(text.slice(e.start, e.end))}`),
  );
  // The offsets too, not only the text (a value can occur twice).
  assert.deepEqual(
    computeImageTokens(analyzeText(text, fileName)).map((t) => [t.start, t.end]),
    spans.map((s) => [s.start, s.end]),
  );
}

const REFERENCE = ['imageRegistry', 'imageRepository', 'imageTag', 'imageDigest'];
const HEX = DIGEST.slice('sha256:'.length);

const cases: Record<string, [string, string[], string?]> = {
  'every part of a reference, and a valid pull policy': [
    pod(`    - image: «ghcr.io»/«acme/api»:«1.4.2»@«${DIGEST}» # pinned\n      imagePullPolicy: «IfNotPresent»\n`),
    [...REFERENCE, 'imagePullPolicy'],
  ],
  'a Docker Hub name has no registry; latest is marked': [pod('    - image: «nginx»:«latest»\n'), ['imageRepository', 'imageTag.latest']],
  'no tag: the repository alone': [pod('    - image: «nginx»\n'), ['imageRepository']],
  'a digest without a tag': [pod(`    - image: «nginx»@«${DIGEST}»\n`), ['imageRepository', 'imageDigest']],
  'a registry with a port, localhost, and IPv6 in brackets (quoted: YAML reads a plain [ as a sequence)': [
    pod('    - image: «registry.example.com:5000»/«team/app»:«v1»\n    - image: «localhost»/«app»\n    - image: \"«[::1]:5000»/«app»:«2»\"\n'),
    ['imageRegistry', 'imageRepository', 'imageTag', 'imageRegistry', 'imageRepository', 'imageRegistry', 'imageRepository', 'imageTag'],
  ],
  'index.docker.io as written; the repository without the library/ the parser adds': [
    pod('    - image: «index.docker.io»/«nginx»:«1»\n    - image: «docker.io»/«library/redis»\n'),
    ['imageRegistry', 'imageRepository', 'imageTag', 'imageRegistry', 'imageRepository'],
  ],
  'double and single quotes: inside them': [
    pod(`    - image: "«ghcr.io»/«acme/api»:«1.4.2»"\n      imagePullPolicy: "«Always»"\n    - image: '«nginx»@«${DIGEST}»'\n`),
    ['imageRegistry', 'imageRepository', 'imageTag', 'imagePullPolicy', 'imageRepository', 'imageDigest'],
  ],
  'an escape in a double-quoted value: no tokens, the characters are not where the parts are': [pod('    - image: "nginx\\x3a1.25"\n'), []],
  'a block scalar: no tokens': [pod('    - image: >-\n        nginx:1.25\n'), []],
  'flow style': [
    'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: a, image: «nginx»:«1.25», imagePullPolicy: «Never»}, {image: "«busybox»"}]}\n',
    ['imageRepository', 'imageTag', 'imagePullPolicy', 'imageRepository'],
  ],
  'CRLF line endings': [crlf(deployment(`        - name: web\n          image: «ghcr.io»/«acme/web»:«2.0»@«${DIGEST}»\n`)), REFERENCE],
  'an anchor is coloured where the value is written; its alias is not': [
    pod('    - name: a\n      image: &img «nginx»:«1.25»\n    - name: b\n      image: *img\n'),
    ['imageRepository', 'imageTag'],
  ],
  'templated values: none, they are references only once rendered': [
    pod(
      '    - image: "{{ .Values.image }}"\n    - image: {{ .Values.image }}:{{ .Values.tag }}\n    - image: ${IMAGE}\n' +
        '    - image: registry.example.com/app:$(TAG)\n      imagePullPolicy: «Always»\n',
    ),
    ['imagePullPolicy'],
  ],
  'invalid, ko:// and non-string values: none': [
    pod(
      '    - image: Nginx:1\n    - image: nginx:1:2\n    - image: ko://github.com/acme/app\n    - image: 1.25\n    - image: ""\n' +
        `    - image: nginx@sha256:${HEX.slice(1)}\n`,
    ),
    [],
  ],
  'a pull policy that is not one of the three: none': [pod('    - image: «nginx»:«1»\n      imagePullPolicy: ifNotPresent\n'), ['imageRepository', 'imageTag']],
  'kustomize entries: name, newName, newTag and digest, each on its own': [
    kustomization(
      `  - name: «nginx»\n    newName: «ghcr.io»/«acme/nginx»\n    newTag: "«1.25»"\n    digest: «${DIGEST}»\n` +
        '  - name: «redis»\n    newName: «my/redis»\n' +
        "  - name: «busybox»\n    newTag: '«latest»'\n" +
        '  - name: «app»\n    newTag: ${TAG}\n    digest: sha256:abc\n' +
        '  - name: «bad»\n    newTag: -x\n',
    ),
    [
      'imageRepository',
      'imageRegistry',
      'imageRepository',
      'imageTag',
      'imageDigest',
      'imageRepository',
      'imageRepository',
      'imageRepository',
      'imageTag.latest',
      'imageRepository',
      'imageRepository',
    ],
  ],
  'a kustomization.yaml without a kind': ['images:\n  - name: «nginx»\n    newTag: «1.25»\n', ['imageRepository', 'imageTag'], 'kustomization.yaml'],
  'the same images: without the file name or a kind: none': ['images:\n  - name: nginx\n    newTag: "1.25"\n', [], 'values.yaml'],
  'documents the analysis does not read: none': [
    [
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  image: nginx:1.25\n',
      'apiVersion: example.com/v1\nkind: Widget\nspec:\n  image: nginx:1.25\n  containers:\n    - image: nginx:1.25\n',
      'apiVersion: example.com/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: nginx:1.25\n',
      'services:\n  web:\n    image: nginx:1.25\n',
    ].join('---\n'),
    [],
  ],
  'List items, and offsets across documents': [
    'kind: ConfigMap\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    spec:\n      containers:\n        - image: «nginx»:«1»\n' +
      '---\n' +
      pod('    - image: «ghcr.io»/«a/b»\n'),
    ['imageRepository', 'imageTag', 'imageRegistry', 'imageRepository'],
  ],
};

for (const [name, [input, types, fileName]] of Object.entries(cases)) {
  test(name, () => check(input, types, fileName));
}

test('an escaped value is still an image site: the analysis reads it, the tokens only decline to place its parts', () => {
  const text = pod('    - image: "nginx\\x3a1.25"\n');
  assert.deepEqual(
    imageSites(analyzeText(text)).map((site) => site.ref.familiar),
    ['nginx:1.25'],
  );
  assert.deepEqual(computeImageTokens(analyzeText(text)), []);
});

test('a range gives the tokens that touch it, across documents', () => {
  const { text, spans } = marked(pod('    - image: «ghcr.io»/«acme/api»:«1»\n') + '---\n' + pod('    - image: «nginx»:«2»\n      imagePullPolicy: «Always»\n'));
  const analysis = analyzeText(text);
  const tokensIn = (start: number, end: number) => computeImageTokens(analysis, { start, end }).map((t) => [t.start, t.end]);
  const pairs = spans.map((s) => [s.start, s.end]);
  assert.deepEqual(tokensIn(0, text.length), pairs);
  assert.deepEqual(tokensIn(spans[3].start, text.length), pairs.slice(3), 'the second document');
  assert.deepEqual(tokensIn(0, spans[3].start), pairs.slice(0, 3), 'the first document');
  // Through the middle of "acme/api": that token only.
  assert.deepEqual(tokensIn(spans[1].start + 2, spans[1].start + 3), [pairs[1]]);
  assert.deepEqual(tokensIn(spans[0].end, spans[1].start), [], 'the "/" between registry and repository');
});

test('on a large generated manifest, tokens lie only inside image fields and every verbatim image site gets its repository', () => {
  const text = generateManifest(256 * 1024, 7);
  const analysis = analyzeText(text);
  const tokens = computeImageTokens(analysis);
  const sites = imageSites(analysis);
  const fields: { start: number; end: number }[] = [];
  for (const doc of analysis.documents) {
    for (const c of doc.analysis.fields.containers) {
      for (const scalar of [c.image?.value, c.pullPolicy?.value]) if (scalar) fields.push({ start: doc.start + scalar.start, end: doc.start + scalar.end });
    }
  }
  assert.ok(sites.length > 100 && tokens.length > sites.length, `${sites.length} sites, ${tokens.length} tokens`);
  for (let i = 1; i < tokens.length; i++) assert.ok(tokens[i].start >= tokens[i - 1].end, 'in text order, never overlapping');
  for (const t of tokens) {
    assert.ok(
      fields.some((f) => f.start <= t.start && t.end <= f.end),
      `token ${t.type} ${JSON.stringify(text.slice(t.start, t.end))} lies inside an image or pull policy value`,
    );
    assert.ok(!/[\r\n]/.test(text.slice(t.start, t.end)), 'a token stays on its line');
  }
  for (const site of sites) {
    const written = text.slice(site.span.start, site.span.end).replace(/^(["'])(.*)\1$/, '$2');
    if (written !== site.ref.input) continue;
    assert.ok(
      tokens.some((t) => t.type === 'imageRepository' && site.span.start <= t.start && t.end <= site.span.end),
      `a repository token in ${written}`,
    );
  }
});

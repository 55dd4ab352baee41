/**
 * Image values that are not a plain reference in a plain manifest, in the shapes real projects
 * write them: unquoted Go templates that YAML reads as a mapping or a syntax error (argo-cd's Helm
 * test charts), values YAML reads as a number, boolean, sequence or mapping, syntax errors that may
 * hide an image, and ko:// import paths (knative serving). Fixtures under test/fixtures/manifests/real
 * name their source; inline cases mark each expected span with «…».
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Analysis } from '../../../server/src/core/analysis';
import { anonymousPullQueries, factQueries, imageSites } from '../../../server/src/core/imageSites';
import { marked } from '../../helpers/caret';
import { analyzeText, deployment } from '../../helpers/manifests';

/** This file compiles to out/test/core/diagnostics/, so the repository root is four levels up. */
const REAL = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'manifests', 'real');

interface Seen {
  readonly code: string;
  readonly text: string;
  readonly message: string;
}

/** Every document finding of the file with the text its span covers, in text order. */
function findingsOf(analysis: Analysis): Seen[] {
  return analysis.documents
    .flatMap((doc) => doc.analysis.findings.map((f) => ({ ...f, start: f.start + doc.start, end: f.end + doc.start })))
    .sort((a, b) => a.start - b.start)
    .map((f) => ({ code: f.code, text: analysis.text.slice(f.start, f.end), message: f.message }));
}

/** Checks an inline manifest: one «…» per expected finding, in text order. */
function check(input: string, expected: readonly (readonly [string, string])[]): void {
  const { text, spans } = marked(input);
  assert.equal(spans.length, expected.length, 'the fixture needs one «…» per expected finding');
  const wanted = expected.map(([code, message], i) => ({ code, text: text.slice(spans[i].start, spans[i].end), message }));
  assert.deepEqual(findingsOf(analyzeText(text)), wanted);
}

const TEMPLATED = (value: string): string => `Image ${JSON.stringify(value)} holds a template placeholder; it is checked only once rendered.`;
const NOT_STRING = (value: string, reads: string): string =>
  `The image must be a string, but YAML reads ${value} as a ${reads}, so the API server rejects the object; quote it: ${JSON.stringify(value)}.`;
const COLLECTION = (reads: string): string => `The image must be a string, but YAML reads this value as a ${reads}, so the API server rejects the object.`;
const IMPLICIT_LATEST = (image: string): string =>
  `"${image}" has no tag, so it means "${image}:latest": whatever was pushed last, pulled on every pod start (imagePullPolicy defaults to Always).`;
const BAD_POLICY = (value: string, near: string): string =>
  `imagePullPolicy "${value}" is not one of Always, IfNotPresent, Never; the API server rejects it (the value is case-sensitive: "${near}").`;
const SYNTAX = /^YAML syntax error \(.*\), so image fields after it in this document may be missed\.$/;
const app = (image: string, more = ''): string => deployment(`      - name: app\n        image: ${image}\n${more}`);

test('unquoted Go templates that YAML reads as a mapping are templated-image over the whole written value', () => {
  check(app('«{{ .Image }}»'), [['templated-image', TEMPLATED('{{ .Image }}')]]);
  check(app('«{{ template "redis.image" . }}»  # from values'), [['templated-image', TEMPLATED('{{ template "redis.image" . }}')]]);
  check(app('«{{ .Values.image | quote }}»'), [['templated-image', TEMPLATED('{{ .Values.image | quote }}')]]);
});

test('unquoted Go templates that YAML reads as a syntax error are templated-image, and the error is not reported on top', () => {
  check(app('«{{ .Values.image }}:{{ .Values.tag }}»'), [['templated-image', TEMPLATED('{{ .Values.image }}:{{ .Values.tag }}')]]);
  check(app('«{{.Registry}}/app:{{.Tag}}»', '        imagePullPolicy: Always\n'), [['templated-image', TEMPLATED('{{.Registry}}/app:{{.Tag}}')]]);
});

test('values YAML reads as a number or boolean (YAML 1.1, as kubectl reads them) are image-not-string, not implicit-latest', () => {
  check(app('«1.0»'), [['image-not-string', NOT_STRING('1.0', 'number')]]);
  check(app('«20»'), [['image-not-string', NOT_STRING('20', 'number')]]);
  check(app('«true»'), [['image-not-string', NOT_STRING('true', 'boolean')]]);
  check(app('«yes»'), [['image-not-string', NOT_STRING('yes', 'boolean')]]);
  check(app('«0x1F»'), [['image-not-string', NOT_STRING('0x1F', 'number')]]);
  // Quoted, the same text is a string: a (strange) image name without a tag.
  check(app('«"1.0"»'), [['implicit-latest', IMPLICIT_LATEST('1.0')]]);
});

test('values YAML reads as a sequence or mapping are image-not-string, not missing-image', () => {
  check(app('«[nginx]»'), [['image-not-string', COLLECTION('sequence')]]);
  check(app('«{a: b}»'), [['image-not-string', COLLECTION('mapping')]]);
  check(app('\n          «name: nginx»'), [['image-not-string', COLLECTION('mapping')]]);
});

test('after a YAML syntax error, a container that may have lost its image to it is not reported missing-image', () => {
  // `{{ include … }}` inside a container: YAML stops reading the container there, Helm puts the image there.
  const include = deployment('      - name: app\n        {{ include "app.image" . }}\n        ports:\n        - containerPort: 80\n');
  const seen = findingsOf(analyzeText(include));
  assert.deepEqual(
    seen.map((f) => [f.code, f.text]),
    [['yaml-syntax', '{{ include "app.image" . }}']],
  );
  assert.match(seen[0].message, SYNTAX);
  // A container before the error, with another container between them, still gets missing-image.
  const before = deployment(`      - name: a\n      - name: b\n        image: nginx@sha256:${'c'.repeat(64)}\n        {{ include "x" . }}\n`);
  assert.deepEqual(
    findingsOf(analyzeText(before)).map((f) => [f.code, f.text]),
    [
      ['missing-image', 'name'],
      ['yaml-syntax', '{{ include "x" . }}'],
    ],
  );
});

test('argo-cd Helm test charts: templated images, not "has no image"', () => {
  const text = readFileSync(resolve(REAL, 'argo-cd-helm-templates.yaml'), 'utf8');
  const seen = findingsOf(analyzeText(text));
  assert.deepEqual(
    seen.map((f) => [f.code, f.text]),
    [
      ['templated-image', '{{ .Values.image.repository }}:{{ .Values.image.tag }}'],
      ['yaml-syntax', seen[1].text],
      ['yaml-syntax', seen[2].text],
      ['templated-image', '{{ template "redis.image" . }}'],
    ],
  );
  assert.equal(seen[0].message, TEMPLATED('{{ .Values.image.repository }}:{{ .Values.image.tag }}'));
  assert.equal(seen[3].message, TEMPLATED('{{ template "redis.image" . }}'));
});

test('knative serving: a ko:// import path is no error, no missing tag, and nothing to ask a registry', () => {
  const text = readFileSync(resolve(REAL, 'knative-serving-controller.yaml'), 'utf8');
  const analysis = analyzeText(text);
  assert.deepEqual(findingsOf(analysis), []);
  assert.deepEqual(imageSites(analysis), []);
  assert.deepEqual(factQueries(analysis), []);
  assert.deepEqual(anonymousPullQueries(analysis), []);
  // Not pinned either: a written policy is still checked, against nothing ko has not built yet.
  const policy = '        imagePullPolicy: «always»\n';
  check(app('ko://github.com/knative/serving/cmd/controller', policy), [['invalid-pull-policy', BAD_POLICY('always', 'Always')]]);
  check(app('«ko://»'), [['invalid-reference', '"ko://" names no Go import path for ko to build, as in "ko://github.com/org/repo/cmd/app".']]);
});

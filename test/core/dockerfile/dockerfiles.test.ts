/**
 * Dockerfiles as analyses (core/dockerfile/analysis.ts, read by engine/dockerfile/read.ts), on the
 * documented fixtures of test/fixtures/dockerfiles/ (each cites its source): which instructions name
 * images and which name stages, `scratch` or indexes; the findings and their exact spans; hover (the
 * ARG default an image comes from, the stage, the platform, no pull policy); completion of tags and
 * digests in FROM images and ARG defaults; code actions; pinning goldens whose edits touch only the
 * image tokens, with `\` and `` ` `` continuations kept; edits a Dockerfile cannot take are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeDockerfile } from '../../../server/src/core/dockerfile/analysis';
import { pinFileEdits } from '../../../server/src/core/edits/pinEdits';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import { computeCodeActions } from '../../../server/src/core/features/codeActions';
import { computeCompletions, registryCompletionNeed } from '../../../server/src/core/features/completion';
import { collectDiagnostics } from '../../../server/src/core/features/diagnostics';
import { computeHover } from '../../../server/src/core/features/hover';
import { computeImageTokens } from '../../../server/src/core/features/imageTokens';
import { computeInlayHints } from '../../../server/src/core/features/inlayHints';
import { anonymousPullQueries, factQueries, imageSites } from '../../../server/src/core/imageSites';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import type { Analysis } from '../../../server/src/core/analysis';
import { readDockerfile } from '../../../server/src/engine/dockerfile/read';
import { assertOnlyEditedBytesChanged } from '../../helpers/edits';
import { found, MISSING, registryFacts } from '../../helpers/facts';
import { checkGolden } from '../../helpers/golden';

const FIXTURES = resolve(__dirname, '../../../../test/fixtures/dockerfiles');
const NAMES = ['multi-stage', 'awesome-compose-backend', 'arg-before-from', 'mount-from', 'escape-backtick'];

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.Dockerfile`), 'utf8');
}

function analyse(text: string): Analysis {
  return analyzeDockerfile(text, readDockerfile, { maxFileSize: 1 << 20, fileName: 'Dockerfile' });
}

/** Each record as `label: image as written (where)`. */
function records(analysis: Analysis): string[] {
  return analysis.documents[0].analysis.fields.containers.map((c) => `${c.location.label}: ${c.image?.value?.value} (${c.path})`);
}

/** Each diagnostic as `code "the text it marks"`. */
function findings(analysis: Analysis): string[] {
  return collectDiagnostics(analysis, DEFAULT_SETTINGS, null).map((d) => `${d.code} ${JSON.stringify(analysis.text.slice(d.start, d.end))}`);
}

test('multi-stage: stage names, the index 0 and scratch are no images; COPY --from of an image is one', () => {
  const analysis = analyse(fixture('multi-stage'));
  assert.deepEqual(records(analysis), ['base image: golang:1.23 (line 6)', 'COPY --from image: nginx:latest (line 22)', 'base image: alpine:latest (line 25)']);
  assert.deepEqual(findings(analysis), ['not-pinned "golang:1.23"', 'latest-tag "latest"', 'latest-tag "latest"']);
});

test('a real Dockerfile: FROM --platform, a stage used as a base, COPY --from an image and a stage, scratch', () => {
  const analysis = analyse(fixture('awesome-compose-backend'));
  assert.deepEqual(records(analysis), ['base image: golang:1.18-alpine (line 4)', 'COPY --from image: gloursdocker/docker (line 33)']);
  assert.deepEqual(findings(analysis), ['not-pinned "golang:1.18-alpine"', 'implicit-latest "gloursdocker/docker"']);
  // No pull policy applies in a build, so it is neither hinted nor said to be Always.
  assert.deepEqual(computeInlayHints(analysis, 0, analysis.text.length, DEFAULT_SETTINGS), []);
  assert.equal(
    findings(analysis).some((f) => f.includes('pulled on every')),
    false,
  );
});

test('ARG before FROM: a whole-image ARG default is the image, written in the ARG; partial or default-less ones are templated', () => {
  const text = fixture('arg-before-from');
  const analysis = analyse(text);
  assert.deepEqual(records(analysis), [
    'base image: base:${CODE_VERSION} (line 8)',
    'base image: extras:${CODE_VERSION} (line 11)',
    'base image: golang:1.22-alpine (line 14)',
    'base image: ${RUNTIME} (line 19)',
  ]);
  assert.deepEqual(findings(analysis), [
    'templated-image "base:${CODE_VERSION}"',
    'templated-image "extras:${CODE_VERSION}"',
    'not-pinned "\\"golang:1.22-alpine\\""',
    'templated-image "${RUNTIME}"',
  ]);
  // Both FROMs that use BASE share the one record whose image is the ARG default.
  const base = analysis.documents[0].analysis.fields.containers[2];
  assert.deepEqual(
    base.build?.argument?.uses.map((use) => text.slice(use.start, use.end)),
    ['${BASE}', '$BASE'],
  );
});

test('hover on ${BASE}: the ARG default, the stage, the platform BuildKit fills in, and why no pull policy applies', () => {
  const text = fixture('arg-before-from');
  const analysis = analyse(text);
  const at = text.indexOf('${BASE}') + 2;
  const hover = computeHover(analysis, at);
  assert.ok(hover);
  assert.equal(text.slice(hover.start, hover.end), '${BASE}');
  const lines = hover.markdown.split('\n');
  assert.equal(lines[0], '`docker.io/library/golang:1.22-alpine` · not pinned');
  assert.ok(
    lines.includes('`ARG BASE`, default `golang:1.22-alpine`: the 2 FROMs that use it start from this image unless `--build-arg BASE=…` names another.'),
  );
  assert.ok(lines.includes('Starts the stage `tools`.'));
  assert.ok(lines.includes('Platform `$BUILDPLATFORM`: BuildKit fills it in with the platform of the machine that builds.'));
  assert.equal(lines.filter((l) => /^\*\*\w*[pP]ull_?[pP]olicy/.test(l)).length, 0, 'no pull policy is claimed');
  assert.ok(lines.some((l) => l.startsWith('*Base image* `line 14`:') && l.includes('A Dockerfile has no pull policy')));
  // The same hover on the ARG default itself.
  const onDefault = computeHover(analysis, text.indexOf('golang:1.22') + 1);
  assert.equal(onDefault?.markdown, hover.markdown);
  assert.equal(text.slice(onDefault!.start, onDefault!.end), '"golang:1.22-alpine"');
});

test('RUN --mount from=: the image is one; the stage ctx and a mount without from are not', () => {
  const analysis = analyse(fixture('mount-from'));
  assert.deepEqual(records(analysis), [
    'base image: alpine:3.20 (line 6)',
    'base image: debian:bookworm-slim (line 9)',
    'RUN --mount image: golang:1.22-alpine (line 10)',
  ]);
});

test('# escape=`: continuations across lines, Windows paths kept, the images found where they are written', () => {
  const text = fixture('escape-backtick');
  const analysis = analyse(text);
  assert.deepEqual(records(analysis), [
    'base image: mcr.microsoft.com/windows/servercore:ltsc2022 (line 5)',
    'COPY --from image: mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022 (line 8)',
  ]);
});

test('semantic tokens colour exactly the analysed images: no stage names, scratch, indexes or templates', () => {
  const text = fixture('multi-stage');
  const tokens = computeImageTokens(analyse(text)).map(
    (t) => `${t.type}${t.modifiers.length ? '.' + t.modifiers.join('.') : ''} ${text.slice(t.start, t.end)}`,
  );
  assert.deepEqual(tokens, [
    'imageRepository golang',
    'imageTag 1.23',
    'imageRepository nginx',
    'imageTag.latest latest',
    'imageRepository alpine',
    'imageTag.latest latest',
  ]);
  assert.deepEqual(computeImageTokens(analyse('ARG V=1\nFROM base:${V} AS x\nFROM x\nCOPY --from=0 / /\n')), []);
});

test('completion: tags after ":" of a FROM image and of an ARG default, digests after "@"', () => {
  const tags = ['1.21', '1.22', '1.22-alpine', 'latest'];
  const facts = registryFacts({
    tags: { 'docker.io/library/golang': tags },
    manifests: { 'docker.io/library/golang:1.22': found('sha256:' + 'a'.repeat(64)) },
  });
  for (const text of [
    'FROM golang:1.2\n',
    'ARG GO=golang:1.2\nFROM $GO\n',
    'FROM golang:1.2 AS build\nRUN --mount=type=bind,from=golang:1.2,target=/x true\n',
  ]) {
    const offset = text.lastIndexOf('1.2') + 3;
    const analysis = analyse(text);
    assert.deepEqual(
      registryCompletionNeed(analysis, offset),
      { kind: 'tags', key: 'docker.io/library/golang', registry: 'docker.io', path: 'library/golang' },
      text,
    );
    const list = computeCompletions(analysis, offset, null, facts);
    assert.ok(list, text);
    assert.equal(text.slice(list.start, list.end), '1.2', text);
    assert.deepEqual(list.items.map((i) => i.label).sort(), [...tags].sort(), text);
  }
  const digestText = 'FROM golang:1.22@\n';
  const digestList = computeCompletions(analyse(digestText), digestText.indexOf('@') + 1, null, facts);
  assert.deepEqual(
    digestList?.items.map((i) => [i.label, i.insertText]),
    [['sha256:aaaaaaaaaaaa…', 'sha256:' + 'a'.repeat(64)]],
  );
  // A stage name or scratch is no image: nothing to complete.
  assert.equal(computeCompletions(analyse('FROM scratch\n'), 10, null, facts), null);
});

/** A digest per repository and tag, so every pin of a fixture writes its own. */
function digestOf(key: string): string {
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

for (const name of NAMES) {
  test(`pinning every image of ${name}.Dockerfile changes only the image tokens`, () => {
    const text = fixture(name);
    const analysis = analyse(text);
    const facts = registryFacts({ manifests: Object.fromEntries(factQueries(analysis).map((q) => [q.key, found(digestOf(q.key))])) });
    const { pins, refused } = pinFileEdits(analysis, facts, DEFAULT_SETTINGS.pin);
    assert.deepEqual(refused, []);
    assert.equal(pins.length, new Set(imageSites(analysis).map((s) => s.span.start)).size);
    const edits = pins.map((p) => p.edit);
    const after = applyEdits(text, edits);
    assertOnlyEditedBytesChanged(text, after, edits);
    checkGolden(`dockerfile.${name}.pinned`, text, after);
  });
}

test('an image written across a continuation is not pinned in place: the pin is refused with why', () => {
  const text = 'FROM golang:1.22-\\\nalpine AS build\n';
  const analysis = analyse(text);
  const site = imageSites(analysis)[0];
  assert.equal(site.ref.input, 'golang:1.22-alpine');
  const facts = registryFacts({ manifests: { 'docker.io/library/golang:1.22-alpine': found(digestOf('x')) } });
  const { pins, refused } = pinFileEdits(analysis, facts, DEFAULT_SETTINGS.pin);
  assert.deepEqual(pins, []);
  assert.deepEqual(
    refused.map((r) => r.refusal.reason),
    ['the image is written across a line continuation or with escapes, so it cannot be replaced in place'],
  );
});

test('code actions on a Dockerfile: pin, update a stale pin, unpin, each editing only the image token', () => {
  const pinned = digestOf('old');
  const now = digestOf('new');
  const text = `FROM golang:1.22 AS build\nCOPY --from=nginx:1.27@${pinned} /etc/nginx /etc/nginx\n`;
  const analysis = analyse(text);
  const facts = registryFacts({
    manifests: {
      'docker.io/library/golang:1.22': found(digestOf('golang')),
      'docker.io/library/nginx:1.27': found(now),
      [`docker.io/library/nginx@${pinned}`]: found(pinned),
    },
  });
  assert.deepEqual(findings(analysis), ['not-pinned "golang:1.22"']);
  const diagnostics = collectDiagnostics(analysis, DEFAULT_SETTINGS, null, facts);
  assert.deepEqual(
    diagnostics.filter((d) => d.origin === 'registry').map((d) => `${d.code} ${text.slice(d.start, d.end)}`),
    [`stale-pin ${pinned}`],
  );
  const titles = (offset: number): [string, string][] =>
    computeCodeActions(analysis, offset, offset, DEFAULT_SETTINGS, null, facts).map((a) => [a.title, applyEdits(text, a.edits)]);
  const onGolang = titles(text.indexOf('golang'));
  assert.deepEqual(onGolang[0], [
    `Pin to digest: ${digestOf('golang').slice(0, 19)}… (the digest :1.22 points to now)`,
    text.replace('golang:1.22', `golang:1.22@${digestOf('golang')}`),
  ]);
  const onNginx = new Map(titles(text.indexOf(pinned)));
  assert.equal(onNginx.get(`Update pinned digest to ${now.slice(0, 19)}… (what :1.27 points to now)`), text.replace(pinned, now));
  assert.equal(onNginx.get('Unpin: use the tag :1.27 without a digest'), text.replace(`@${pinned}`, ''));
});

test('registry findings: a missing tag at its exact span; no pull-would-fail and no anonymous probe, since the builder pulls with your credentials', () => {
  const text = 'FROM ghcr.io/acme/base:9.9 AS base\nCOPY --from=ghcr.io/acme/tools:1 / /\n';
  const analysis = analyse(text);
  const facts = registryFacts({
    manifests: { 'ghcr.io/acme/base:9.9': MISSING, 'ghcr.io/acme/tools:1': found(digestOf('t')) },
    anonymous: { 'ghcr.io/acme/tools': false },
  });
  const online = collectDiagnostics(analysis, DEFAULT_SETTINGS, null, facts).filter((d) => d.origin === 'registry');
  assert.deepEqual(
    online.map((d) => `${d.code} ${text.slice(d.start, d.end)}`),
    ['tag-not-found 9.9'],
  );
  assert.deepEqual(anonymousPullQueries(analysis), []);
});

test('a Dockerfile over the size limit or with binary content is not parsed, and says so', () => {
  let read = 0;
  const reader = (text: string) => {
    read++;
    return readDockerfile(text);
  };
  const large = analyzeDockerfile('FROM alpine:3.20\n'.repeat(10), reader, { maxFileSize: 20, sizeLimitSetting: 'imageAware.maxFileSize' });
  assert.deepEqual(
    large.fileFindings.map((f) => f.message),
    ['The file is larger than 0.0000191 MB (imageAware.maxFileSize); the rest was not analysed.'],
  );
  const binary = analyzeDockerfile('FROM alpine\0', reader, { maxFileSize: 1000 });
  assert.equal(binary.fileFindings[0].code, 'not-analysed');
  assert.equal(read, 0);
});

/**
 * Reading Dockerfiles the way the Dockerfile parser does (FROM lines, stages, continuations,
 * comments, parser directives, heredocs), and finding the Dockerfile that builds an image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerfileFor, fromLines, stageNames } from '../../../server/src/engine';
import type { FromLine } from '../../../server/src/engine';

/** The FROM lines, each with the text its span covers, which must be the image as written. */
function froms(text: string): Array<Omit<FromLine, 'start' | 'end'>> {
  return fromLines(text).map(({ start, end, ...rest }) => {
    assert.equal(text.slice(start, end), rest.image, `span of ${rest.image}`);
    return rest;
  });
}

test('FROM with --platform and AS, any case; other instructions and comments are not FROM', () => {
  const text = [
    '# FROM commented:out',
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
    'RUN echo FROM not-this',
    'from   gcr.io/distroless/static:nonroot   as Final',
    'FROM build',
    'FROM',
    '',
  ].join('\n');
  assert.deepEqual(froms(text), [
    { line: 1, image: 'golang:1.22', stage: 'build', platform: '$BUILDPLATFORM' },
    { line: 3, image: 'gcr.io/distroless/static:nonroot', stage: 'Final', platform: null },
    { line: 4, image: 'build', stage: null, platform: null },
  ]);
  assert.deepEqual(stageNames(text), ['build', 'Final']);
});

test('continuations join lines, skipping comment and blank lines inside; offsets stay in the file', () => {
  const text = ['FROM \\', '  --platform=linux/arm64 \\', '  # a comment inside', '', '  alpine:3.20 \\', '  AS base', 'RUN true'].join('\r\n');
  assert.deepEqual(froms(text), [{ line: 0, image: 'alpine:3.20', stage: 'base', platform: 'linux/arm64' }]);
  const [from] = fromLines(text);
  assert.equal(from.start, text.indexOf('alpine'));
});

test('a leading escape directive makes ` the continuation character; a later one is only a comment', () => {
  const windows = ['# escape=`', '', 'FROM mcr.microsoft.com/windows/servercore:ltsc2022 `', '  AS win', 'COPY . C:\\app\\', 'FROM win'].join('\n');
  assert.deepEqual(froms(windows), [
    { line: 2, image: 'mcr.microsoft.com/windows/servercore:ltsc2022', stage: 'win', platform: null },
    { line: 5, image: 'win', stage: null, platform: null },
  ]);
  const late = ['# a comment first', '# escape=`', 'FROM alpine \\', '  AS base'].join('\n');
  assert.deepEqual(froms(late), [{ line: 2, image: 'alpine', stage: 'base', platform: null }]);
});

test('heredoc bodies of RUN, COPY and ADD are not instructions', () => {
  const text = [
    'FROM alpine AS base',
    'RUN <<EOF',
    'FROM not-an-instruction',
    'EOF',
    'COPY <<-"A" <<B /dst/',
    '\tFROM still-not',
    '\tA',
    'FROM nor-this',
    'B',
    'FROM base',
  ].join('\n');
  assert.deepEqual(
    froms(text).map((from) => from.image),
    ['alpine', 'base'],
  );
});

test('dockerfileFor: the mapping first, exact before wildcard, the longest wildcard first, any name of the repository', () => {
  const mapping = {
    '127.0.0.1:5000/team/*': 'docker/team.Dockerfile',
    '127.0.0.1:5000/team/web*': 'docker/web-any.Dockerfile',
    '127.0.0.1:5000/team/web': 'docker/web.Dockerfile',
    nginx: 'proxy/Dockerfile',
  };
  const files = ['web/Dockerfile'];
  assert.equal(dockerfileFor('127.0.0.1:5000/team/web', 'deploy.yaml', files, mapping), 'docker/web.Dockerfile');
  assert.equal(dockerfileFor('127.0.0.1:5000/team/web-admin', 'deploy.yaml', files, mapping), 'docker/web-any.Dockerfile');
  assert.equal(dockerfileFor('127.0.0.1:5000/team/api', 'deploy.yaml', files, mapping), 'docker/team.Dockerfile');
  assert.equal(dockerfileFor('docker.io/library/nginx', 'deploy.yaml', files, mapping), 'proxy/Dockerfile');
  assert.equal(dockerfileFor('nginx', 'deploy.yaml', files, { 'docker.io/library/nginx': 'proxy/Dockerfile' }), 'proxy/Dockerfile');
});

test('dockerfileFor: by convention, a Dockerfile or Containerfile in a folder named like the repository', () => {
  const files = ['web/Dockerfile', 'api/Containerfile', 'web/Dockerfile.dev', 'Dockerfile', 'docs/README.md'];
  assert.equal(dockerfileFor('ghcr.io/acme/web', 'deploy.yaml', files, {}), 'web/Dockerfile');
  assert.equal(dockerfileFor('ghcr.io/acme/api', 'deploy.yaml', files, {}), 'api/Containerfile');
  assert.equal(dockerfileFor('ghcr.io/acme/db', 'deploy.yaml', files, {}), null);
  // More of the repository path matching from the end wins; a Dockerfile wins over a Containerfile beside it.
  assert.equal(dockerfileFor('ghcr.io/acme/web', 'deploy.yaml', ['services/web/Dockerfile', 'acme/web/Dockerfile'], {}), 'acme/web/Dockerfile');
  assert.equal(dockerfileFor('ghcr.io/acme/web', 'deploy.yaml', ['web/Containerfile', 'web/Dockerfile'], {}), 'web/Dockerfile');
  // Two equally good candidates: no guess.
  assert.equal(dockerfileFor('ghcr.io/acme/web', 'deploy.yaml', ['a/web/Dockerfile', 'b/web/Dockerfile'], {}), null);
});

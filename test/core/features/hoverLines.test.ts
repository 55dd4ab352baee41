/**
 * Every hover over every fixture (manifests, Compose files, kustomizations, values files, Dockerfiles), offline, with
 * every image found as a two-platform index, and with every image missing: no non-empty line appears twice (table
 * delimiter rows aside), and the hover of an image that parses starts with its summary line, the canonical reference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { computeHover } from '../../../server/src/core/features/hover';
import { factQueries } from '../../../server/src/core/imageSites';
import { referenceOf } from '../../../server/src/core/facts';
import type { ManifestAnswer, RegistryFacts } from '../../../server/src/core/facts';
import type { Analysis } from '../../../server/src/core/analysis';
import { analyzeFile } from '../../../server/src/engine/analyzeFile';
import { foundIndex, MISSING, registryFacts } from '../../helpers/facts';
import { DIGEST, OTHER_DIGEST } from '../../helpers/manifests';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');
const ARM = `sha256:${'a'.repeat(64)}`;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'edits' ? [] : files(path);
    return /\.(ya?ml|Dockerfile)$/.test(name) ? [path] : [];
  });
}

const FOUND = foundIndex(
  OTHER_DIGEST,
  [
    { os: 'linux', architecture: 'amd64', digest: DIGEST, size: 1, totalSize: 1_000_000, created: '2024-05-01T12:00:00Z' },
    { os: 'linux', architecture: 'arm64', digest: ARM, size: 1, totalSize: 1_000_000, created: '2024-05-01T12:00:00Z' },
  ],
  { labels: { 'org.opencontainers.image.title': 'web', 'org.opencontainers.image.version': '1.0.0' } },
);

function factsAnswering(analysis: Analysis, answer: ManifestAnswer): RegistryFacts {
  return registryFacts({ manifests: Object.fromEntries(factQueries(analysis).map((query) => [query.key, answer])) });
}

/** Offsets inside every image value, pull policy value and kustomize entry of the analysis; for an image that parses, its canonical reference. */
function hoverOffsets(analysis: Analysis): Array<{ offset: number; canonical: string | null }> {
  return analysis.documents.flatMap((doc) => {
    const at = (span: { start: number } | null | undefined, canonical: string | null = null) =>
      span ? [{ offset: doc.start + span.start + 1, canonical }] : [];
    return [
      ...doc.analysis.fields.containers.flatMap((c) => [
        ...at(c.image?.value ?? c.image?.key, referenceOf(c.image?.value?.value)?.canonical ?? null),
        ...at(c.pullPolicy?.value),
      ]),
      ...doc.analysis.fields.kustomizeImages.flatMap((e) => [...at(e.name?.value), ...at(e.newTag?.value)]),
      ...(doc.analysis.fields.values?.images ?? []).flatMap((image) => at(image.key, image.rendered.ref?.canonical ?? null)),
    ];
  });
}

const DELIMITER_ROW = /^\|(\s*:?-+:?\s*\|)+$/;

test('no hover over the fixtures repeats a line, and an image hover starts with its summary line', () => {
  let hovers = 0;
  for (const path of files(FIXTURES)) {
    const text = readFileSync(path, 'utf8');
    const name = relative(FIXTURES, path);
    const analysis = analyzeFile(text, { fileName: name, maxFileSize: 64 * 1024 * 1024 });
    for (const facts of [null, factsAnswering(analysis, FOUND), factsAnswering(analysis, MISSING)]) {
      for (const { offset, canonical } of hoverOffsets(analysis)) {
        const hover = computeHover(analysis, offset, facts);
        if (!hover) continue;
        hovers++;
        const lines = hover.markdown.split('\n').filter((line) => line !== '' && !DELIMITER_ROW.test(line));
        const repeated = lines.filter((line, i) => lines.indexOf(line) !== i);
        assert.deepEqual(repeated, [], `${name} at ${offset}:\n${hover.markdown}`);
        if (canonical !== null) assert.ok(hover.markdown.startsWith(`\`${canonical}\` · `), `${name} at ${offset} starts with the summary:\n${hover.markdown}`);
      }
    }
  }
  assert.ok(hovers > 900, `${hovers} hovers checked`);
});

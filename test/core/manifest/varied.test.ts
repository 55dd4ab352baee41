/**
 * The differential check (differential.ts) on the benchmark's varied manifests (bench/varied.ts):
 * every family of documents real projects write (CRDs with wrapped descriptions, `kubectl get -o
 * yaml` output, escaped JSON in strings, anchors, JSON manifests), with LF and CRLF line endings,
 * and seeded mutations of them. Where the fast path answers, its tree and its analysis must be
 * yaml's; and it must answer for every family.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitDocuments } from '../../../server/src/core/manifest/documents';
import { FAMILIES, generateVaried } from '../../../bench/varied';
import type { Family } from '../../../bench/varied';
import { compareParsers, mutate, prng } from './differential';

for (const crlf of [false, true]) {
  test(`varied manifests${crlf ? ' with CRLF' : ''}: the fast tree, where there is one, is yaml's`, (t) => {
    const byFamily = new Map<Family, { all: number; fast: number }>();
    for (const seed of [1, 2, 3]) {
      const { text, documents } = generateVaried(400_000, seed, { crlf });
      const regions = splitDocuments(text);
      assert.equal(regions.length, documents.length, 'the generator and the splitter see the same documents');
      regions.forEach((region, i) => {
        const tally = byFamily.get(documents[i].family) ?? { all: 0, fast: 0 };
        tally.all++;
        if (compareParsers(text, region.start, region.end)) tally.fast++;
        byFamily.set(documents[i].family, tally);
      });
    }
    t.diagnostic([...byFamily].map(([family, { all, fast }]) => `${family}: ${fast} of ${all} fast`).join(', '));
    for (const family of FAMILIES) {
      const tally = byFamily.get(family);
      assert.ok(tally && tally.fast === tally.all, `the fast path declined ${family} documents: ${JSON.stringify(tally)}`);
    }
  });
}

const MUTATION_CHARS = ' :-#\'"\\[]{}&*!|>\t\nab';
const MUTATIONS = 1500;

test(`fuzz: ${MUTATIONS} seeded mutations of varied documents`, (t) => {
  const { text } = generateVaried(300_000, 7);
  // Mutations of small documents, and of the first 3 KB of large ones (where the constructs are the same).
  const documents = splitDocuments(text).map((r) => text.slice(r.start, Math.min(r.end, r.start + 3000)));
  const random = prng(20261207);
  let compared = 0;
  for (let i = 0; i < MUTATIONS; i++) {
    const doc = mutate(documents[Math.floor(random() * documents.length)], random, MUTATION_CHARS);
    if (compareParsers(doc, 0, doc.length)) compared++;
  }
  t.diagnostic(`fast-path trees compared with yaml: ${compared} of ${MUTATIONS} mutations`);
  assert.ok(compared > MUTATIONS / 3, `only ${compared} mutations took the fast path`);
});

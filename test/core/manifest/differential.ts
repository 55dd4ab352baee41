/**
 * The differential check of the two YAML builders (fastParse.ts, slowParse.ts), shared by
 * parsers.test.ts and varied.test.ts: wherever the line scanner returns a tree, it must equal the
 * `yaml` package's tree, claim no problem that yaml reports, leave undecoded only values of keys the
 * analysis never reads, and give the same analysis (image fields and findings) as yaml's tree.
 */
import assert from 'node:assert/strict';
import { documentFindings } from '../../../server/src/core/diagnostics/documentFindings';
import { BUILT_IN_LOCATIONS } from '../../../server/src/core/manifest/builtInLocations';
import { fastParse } from '../../../server/src/core/manifest/fastParse';
import { locateImageFields } from '../../../server/src/core/manifest/imageFields';
import { slowParse } from '../../../server/src/core/manifest/slowParse';
import { MAX_DEPTH } from '../../../server/src/core/manifest/yamlTree';
import type { YamlDocument, YamlNode } from '../../../server/src/core/manifest/yamlTree';

const DECODED_KEYS = BUILT_IN_LOCATIONS.decodedKeys;

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** Where the fast tree has scalars it did not decode; each must belong to a key the analysis never reads. */
function undecodedStarts(node: YamlNode | null, key: string, found: Set<number>): Set<number> {
  if (node?.type === 'scalar' && node.undecoded) {
    assert.ok(!DECODED_KEYS.has(key), `the fast path left the value of "${key}" undecoded, a key the analysis reads`);
    found.add(node.start);
  } else if (node?.type === 'map') for (const p of node.pairs) undecodedStarts(p.value, p.key.value, found);
  else if (node?.type === 'seq') for (const item of node.items) undecodedStarts(item, key, found);
  return found;
}

/**
 * The tree as plain data, with what the two builders may legitimately disagree on left out: the
 * values of the scalars starting at `undecoded` (for block scalars, their end too).
 */
function normalize(node: YamlNode | null, undecoded: ReadonlySet<number>): Plain {
  if (node === null) return null;
  switch (node.type) {
    case 'scalar':
      if (!undecoded.has(node.start)) return { value: node.value, style: node.style, start: node.start, end: node.end };
      return node.style === 'block' ? { block: node.start } : { undecoded: node.style, start: node.start, end: node.end };
    case 'map':
      return {
        map: node.flow ? 'flow' : 'block',
        start: node.start,
        end: node.end,
        pairs: node.pairs.map((p) => [normalize(p.key, undecoded), normalize(p.value, undecoded)]),
      };
    case 'seq':
      return { seq: node.flow ? 'flow' : 'block', start: node.start, end: node.end, items: node.items.map((item) => normalize(item, undecoded)) };
  }
}

/** The image fields and findings analysis.ts makes of a parsed document, as a manifest and as a kustomization. */
function analysed(parsed: YamlDocument, source: string): unknown[] {
  return [false, true].map((kustomizationFile) => {
    const fields = locateImageFields(parsed.root, { kustomizationFile, maxContainers: 5000, locations: BUILT_IN_LOCATIONS });
    return [fields, documentFindings(fields, source, parsed.problems)];
  });
}

/**
 * Compares the two builders on text[start, end). Returns whether the fast path produced a tree;
 * throws (with the input, for reproduction) when that tree, or what the analysis finds in it, differs.
 */
export function compareParsers(text: string, start: number, end: number): boolean {
  const fast = fastParse(text, start, end);
  if (fast === null) return false;
  const slow = slowParse(text, start, end);
  const input = JSON.stringify(text.slice(start, end));
  const undecoded = undecodedStarts(fast.root, '', new Set());
  assert.deepEqual(normalize(fast.root, undecoded), normalize(slow.root, undecoded), `fast and slow trees differ for ${input}`);
  assert.deepEqual(
    slow.problems.map((p) => p.message.split('\n')[0]),
    [],
    `fast accepted a document yaml reports problems in: ${input}`,
  );
  assert.equal(slow.tooDeepAt, null, `fast accepted a document nesting deeper than ${MAX_DEPTH} levels: ${input}`);
  assert.deepEqual([fast.start, fast.end, fast.problems, fast.tooDeepAt], [start, end, [], null]);
  const source = text.slice(start, end);
  const [fastAlone, slowAlone] = [fastParse(source, 0, source.length)!, slowParse(source, 0, source.length)];
  assert.deepEqual(analysed(fastAlone, source), analysed(slowAlone, source), `the analysis of the fast and slow trees differs for ${input}`);
  return true;
}

/** mulberry32: small, fast and the same everywhere, so a failing seed reproduces. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inserts or deletes one to three random characters of `alphabet` in doc. */
export function mutate(doc: string, random: () => number, alphabet: string): string {
  const pick = (n: number): number => Math.floor(random() * n);
  for (let edits = 1 + pick(3); edits > 0; edits--) {
    const at = pick(doc.length + 1);
    if (doc.length > 0 && random() < 0.3) doc = doc.slice(0, at) + doc.slice(at + 1);
    else doc = doc.slice(0, at) + alphabet[pick(alphabet.length)] + doc.slice(at);
  }
  return doc;
}

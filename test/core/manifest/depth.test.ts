/**
 * Nesting depth: neither builder returns a tree deeper than MAX_DEPTH collections, whatever the text
 * (flow or block collections, complex keys, `[key: value]` pairs, aliases, merge keys), and the
 * `yaml` package never runs out of stack on the way. The fast path declines past the limit; the
 * slow path leaves the too-deep collection out and says where it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastParse } from '../../../server/src/core/manifest/fastParse';
import { slowParse } from '../../../server/src/core/manifest/slowParse';
import { MAX_DEPTH } from '../../../server/src/core/manifest/yamlTree';
import type { YamlDocument, YamlNode } from '../../../server/src/core/manifest/yamlTree';

/** Levels of collections in the tree (the root collection is level 1), counting shared nodes once. */
function treeDepth(root: YamlNode | null): number {
  const heights = new Map<YamlNode, number>();
  const children = (node: YamlNode): (YamlNode | null)[] => (node.type === 'map' ? node.pairs.map((p) => p.value) : node.type === 'seq' ? [...node.items] : []);
  const pending: { node: YamlNode; expanded: boolean }[] = root ? [{ node: root, expanded: false }] : [];
  while (pending.length > 0) {
    const top = pending[pending.length - 1];
    if (heights.has(top.node)) {
      pending.pop();
    } else if (!top.expanded) {
      top.expanded = true;
      for (const child of children(top.node)) if (child && !heights.has(child)) pending.push({ node: child, expanded: false });
    } else {
      pending.pop();
      const below = Math.max(0, ...children(top.node).map((child) => (child ? heights.get(child)! : 0)));
      heights.set(top.node, top.node.type === 'scalar' ? 0 : below + 1);
    }
  }
  return root ? heights.get(root)! : 0;
}

/** What slowParse made of text, with what matters here. */
function slow(text: string): { depth: number; tooDeepAt: number | null; problems: string[]; document: YamlDocument } {
  const document = slowParse(text, 0, text.length);
  return { depth: treeDepth(document.root), tooDeepAt: document.tooDeepAt, problems: document.problems.map((p) => p.message.split('\n')[0]), document };
}

interface Shape {
  readonly name: string;
  /** A document nesting exactly `levels` collections deep. */
  readonly make: (levels: number) => string;
  /** Where the collection of level MAX_DEPTH + 1 starts in make(levels). */
  readonly cutAt: (text: string) => number;
  /** Whether the fast path takes the document when it is not too deep. */
  readonly fast: boolean;
  /** The nesting is all in keys, which the tree leaves out (it keeps scalar keys only). */
  readonly inKeys?: true;
}

const SHAPES: readonly Shape[] = [
  { name: 'flow sequences', make: (n) => `a: ${'['.repeat(n - 1)}${']'.repeat(n - 1)}\n`, cutAt: () => 3 + MAX_DEPTH - 1, fast: true },
  { name: 'flow maps', make: (n) => `a: ${'{a: '.repeat(n - 1)}1${'}'.repeat(n - 1)}\n`, cutAt: () => 3 + 4 * (MAX_DEPTH - 1), fast: true },
  { name: 'compact block sequences', make: (n) => `${'- '.repeat(n)}x\n`, cutAt: () => 2 * MAX_DEPTH, fast: true },
  {
    name: 'indented block maps',
    make: (n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i + 1}:${i === n - 1 ? ' v' : ''}\n`).join(''),
    cutAt: (text) => text.indexOf(`k${MAX_DEPTH + 1}:`),
    fast: true,
  },
  {
    name: 'block sequences holding flow maps',
    make: (n) => `${'- '.repeat(10)}${'{a: '.repeat(n - 10)}1${'}'.repeat(n - 10)}\n`,
    cutAt: () => 20 + 4 * (MAX_DEPTH - 10),
    fast: true,
  },
  { name: 'explicit keys', make: (n) => `${'? '.repeat(n)}x\n`, cutAt: () => 2 * MAX_DEPTH, fast: false, inKeys: true },
  { name: 'flow sequences as keys', make: (n) => `${'['.repeat(n - 1)}${']'.repeat(n - 1)}: x\n`, cutAt: () => MAX_DEPTH - 1, fast: false, inKeys: true },
  // yaml makes each `[a: …]` a sequence holding a map, two levels per bracket; the map starts at its key.
  {
    name: '[key: value] pairs',
    make: (n) => `a: ${'[a: '.repeat((n - 1) / 2)}1${']'.repeat((n - 1) / 2)}\n`,
    cutAt: () => 3 + 4 * (MAX_DEPTH / 2 - 1) + 1,
    fast: false,
  },
  { name: 'an anchored flow sequence', make: (n) => `a: &x ${'['.repeat(n - 1)}${']'.repeat(n - 1)}\nb: *x\n`, cutAt: () => 6 + MAX_DEPTH - 1, fast: true },
];

test(`every shape nesting ${MAX_DEPTH} levels is kept whole, and one level more is cut at that level`, async (t) => {
  for (const shape of SHAPES) {
    await t.test(shape.name, () => {
      // The `[key: value]` shape grows two levels at a time.
      const fits = shape.name === '[key: value] pairs' ? MAX_DEPTH - 1 : MAX_DEPTH;
      const whole = shape.make(fits);
      assert.equal(fastParse(whole, 0, whole.length) !== null, shape.fast, 'the fast path at the limit');
      const kept = slow(whole);
      assert.deepEqual([kept.depth, kept.tooDeepAt, kept.problems], [shape.inKeys ? 1 : fits, null, []]);

      const deeper = shape.make(fits + 2);
      assert.equal(fastParse(deeper, 0, deeper.length), null, 'the fast path declines past the limit');
      const cut = slow(deeper);
      assert.deepEqual([cut.depth, cut.tooDeepAt, cut.problems], [shape.inKeys ? 1 : MAX_DEPTH, shape.cutAt(deeper), []]);
    });
  }
});

test('5,000 levels of every shape: yaml never runs out of stack, and the tree stops at the limit', async (t) => {
  for (const shape of SHAPES) {
    await t.test(shape.name, () => {
      const text = shape.make(shape.name === '[key: value] pairs' ? 5001 : 5000);
      assert.equal(fastParse(text, 0, text.length), null);
      const began = performance.now();
      const cut = slow(text);
      const elapsed = performance.now() - began;
      // yaml reports "Maximum call stack size exceeded" when its composer runs out of stack.
      assert.deepEqual(
        cut.problems.filter((p) => /stack/i.test(p)),
        [],
      );
      assert.deepEqual([cut.depth, cut.tooDeepAt], [shape.inKeys ? 1 : MAX_DEPTH, shape.cutAt(text)]);
      assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
    });
  }
});

test('aliases: a chain of shallow anchors that nests deep is cut at the alias that passes the limit', () => {
  let text = 'a0: &a0 [x]\n';
  for (let i = 1; i < 2000; i++) text += `a${i}: &a${i} [*a${i - 1}]\n`;
  assert.equal(fastParse(text, 0, text.length), null);
  const cut = slow(text);
  // a{i}'s sequence is level 2, and the chain of a{i-1} below it reaches level i + 2.
  assert.deepEqual([cut.depth, cut.tooDeepAt, cut.problems], [MAX_DEPTH, text.indexOf(`*a${MAX_DEPTH - 2}]`), []]);
});

test('merge keys: maps that each merge and hold the one before stay within the limit, shared, in linear time', () => {
  // Each map holds the previous one twice (merged and as a value), so an expanded tree would have 2^n paths.
  let text = 'm0: &m0 {image: "nginx:1"}\n';
  for (let i = 1; i < 2000; i++) text += `m${i}: &m${i} {<<: *m${i - 1}, k: *m${i - 1}}\n`;
  const began = performance.now();
  const cut = slow(text);
  const elapsed = performance.now() - began;
  assert.deepEqual([cut.depth, cut.problems], [MAX_DEPTH, []]);
  assert.ok(cut.tooDeepAt !== null && text.slice(cut.tooDeepAt).startsWith('*m'), `cut at ${cut.tooDeepAt}`);
  assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
});

test('the cut spot is the earliest one in the document, and the rest of the document is kept', () => {
  const deep = `${'['.repeat(MAX_DEPTH + 10)}${']'.repeat(MAX_DEPTH + 10)}`;
  const text = `first: ${deep}\nmiddle: {a: 1}\nsecond: ${deep}\nlast: &x [*x]\n`;
  const cut = slow(text);
  assert.equal(cut.tooDeepAt, 'first: '.length + MAX_DEPTH - 1);
  const root = cut.document.root;
  assert.ok(root?.type === 'map');
  assert.deepEqual(
    root.pairs.map((p) => p.key.value),
    ['first', 'middle', 'second', 'last'],
  );
  assert.equal(cut.depth, MAX_DEPTH);
});

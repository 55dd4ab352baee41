/**
 * Differential tests of the two YAML builders (fastParse.ts, slowParse.ts), as differential.ts
 * compares them: wherever the line scanner returns a tree, it must equal the `yaml` package's tree
 * (but for the values it leaves undecoded), claim no problem that yaml reports, and give the same
 * analysis. Run over every fixture in test/fixtures/manifests/, over small hand-written snippets,
 * over about 2000 seeded random mutations of the fixture documents (which also must not make
 * analyze() throw), over generated block-style documents (with scalars over several lines, escapes
 * and anchors), where the scanner accepts far more, and over generated documents nesting around
 * MAX_DEPTH levels and far past it. varied.test.ts does the same on the benchmark's varied manifests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../../../server/src/core/analysis';
import { splitDocuments } from '../../../server/src/core/manifest/documents';
import { fastParse } from '../../../server/src/core/manifest/fastParse';
import { slowParse } from '../../../server/src/core/manifest/slowParse';
import { MAX_DEPTH } from '../../../server/src/core/manifest/yamlTree';
import { compareParsers, mutate, prng } from './differential';

/** This file compiles to out/test/core/manifest/, so the repository root is four levels up. */
const FIXTURES = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'manifests');

function fixtureNames(): string[] {
  const names = [...readdirSync(FIXTURES), ...readdirSync(join(FIXTURES, 'crds')).map((n) => `crds/${n}`)].filter((n) => /\.ya?ml$/.test(n)).sort();
  assert.ok(names.length >= 15, `expected the manifest fixtures in ${FIXTURES}`);
  return names;
}

function readFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/**
 * Which parser each document of each fixture takes: `f` fast, `s` slow. The differential alone would
 * pass if the scanner declined everything, so this keeps the fast path honest about what it covers.
 */
const EXPECTED_PATHS: Record<string, string> = {
  'anchors.yaml': 'ss', // anchors, aliases, merge keys
  'block-scalars.yaml': 'ff',
  'crd.yaml': 'ff',
  'crlf.yaml': 'ff',
  'deployment-web.yaml': 'f',
  'docker-compose.yaml': 'f',
  'flow-style.yaml': 'fsf', // `]` at the key's column
  'github-actions.yaml': 'f',
  'helm-rendered.yaml': 'fff',
  'kustomization.yaml': 'f',
  'list.yaml': 'ff',
  'multi-document.yaml': 'sffff', // %YAML directive
  'odd-indentation.yaml': 'ff',
  'quoting.yaml': 'f', // escapes in double quotes, where the analysis does not read them
  'syntax-errors.yaml': 'fsssf',
  'unicode.yaml': 'f',
  'workloads-all.yaml': 'ffffffff',
  'crds/argo-rollouts.yaml': 'fffff',
  'crds/argo-workflows.yaml': 'ffff',
  'crds/batch-schedulers.yaml': 'fff',
  'crds/crossplane.yaml': 'fff',
  'crds/keda.yaml': 'f',
  'crds/knative.yaml': 'ffff',
  'crds/kubeflow.yaml': 'ffff',
  'crds/kuberay.yaml': 'ff',
  'crds/kubernetes-image-volumes.yaml': 'ff',
  'crds/kubevirt.yaml': 'ffff',
  'crds/numaflow.yaml': 'ff',
  'crds/openkruise.yaml': 'fffffffff',
  'crds/openshift.yaml': 'ff',
  'crds/prometheus-operator.yaml': 'fff',
  'crds/spark.yaml': 'f',
  'crds/tekton.yaml': 'ffffff',
};

test('every fixture document: the fast tree, when there is one, equals the slow tree', async (t) => {
  let compared = 0;
  for (const name of fixtureNames()) {
    await t.test(name, () => {
      const text = readFixture(name);
      let paths = '';
      for (const region of splitDocuments(text)) {
        const fast = compareParsers(text, region.start, region.end);
        if (fast) compared++;
        paths += fast ? 'f' : 's';
      }
      assert.equal(paths, EXPECTED_PATHS[name], `parser per document of ${name} (add new fixtures to EXPECTED_PATHS)`);
    });
  }
  t.diagnostic(`fixture documents compared: ${compared}`);
  assert.ok(compared >= 30, `only ${compared} fixture documents took the fast path`);
});

test('a document in the middle of the file: spans are absolute, not relative to the region', () => {
  const text = 'a: 1\n---\nkind: Pod\nspec: {containers: [{image: "x:1"}]}\n---\nz: 2\n';
  const [, middle] = splitDocuments(text);
  assert.ok(compareParsers(text, middle.start, middle.end));
  const root = fastParse(text, middle.start, middle.end)?.root;
  assert.equal(root?.type === 'map' ? text.slice(root.start, root.end) : null, 'kind: Pod\nspec: {containers: [{image: "x:1"}]}');
});

/** Snippets the scanner must get exactly right (`fast`) or must decline (`slow`). */
const SNIPPETS: ReadonlyArray<readonly [string, 'fast' | 'slow']> = [
  // Keys and plain scalars.
  ['a: b:c\n', 'fast'],
  ['a:b: c\n', 'fast'],
  ['a b: c d  \n', 'fast'],
  ['a : b\n', 'fast'],
  ['url: http://x:80/y#frag\n', 'fast'],
  ['a: b #c\n#d\ne: f\n', 'fast'],
  ['a: ~\nb: null\nc: 0o17\nd: .inf\ne: "1"\n', 'fast'],
  ["'a' : b\n\"c\"  :  'd''e'\n", 'fast'],
  ['a: b: c\n', 'slow'],
  ['a: "b" c\n', 'slow'],
  ['a: b\n c\n', 'fast'], // a multi-line plain scalar, not decoded
  ['a: "x\\ty"\n', 'fast'], // an escape, not decoded
  ['a: !t b\n', 'slow'],
  ['? a\n: b\n', 'slow'],
  ['a: &x b\nc: *x\n', 'fast'],
  ['a: `x`\n', 'slow'],
  ['a:\n  <<: {}\n', 'slow'], // a merge key
  ['a: {<<: {b: c}}\n', 'slow'],
  ['a:\n  "<<": {}\n', 'fast'], // quoted, it is an ordinary key
  ['a: -\n', 'slow'],
  ['a:\t-\n', 'slow'],
  // Empty values and where collections end.
  ['a:\n  b:\nc: 1\n', 'fast'],
  ['a:\n- x\n-\nb: 1\n', 'fast'],
  ['a:\n- x\n- # c\nb: 1\n', 'fast'],
  ['a:\n-   \t# c\n', 'fast'],
  ['- a:\n- b:\n', 'fast'],
  ['a:\n  b:\n\n\nc: 1\n', 'fast'],
  // Sequences.
  ['- - - a\n', 'fast'],
  ['-   - a\n    - b\n', 'fast'],
  ['a:\n- b\n- c\n', 'fast'],
  ['-\n  a: b\n', 'fast'],
  ['a:\n  -\n   b\n', 'fast'],
  ['- a: b\n  - c\n', 'slow'],
  ['- a\n -b\n', 'fast'], // the plain scalar "a -b"
  // Flow collections.
  ['a: [a: b]\n', 'slow'], // a single-pair map inside a flow sequence
  ['a: {a, b}\n', 'slow'], // flow keys without values
  ['a: {a: b,}\n', 'fast'],
  ['a: [a b, c d]\n', 'fast'],
  ['a: {"a":b}\n', 'fast'],
  ['a: [a, [b, [c]]]\n', 'fast'],
  ['a: [\n  b,\n  c\n  ]\n', 'fast'],
  ['a: [b, # c\n  d]\n', 'fast'],
  ['a: [x:y:z, http://x]\n', 'fast'],
  ['a: {-: b}\n', 'fast'],
  ['a: [-]\n', 'slow'],
  ['a: [a, -]\n', 'slow'],
  ['a: {a: -}\n', 'slow'],
  ['a: [b] x\n', 'slow'],
  ['a: [x, y]]\n', 'slow'],
  ['a: [x, y\n', 'slow'],
  ['a: [,]\n', 'slow'],
  // Block scalars.
  ['a: |\n  x\n', 'fast'],
  ['a:\n  b: |\n    x\nc: 1\n', 'fast'],
  ['a: |\n  x  \n\n  # c\n\n# d\nb: |+\n  y\n\n\nc: 1', 'fast'],
  ['- |\n  x\n- >\n  y\n\n', 'fast'],
  ['a: | # c\nb: 1\nc: >-\n\n\nd: 2', 'fast'],
  ['k:\r\n  a: |\r\n    x\r\n\r\n  b: 1\r\n', 'fast'],
  ['a: |\n    x\n  # less indented comment ends it\nb: 1\n', 'fast'],
  ['a: |\n    x\n  y\n', 'slow'], // less indented than the first line
  ['a: |\n      \n  x\n', 'slow'], // a leading blank line deeper than the content
  // Explicit indentation indicators: the content column is the mapping's plus the indicator.
  ['a: |2\n   x\n', 'fast'],
  ['a:\n  b: >-1\n     x\n\n   y\nc: 1\n', 'fast'],
  ['- a: |2+\n      \n     x\n', 'fast'],
  ['a: |2\n x\n', 'slow'], // left of the indicated column
  ['a: |0\n x\n', 'slow'],
  ['a: |2-2\n  x\n', 'slow'],
  ['- |2\n   x\n', 'slow'], // in a sequence item
  ['image: |\n  nginx\n', 'slow'], // a value the analysis reads
  ['volumes:\n- image:\n    reference: >-\n      nginx\n', 'slow'], // an image volume's reference, from the location table
  ['spec:\n  package: |\n    xpkg.example.com/p:v1\n', 'slow'], // a Crossplane package
  // Scalars the analysis does not read are skipped by their span, not decoded; the ones it reads are declined.
  ['a: "x\n  y"\n', 'fast'],
  ["a: 'x\n\n  y'   # c\nb: 1\n", 'fast'],
  ['a:\n  b: "x\n  y"\n', 'slow'], // the continuation is not deeper than b: an error to yaml
  ['a: "x\\qy"\n', 'slow'], // an invalid escape
  ['a: "\\x4g"\n', 'slow'],
  ['a: "\\U00110000"\n', 'slow'], // past the last code point
  ['a: "x\\\n  y\\"z"\n', 'fast'], // an escaped line break, an escaped quote
  ['a: "x" y\n  z\n', 'slow'],
  ['a: foo\n  bar\n  # c\nb: 1\n', 'fast'],
  ['a: foo\n\n    - bar  \n  baz # c\nb: 1\n', 'fast'],
  ['a: foo # c\n  bar\n', 'slow'],
  ['a: foo\n  # c\n  bar\n', 'slow'],
  ['a: foo\n  bar: 1\n', 'slow'],
  ['a: foo\n  \tbar\n', 'slow'],
  ['a: foo\n\t\nb: 1\n', 'fast'],
  ['- a: foo\n   bar\n  b: 1\n', 'fast'],
  ['a:\n  foo\n bar\n', 'fast'],
  ['image: nginx\n  :1.25\n', 'slow'], // a value the analysis reads
  ['image: "nginx\\t"\n', 'fast'], // on one line, escapes are decoded
  ['image: "nginx\\\n  :1"\n', 'slow'], // over two lines, a value the analysis reads is declined
  ['a: ["\\x41\\u00e9\\U0001F600\\"\\\\\\/\\ \\_", "\\\t"]\n', 'fast'],
  ['a: ["\\q"]\n', 'slow'],
  ['a: ["x\\\n  y"]\n', 'slow'],
  // A JSON manifest: a flow collection at the root, its lines at any indentation.
  ['{\n"kind": "Pod",\n  "spec": {"containers": [\n{"image": "a\\u0062"}]}\n}\n', 'fast'],
  ['[1,\n2]\n# c\n', 'fast'],
  ['{"a": 1}\nb: 2\n', 'slow'],
  ['{"a": 1} x\n', 'slow'],
  ['name: |\n  x\n', 'slow'],
  ['imagePullSecrets:\n- "a\\x62\\\n  c"\n', 'slow'], // the items of a sequence belong to its key
  ['args:\n- "a\\x62"\n- x\n  y\n', 'fast'],
  // Anchors are dropped (without aliases they change nothing).
  ['a: &x b\nc: d\n', 'fast'],
  ['a: &x\n  b: 1\nc: &y [1]\nd: &z "q"\n', 'fast'],
  ['- &x a\n- &y\n', 'slow'],
  ['a: &x &y b\n', 'slow'],
  ['a: &x b: c\n', 'slow'],
  ['&x a: b\n', 'slow'],
  // `?`, `:` and `-` before a non-blank start plain scalars.
  ['a: ?*\nb: :x\nc: -1\nd:\n- ?x\n', 'fast'],
  ['a: ? x\n', 'slow'],
  ['a: :\n', 'slow'],
  // Aliases are the anchored node, shared; `<<: *alias` merges a mapping's pairs ahead of the map's own.
  ['a: &x\n  b: 1\nc: *x # c\nd:\n- *x\n- &y [1]\ne: *y\n', 'fast'],
  ['a: &x\n  b: 1\n  c: 2\nd:\n  c: 3\n  <<: *x\n  e: 4\n', 'fast'],
  ['a: &x {b: 1}\nc: &y\n  <<: *x\n  d: 2\ne:\n  <<: *y\n  <<: *x\n', 'fast'],
  ['a: &x b\na: &x c\nd: *x\n', 'fast'], // the later anchor of a name wins
  ['a: *x\n', 'slow'], // an undefined anchor
  ['a: &x\n  b: *x\n', 'slow'], // an alias to its own ancestor
  ['a: &x\nb: *x\n', 'slow'], // an anchor on an empty node
  ['a: &x b\nc: *x d\n', 'slow'],
  ['a: &x b\nc: &y *x\n', 'slow'],
  ['a: &x b\n*x : c\n', 'slow'],
  ['a: &x b\nc:\n  <<: *x\n', 'slow'], // merging a scalar
  ['a: &x [b]\nc:\n  <<: [*x]\n', 'slow'],
  ['a: &x\n  b: 1\nc:\n  <<:\n    d: 1\n', 'slow'],
  ['a: &x{ b\n', 'slow'],
  // Document markers, directives, tabs, line breaks.
  ['--- # c\na: 1\n...\n# after\n', 'fast'],
  ['a: 1\n...\nb: 2\n', 'slow'],
  ['%YAML 1.2\n---\na: 1\n', 'slow'],
  ['%YAML 1#.2\n---\na: 1\n', 'slow'],
  ['a: 1\n\t\nb: 2\n', 'fast'],
  ['a:\n  b: 1\n\t\n', 'fast'],
  ['a:\n  b: 1\n  # x\n\t', 'slow'], // yaml calls a last tab line after a comment indentation
  ['a:\n\t\nb: 1\n', 'slow'],
  ['---\n\t', 'slow'],
  ['a:\n\tb: 1\n', 'slow'],
  ['a: 1\rb: 2\n', 'slow'], // a lone CR is a line break
  ['metadata:\ra\n  name: x\n', 'slow'],
  ['a: 😀\n𝔘: "日本"\n', 'fast'],
];

test('quoted scalars are decoded in time linear in the document, not in the text after each', () => {
  // 200,000 double-quoted items and no backslash anywhere: a search for the next escape must stop at each closing quote.
  const text = 'items:\n' + '- "a b c"\n'.repeat(200_000);
  const began = performance.now();
  const root = fastParse(text, 0, text.length)?.root;
  const elapsed = performance.now() - began;
  assert.ok(root?.type === 'map' && root.pairs[0].value?.type === 'seq' && root.pairs[0].value.items.length === 200_000);
  assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
});

test('the documents of a large file are read in time linear in the file, not in the text after each', () => {
  // 200,000 documents and no CR anywhere: the search for a lone CR must stop at each document's end.
  const text = '---\na: 1\n'.repeat(200_000);
  const regions = splitDocuments(text);
  const began = performance.now();
  const read = regions.filter((r) => fastParse(text, r.start, r.end) !== null).length;
  const elapsed = performance.now() - began;
  assert.equal(read, 200_000);
  assert.ok(elapsed < 3000, `took ${elapsed.toFixed(0)} ms`);
});

test('snippets: accepted ones equal yaml, declined ones are declined', async (t) => {
  for (const [snippet, expected] of SNIPPETS) {
    await t.test(JSON.stringify(snippet), () => {
      assert.equal(compareParsers(snippet, 0, snippet.length) ? 'fast' : 'slow', expected);
    });
  }
});

const MUTATION_CHARS = ' :-?#\'"[]{}&*!|>\t\nab';
const MUTATIONS = 2000;
const SEED = 20261125;

test(`fuzz: ${MUTATIONS} seeded mutations of fixture documents`, (t) => {
  const documents: string[] = [];
  for (const name of fixtureNames()) {
    const text = readFixture(name);
    for (const region of splitDocuments(text)) documents.push(text.slice(region.start, region.end));
  }
  const random = prng(SEED);
  const pick = (n: number): number => Math.floor(random() * n);
  const began = Date.now();
  let compared = 0;
  for (let i = 0; i < MUTATIONS; i++) {
    const doc = mutate(documents[pick(documents.length)], random, MUTATION_CHARS);
    try {
      analyze(doc, { maxFileSize: 1 << 20 });
    } catch (e) {
      assert.fail(`analyze() threw on mutation ${i}: ${JSON.stringify(doc)}\n${(e as Error).stack}`);
    }
    if (compareParsers(doc, 0, doc.length)) compared++;
  }
  const elapsed = Date.now() - began;
  t.diagnostic(`fast-path trees compared with yaml: ${compared} of ${MUTATIONS} mutations, in ${elapsed} ms`);
  assert.ok(compared > MUTATIONS / 5, `only ${compared} mutations took the fast path`);
  assert.ok(elapsed < 20_000, `the fuzz run took ${elapsed} ms`);
});

/**
 * Random block-style documents: nested maps and sequences at random indentation steps, compact
 * `- key:` entries, flow collections, block scalars, comments, blank and tab lines, CRLF. Mostly
 * what the scanner accepts, with a sprinkling of indicators and quoting that it must decline.
 */
function generateDocument(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const simple = ['a', 'image', 'nginx:1.25', 'x y', 'b', 'name', '1', '"q"', "'s'", 'é', '😀'];
  const odd = [
    '~',
    'null',
    'a#b',
    'a:b',
    'http://h:80/p',
    '-a',
    '[',
    ']',
    '{',
    '}',
    ',',
    '?x',
    '-',
    '*',
    '&',
    '!',
    '%',
    '`',
    '""',
    "'it''s'",
    '"a: b"',
    '"a\\tb"',
    '"\\x41\\u00e9\\\\"',
    '"\\q"',
    '"a\\x4"',
    'a\tb',
    '&a b',
    '&b "c"',
    '&c',
    '*a',
    '*b',
    '*c',
    '*zz',
    '?*',
    ':x',
    '?',
    '? x',
    '-x',
    '*n',
    '*m',
  ];
  const scalar = (): string => (random() < 0.8 ? pick(simple) : pick(odd));
  const comment = (): string => (random() < 0.15 ? pick([' # c', '\t# d', '  #']) : '');
  const pad = (n: number): string => ' '.repeat(n);
  type Value = { inline: string; block?: string[] } | { lines: string[] };
  const value = (depth: number, indent: number): Value => {
    const k = random();
    if (depth > 3 || k < 0.35) {
      const f = random();
      if (f < 0.1) return { inline: `[${scalar()}${pick([', ', ',', ' , '])}${scalar()}]` };
      if (f < 0.15) return { inline: `{${scalar()}: ${scalar()}}` };
      if (f < 0.17)
        return { inline: pick(['|', '>', '|-', '>+']) + comment(), block: [pad(indent + 1) + scalar(), random() < 0.3 ? '' : pad(indent + 1) + scalar()] };
      if (f < 0.2) {
        // An explicit indentation indicator, with content at, right of or left of its column, and blank lines deeper.
        const line = (): string =>
          random() < 0.2 ? pad(indent + Math.floor(random() * 5)) : pad(Math.max(0, indent - 3 + Math.floor(random() * 5))) + scalar();
        return { inline: pick(['|1', '>2', '|2-', '>+3', '|-1', '|0', '|12', '|2+-']) + comment(), block: [line(), line(), line()] };
      }
      if (f < 0.25) return { inline: '' };
      // Scalars over several lines, their continuations indented deeper than their key or not.
      const continued = (): string => pad(Math.max(0, indent - 2 + Math.floor(random() * 4))) + scalar() + comment();
      if (f < 0.3) return { inline: scalar(), block: random() < 0.3 ? [continued(), '', continued()] : [continued()] };
      if (f < 0.35) {
        const quote = pick(['"', "'"]);
        return { inline: `${quote}${scalar()}`, block: [continued(), pad(indent + Math.floor(random() * 2)) + `${scalar()}${quote}${comment()}`] };
      }
      return { inline: scalar() };
    }
    const step = 1 + Math.floor(random() * 3);
    const lines: string[] = [];
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) {
      const v = value(depth + 1, indent + step);
      if (k < 0.7) {
        const key = scalar();
        // Anchored collections, and merge keys naming them (or scalars, or nothing).
        if (random() < 0.08) lines.push(`${pad(indent)}<<: ${pick(['*a', '*n', '*m', '*zz'])}${comment()}`);
        if ('lines' in v) lines.push(`${pad(indent)}${key}:${random() < 0.15 ? pick([' &n', ' &m', ' &a']) : ''}${comment()}`, ...v.lines);
        else lines.push(`${pad(indent)}${key}: ${v.inline}${comment()}`, ...(v.block ?? []));
      } else if ('lines' in v) {
        if (random() < 0.5) lines.push(`${pad(indent)}-${comment()}`, ...v.lines);
        else lines.push(`${pad(indent)}-${pad(step)}${v.lines[0].slice(indent + step)}`, ...v.lines.slice(1));
      } else {
        lines.push(`${pad(indent)}- ${v.inline}${comment()}`, ...(v.block ?? []));
      }
      if (random() < 0.1) lines.push(pick(['', '# c', `${pad(indent)}# x`, '\t', '  ']));
    }
    return { lines };
  };
  const root = value(0, 0);
  let text = ('lines' in root ? root.lines : [root.inline]).join('\n') + (random() < 0.8 ? '\n' : '');
  if (random() < 0.2) text = text.replace(/\n/g, '\r\n');
  return random() < 0.1 ? `---\n${text}` : text;
}

test('fuzz: 3000 generated block-style documents', (t) => {
  const random = prng(SEED + 1);
  let compared = 0;
  for (let i = 0; i < 3000; i++) {
    const doc = generateDocument(random);
    if (compareParsers(doc, 0, doc.length)) compared++;
  }
  t.diagnostic(`fast-path trees compared with yaml: ${compared} of 3000 generated documents`);
  assert.ok(compared > 300, `only ${compared} generated documents took the fast path`);
});

/**
 * A document nesting exactly `levels` collections: block maps and sequences (indented, compact
 * `- - x`, or `key:` over an unindented `- `) down to `blockLevels`, then flow sequences and maps
 * on one line, with sibling entries at random levels. Every document is in the scanner's subset.
 */
function generateDeepDocument(random: () => number, levels: number, blockLevels: number): string {
  const pad = (n: number): string => ' '.repeat(n);
  const lines: string[] = [];
  /** Each block level's kind and column, for the siblings added after the deepest line. */
  const opened: { kind: 'map' | 'seq'; column: number }[] = [];
  const kinds = Array.from({ length: blockLevels }, () => (random() < 0.5 ? 'map' : 'seq'));
  let line = '';
  let column = 0;
  kinds.forEach((kind, i) => {
    const level = i + 1;
    opened.push({ kind, column });
    if (level === blockLevels) {
      line += kind === 'map' ? `k${level}: ` : '- ';
      if (levels === blockLevels) line += 'v';
    } else if (kind === 'seq' && random() < 0.5) {
      line += '- ';
      column += 2;
    } else {
      lines.push(line + (kind === 'map' ? `k${level}:` : '-'));
      // A sequence may sit at its key's column; anything else is indented 1 to 3 columns deeper.
      column += kind === 'map' && kinds[i + 1] === 'seq' && random() < 0.3 ? 0 : 1 + Math.floor(random() * 3);
      line = pad(column);
    }
  });
  let open = '';
  let close = '';
  for (let level = blockLevels + 1; level <= levels; level++) {
    const sibling = random() < 0.2;
    if (random() < 0.5) {
      open += sibling ? '[x, ' : '[';
      close = (sibling ? ', y]' : ']') + close;
    } else {
      open += sibling ? '{s: 1, k: ' : '{k: ';
      close = (sibling ? ', t: 2}' : '}') + close;
    }
  }
  lines.push(line + (levels > blockLevels ? `${open}z${close}` : ''));
  // A map whose only entry holds a sequence at the key's column may still take a sibling key after it.
  for (let i = opened.length - 1; i >= 0; i--) {
    if (random() < 0.3) lines.push(pad(opened[i].column) + (opened[i].kind === 'map' ? `t${i + 1}: w` : '- w'));
  }
  return lines.join('\n') + '\n';
}

test(`fuzz: 200 generated documents nesting around ${MAX_DEPTH} levels, and some 5,000 deep`, (t) => {
  const random = prng(SEED + 2);
  const began = Date.now();
  let compared = 0;
  for (let i = 0; i < 200; i++) {
    const levels = i % 40 === 39 ? 5000 : MAX_DEPTH - 3 + Math.floor(random() * 7);
    const blockLevels = 1 + Math.floor(random() * (random() < 0.3 ? Math.min(levels, MAX_DEPTH + 3) : 40));
    const doc = generateDeepDocument(random, levels, blockLevels);
    const input = `levels ${levels}, block levels ${blockLevels}: ${JSON.stringify(doc.slice(0, 300))}`;
    try {
      analyze(doc, { maxFileSize: 1 << 22 });
    } catch (e) {
      assert.fail(`analyze() threw on ${input}\n${(e as Error).stack}`);
    }
    const fast = compareParsers(doc, 0, doc.length);
    if (fast) compared++;
    // Within the limit the scanner takes these documents; past it, it must decline and yaml's tree is cut.
    assert.equal(fast, levels <= MAX_DEPTH, `the fast path on ${input}`);
    assert.equal(slowParse(doc, 0, doc.length).tooDeepAt !== null, levels > MAX_DEPTH, `the slow path's cut on ${input}`);
  }
  const elapsed = Date.now() - began;
  t.diagnostic(`fast-path trees compared with yaml: ${compared} of 200 deep documents, in ${elapsed} ms`);
  assert.ok(elapsed < 30_000, `the deep fuzz run took ${elapsed} ms`);
});

/**
 * Inputs meant to hurt the server: broken YAML, an alias bomb, a file past the size limit, binary
 * bytes, a file of ten thousand documents and YAML nesting 5,000 levels deep. For each one the
 * bundled server (over stdio) must answer a hover sent right after didOpen within a time budget
 * (and a completion, where the case asks one), publish the diagnostics the core reports (one
 * `yaml-syntax` or `not-analysed` where the analysis gives up), and keep its peak resident memory
 * under MEMORY_LIMIT. A deep file in the workspace must still be indexed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as lsp from 'vscode-languageserver/node';
import { MAX_DEPTH } from '../../server/src/core/manifest/yamlTree';
import { fileUri, LspClient } from '../helpers/lspClient';

const MEMORY_LIMIT = 300 * 1024 * 1024;
/** The default imageAware.limits.maxFileSizeMB, which the test client leaves unset. */
const SIZE_LIMIT = 8 * 1024 * 1024;
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

interface HostileCase {
  readonly name: string;
  readonly text: string;
  /** Where the hover is asked, and whether the server should find a field there. */
  readonly hoverAt: number;
  readonly hoverFindsField: boolean;
  readonly hoverBudgetMs: number;
  readonly check: (diagnostics: readonly lsp.Diagnostic[], document: TextDocument) => void;
  /** A completion asked at `at`, whose labels must be exactly `labels`. */
  readonly completion?: { readonly at: number; readonly labels: readonly string[] };
}

function rangeOf(document: TextDocument, start: number, end: number): lsp.Range {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}

function codes(diagnostics: readonly lsp.Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

/** The one diagnostic that marks where the analysis gave up, asserted to be the only one of its code. */
function giveUp(diagnostics: readonly lsp.Diagnostic[], code: 'yaml-syntax' | 'not-analysed'): lsp.Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `exactly one ${code}`);
  return found[0];
}

function malformed(): HostileCase {
  const text = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: broken',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: "nginx:1.25',
    '          imagePullPolicy: Always',
    '        - name: sidecar',
    '          image: busybox:1.36',
    '',
  ].join('\n');
  return {
    name: 'a manifest with an unclosed quote',
    text,
    hoverAt: text.indexOf('nginx'),
    hoverFindsField: true,
    hoverBudgetMs: 2000,
    check(diagnostics, document) {
      // The quoted scalar swallows the rest of the document, so the image is what it swallowed.
      assert.deepEqual(codes(diagnostics), ['invalid-reference', 'yaml-syntax']);
      // yaml reports the missing quote at the last character of the document.
      assert.deepEqual(giveUp(diagnostics, 'yaml-syntax').range, rangeOf(document, text.length - 2, text.length - 1));
    },
  };
}

function aliasBomb(): HostileCase {
  // Nine levels of ten aliases each: 10^10 strings if anything expanded it, and 6000 aliases of one
  // container, which passes the per-document container limit.
  const levels = ['    l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 9; i++)
    levels.push(
      `    l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  const text = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: laughs',
    '  annotations:',
    ...levels,
    '    container: &c {name: lol, image: "lol:1"}',
    'spec:',
    `  containers: [${Array(6000).fill('*c').join(', ')}]`,
    '',
  ].join('\n');
  return {
    name: 'a billion-laughs alias bomb',
    text,
    hoverAt: text.indexOf('lol:1'),
    hoverFindsField: true,
    hoverBudgetMs: 2000,
    check(diagnostics, document) {
      assert.deepEqual(codes(diagnostics), ['not-analysed', 'not-pinned']);
      assert.deepEqual(giveUp(diagnostics, 'not-analysed').range, rangeOf(document, 0, 'apiVersion: v1'.length));
      assert.deepEqual(diagnostics.find((d) => d.code === 'not-pinned')!.range, rangeOf(document, text.indexOf('"lol:1"'), text.indexOf('"lol:1"') + 7));
    },
  };
}

function deployment(index: number, image: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: app-${index}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    `          image: ${image}`,
    '',
  ].join('\n');
}

/** Documents joined by `---` lines, with the offset of each document's first character. */
function stream(count: number, image: (index: number) => string): { text: string; starts: number[] } {
  const parts: string[] = [];
  const starts: number[] = [];
  let length = 0;
  for (let i = 0; i < count; i++) {
    const part = (i === 0 ? '' : '---\n') + deployment(i, image(i));
    starts.push(length);
    parts.push(part);
    length += part.length;
  }
  return { text: parts.join(''), starts };
}

function twentyMegabytes(): HostileCase {
  // Digest-pinned images with the default policy have no findings, so the limit is all that is reported.
  const count = Math.ceil((20 * 1024 * 1024) / deployment(0, `registry.example.com/team/app@${DIGEST}`).length);
  const { text, starts } = stream(count, () => `registry.example.com/team/app@${DIGEST}`);
  // The first document that ends past the limit is where the analysis stops, at its `---` line.
  const stop = starts.find((_, i) => (starts[i + 1] ?? text.length) > SIZE_LIMIT)!;
  return {
    name: 'a 20 MB manifest',
    text,
    hoverAt: text.indexOf('registry.example.com'),
    hoverFindsField: true,
    hoverBudgetMs: 10_000,
    check(diagnostics, document) {
      assert.ok(text.length >= 20 * 1024 * 1024);
      assert.deepEqual(codes(diagnostics), ['not-analysed']);
      assert.deepEqual(giveUp(diagnostics, 'not-analysed').range, rangeOf(document, stop, stop + 3));
    },
  };
}

/** 64 KiB from a fixed-seed generator (mulberry32), decoded as latin1 so every byte is one character. */
function randomBinary(): HostileCase {
  let seed = 0x1badb002;
  const bytes = Buffer.alloc(64 * 1024);
  for (let i = 0; i < bytes.length; i++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    bytes[i] = (r ^ (r >>> 14)) & 0xff;
  }
  const text = bytes.toString('latin1');
  return {
    name: '64 KiB of random bytes',
    text,
    hoverAt: 0,
    hoverFindsField: false,
    hoverBudgetMs: 2000,
    check(diagnostics, document) {
      assert.ok(text.slice(0, 8192).includes('\0'), 'the bytes include a NUL early, as random bytes do');
      assert.deepEqual(codes(diagnostics), ['not-analysed']);
      assert.deepEqual(giveUp(diagnostics, 'not-analysed').range, rangeOf(document, 0, text.indexOf('\n')));
    },
  };
}

function tenThousandDocuments(): HostileCase {
  const count = 10_000;
  const { text, starts } = stream(count, () => 'nginx');
  const lastImage = text.lastIndexOf('nginx');
  return {
    name: 'a file of 10,000 Deployments',
    text,
    hoverAt: lastImage,
    hoverFindsField: true,
    hoverBudgetMs: 2000,
    check(diagnostics, document) {
      const expected = starts.map((start) => {
        const image = text.indexOf('nginx', start);
        return { code: 'implicit-latest', range: rangeOf(document, image, image + 'nginx'.length) };
      });
      const byLine = [...diagnostics].sort((a, b) => a.range.start.line - b.range.start.line);
      assert.equal(diagnostics.length, count);
      assert.deepEqual(
        byLine.map((d) => ({ code: d.code, range: d.range })),
        expected,
      );
    },
  };
}

function deepFlow(): HostileCase {
  // 10 KB: `a: ` and 5,000 nested flow sequences; the root map is level 1.
  const text = `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  const at = 3 + MAX_DEPTH - 1;
  return {
    name: 'a file nesting 5,000 flow sequences',
    text,
    hoverAt: at,
    hoverFindsField: false,
    hoverBudgetMs: 2000,
    check(diagnostics, document) {
      assert.deepEqual(codes(diagnostics), ['not-analysed']);
      const diagnostic = giveUp(diagnostics, 'not-analysed');
      assert.deepEqual(diagnostic.range, rangeOf(document, at, at + 1));
      assert.equal(diagnostic.message, `The YAML here nests deeper than ${MAX_DEPTH} levels; what it holds was not analysed.`);
    },
  };
}

function deepContainerField(): HostileCase {
  const text = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: deep',
    'spec:',
    '  containers:',
    '    - name: first',
    '      image: nginx',
    `      args: ${'['.repeat(5000)}${']'.repeat(5000)}`,
    '    - name: second',
    '      image: busybox:1.36',
    '',
  ].join('\n');
  // Root map, spec, containers and the container are levels 1 to 4; `args:` holds level 5.
  const at = text.indexOf('[') + MAX_DEPTH + 1 - 5;
  const nginx = text.indexOf('nginx');
  return {
    name: 'a container field nesting 5,000 levels, between two containers',
    text,
    hoverAt: nginx,
    hoverFindsField: true,
    hoverBudgetMs: 2000,
    check(diagnostics, document) {
      assert.deepEqual(codes(diagnostics), ['implicit-latest', 'not-analysed', 'not-pinned']);
      assert.deepEqual(giveUp(diagnostics, 'not-analysed').range, rangeOf(document, at, at + 1));
    },
    // The images this file uses, but the one being edited: the second container was analysed too.
    completion: { at: nginx + 'nginx'.length, labels: ['busybox:1.36'] },
  };
}

function deepBlock(): HostileCase {
  const text = `${'- '.repeat(5000)}x\n`;
  return {
    name: 'a file nesting 5,000 compact block sequences',
    text,
    hoverAt: text.length - 2,
    hoverFindsField: false,
    hoverBudgetMs: 2000,
    check(diagnostics, document) {
      assert.deepEqual(codes(diagnostics), ['not-analysed']);
      assert.deepEqual(giveUp(diagnostics, 'not-analysed').range, rangeOf(document, 2 * MAX_DEPTH, 2 * MAX_DEPTH + 1));
    },
  };
}

test('the server stays responsive and bounded on hostile input', async (t) => {
  const client = LspClient.start('stdio');
  // Hostile input must not turn into network traffic here; the registry is tested on its own.
  client.settings = { registry: { online: false } };
  t.after(() => client.kill());
  await client.initialize(null);

  for (const make of [malformed, aliasBomb, twentyMegabytes, randomBinary, tenThousandDocuments, deepFlow, deepContainerField, deepBlock]) {
    const hostile = make();
    await t.test(hostile.name, async (st) => {
      const uri = `untitled:${hostile.name.replace(/\W+/g, '-')}.yaml`;
      const document = TextDocument.create(uri, 'yaml', 1, hostile.text);
      const since = client.mark();
      await client.open(uri, hostile.text);
      try {
        const asked = performance.now();
        const hover = await client.request<lsp.Hover | null>('textDocument/hover', { textDocument: { uri }, position: document.positionAt(hostile.hoverAt) });
        const hoverMs = performance.now() - asked;
        assert.equal(hover !== null, hostile.hoverFindsField, `hover ${hover === null ? 'found nothing' : 'found a field'}`);

        const published = await client.waitForDiagnostics(uri, since, () => true, 30_000);
        assert.equal(published.version, 1);
        hostile.check(published.diagnostics, document);

        if (hostile.completion) {
          const position = document.positionAt(hostile.completion.at);
          const list = await client.request<lsp.CompletionList | null>('textDocument/completion', { textDocument: { uri }, position });
          assert.deepEqual(
            list?.items.map((item) => item.label),
            hostile.completion.labels,
          );
        }

        const { rss, peak } = client.memory();
        st.diagnostic(`hover ${hoverMs.toFixed(0)} ms, resident ${(rss / 1048576).toFixed(0)} MB, peak ${(peak / 1048576).toFixed(0)} MB`);
        // The peak (VmHWM) covers the whole run so far, not only the moment of reading.
        assert.ok(peak < MEMORY_LIMIT, `resident memory peaked at ${(peak / 1048576).toFixed(0)} MB`);
        // Checked last, so a slow answer still shows whether the answers were right.
        assert.ok(hoverMs < hostile.hoverBudgetMs, `hover took ${hoverMs.toFixed(0)} ms; the budget is ${hostile.hoverBudgetMs} ms`);
      } finally {
        await client.notify('textDocument/didClose', { textDocument: { uri } });
      }
    });
  }

  assert.equal(await client.shutdown(), 0);
});

test('a workspace file nesting 5,000 levels deep is still indexed: the Secret in its next document counts', async (t) => {
  const workspace = mkdtempSync(join(tmpdir(), 'image-aware-deep-'));
  t.after(() => rmSync(workspace, { recursive: true, force: true }));
  writeFileSync(join(workspace, 'deep.yaml'), `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n`);
  const pod = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: p',
    'spec:',
    '  imagePullSecrets:',
    '    - name: regcred',
    '    - name: missing',
    '  containers:',
    '    - name: c',
    `      image: nginx@sha256:${'0123456789abcdef'.repeat(4)}`,
    '',
  ].join('\n');
  writeFileSync(join(workspace, 'pod.yaml'), pod);
  const client = LspClient.start('stdio');
  client.settings = { registry: { online: false } };
  t.after(() => client.kill());
  await client.initialize(workspace);
  const uri = fileUri(join(workspace, 'pod.yaml'));
  const since = client.mark();
  await client.open(uri, pod);
  // Pull secrets are unknown until the workspace scan ends; then `missing` is reported, and only it.
  const published = await client.waitForDiagnostics(uri, since, (p) => p.diagnostics.some((d) => d.code === 'unknown-pull-secret'));
  const document = TextDocument.create(uri, 'yaml', 1, pod);
  assert.deepEqual(
    published.diagnostics.map((d) => [d.code, document.getText(d.range)]),
    [['unknown-pull-secret', 'missing']],
  );
  assert.equal(await client.shutdown(), 0);
});

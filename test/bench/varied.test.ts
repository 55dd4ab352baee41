/**
 * The benchmark's varied generator (bench/varied.ts): the same seed gives the same text, every
 * family is present and has the constructs it claims to imitate (checked with the `yaml` package's
 * own reading, not with the patterns the generator writes), and everything it writes is valid YAML.
 * Also the decline-reason finder (bench/declines.ts) on documents every YAML reader must refuse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAlias, isMap, parseAllDocuments, visit } from 'yaml';
import type { Document, Scalar } from 'yaml';
import { declineReason } from '../../bench/declines';
import { FAMILIES, generateFolder, generateSmallFiles, generateVaried } from '../../bench/varied';
import type { Family, VariedStream } from '../../bench/varied';

const STREAM = generateVaried(1024 * 1024, 7);

function documentsOf(stream: VariedStream, family: Family): string[] {
  return stream.documents.filter((d) => d.family === family).map((d) => stream.text.slice(d.start, d.end));
}

function parsedOf(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs), 'a stream of documents');
  return docs;
}

/** Whether some scalar of text, of one of the types, satisfies test on its source text. */
function hasScalar(text: string, types: readonly Scalar.Type[], sourceTest: (source: string) => boolean): boolean {
  let found = false;
  for (const doc of parsedOf(text)) {
    visit(doc, {
      Scalar(_, node) {
        if (node.type !== undefined && types.includes(node.type) && node.range && sourceTest(text.slice(node.range[0], node.range[1]))) found = true;
      },
    });
  }
  return found;
}

/** Whether some document of the family satisfies claim. */
function someOf(family: Family, claim: (text: string) => boolean): boolean {
  const docs = documentsOf(STREAM, family);
  return docs.length > 0 && docs.some(claim);
}

test('the same seed gives the same stream, another seed another', () => {
  const again = generateVaried(1024 * 1024, 7);
  assert.equal(again.text, STREAM.text);
  assert.deepEqual(again.documents, STREAM.documents);
  assert.notEqual(generateVaried(1024 * 1024, 8).text, STREAM.text);
  assert.ok(STREAM.text.length >= 1024 * 1024 && STREAM.text.length < 1.2 * 1024 * 1024, `about 1 MB, got ${STREAM.text.length}`);
});

test('the documents cover the stream and each starts at a document marker', () => {
  let end = 0;
  for (const [i, doc] of STREAM.documents.entries()) {
    assert.equal(doc.start, end);
    if (i > 0) assert.ok(STREAM.text.startsWith('---\n', doc.start), `document ${i} starts with ---`);
    end = doc.end;
  }
  assert.equal(end, STREAM.text.length);
});

test('every family is present', () => {
  const present = new Set(STREAM.documents.map((d) => d.family));
  assert.deepEqual([...present].sort(), [...FAMILIES].sort());
});

test('every generated document is valid YAML with a kind', () => {
  const docs = parsedOf(STREAM.text);
  assert.equal(docs.length, STREAM.documents.length);
  for (const [i, doc] of docs.entries()) {
    assert.deepEqual(
      doc.errors.map((e) => e.message),
      [],
      `${STREAM.documents[i].family} document ${i}`,
    );
    const kind = isMap(doc.contents) ? doc.contents.get('kind') : undefined;
    assert.equal(typeof kind, 'string', `${STREAM.documents[i].family} document ${i} has a kind`);
  }
});

test('each family has the constructs it imitates', () => {
  const multiLine = (source: string): boolean => source.includes('\n');
  assert.ok(
    someOf('helm', (t) => /^# Source: \S+\/templates\/\S+\.yaml$/m.test(t) && t.includes('app.kubernetes.io/managed-by: Helm')),
    'helm: # Source: comments and chart labels',
  );
  assert.ok(
    someOf('kustomized', (t) => /^ {6}- args:$/m.test(t)),
    'kustomized: sequences not indented under their key',
  );
  assert.ok(
    someOf('microservices', (t) => t.includes('httpHeaders:') && hasScalar(t, ['QUOTE_DOUBLE'], () => true)),
    'microservices: probes with headers, quoted values',
  );
  assert.ok(
    someOf('flow', (t) => {
      let flowMaps = 0;
      for (const doc of parsedOf(t)) visit(doc, { Map: (_, node) => void (node.flow && flowMaps++) });
      return flowMaps >= 3;
    }),
    'flow: flow maps',
  );
  assert.ok(
    someOf('multiline', (t) => hasScalar(t, ['PLAIN'], multiLine)),
    'multiline: multi-line plain scalars',
  );
  assert.ok(
    someOf('multiline', (t) => hasScalar(t, ['QUOTE_SINGLE'], multiLine)),
    'multiline: multi-line single-quoted scalars',
  );
  assert.ok(
    someOf('multiline', (t) => hasScalar(t, ['BLOCK_FOLDED'], () => true) || hasScalar(t, ['BLOCK_LITERAL'], () => true)),
    'multiline: block scalars',
  );
  assert.ok(
    someOf('escaped', (t) => hasScalar(t, ['QUOTE_DOUBLE'], (s) => s.includes('\\'))),
    'escaped: escapes in double-quoted strings',
  );
  assert.ok(
    someOf('anchored', (t) => {
      let anchors = 0;
      let aliases = 0;
      for (const doc of parsedOf(t)) {
        visit(doc, {
          Node: (_, node) => void (!isAlias(node) && node.anchor && anchors++),
          Alias: () => void aliases++,
        });
      }
      return anchors > 0 && aliases > 0 && /^\s+<<: \*/m.test(t);
    }),
    'anchored: anchors, aliases, merge keys',
  );
  assert.ok(
    someOf('json', (t) => {
      const body = t.replace(/^---\n/, '');
      return body.startsWith('{') && typeof JSON.parse(body) === 'object';
    }),
    'json: JSON documents',
  );
  assert.ok(
    someOf('crd', (t) => t.includes('kind: CustomResourceDefinition') && t.includes('openAPIV3Schema:') && t.length > 10_000),
    'crd: large CustomResourceDefinitions',
  );
  assert.ok(
    documentsOf(STREAM, 'crd').some((t) => hasScalar(t, ['PLAIN', 'QUOTE_SINGLE'], multiLine)) &&
      documentsOf(STREAM, 'crd').some((t) => hasScalar(t, ['BLOCK_LITERAL'], multiLine)),
    'crd: descriptions wrapped as plain or single-quoted scalars, and as |- blocks',
  );
  assert.ok(/^\s*# /m.test(STREAM.text), 'comments');
});

test('a folder: deterministic, files of every size class, some with CRLF, all valid YAML', () => {
  const files = generateFolder(4 * 1024 * 1024, 3);
  assert.deepEqual(
    generateFolder(4 * 1024 * 1024, 3).map((f) => f.text),
    files.map((f) => f.text),
  );
  assert.equal(new Set(files.map((f) => f.path)).size, files.length, 'unique paths');
  const total = files.reduce((n, f) => n + f.text.length, 0);
  assert.ok(total >= 4 * 1024 * 1024 && total < 6 * 1024 * 1024, `about 4 MB, got ${total}`);
  assert.ok(files.filter((f) => f.documents.length === 1).length > files.length / 2, 'mostly one-object files');
  assert.ok(
    files.some((f) => f.text.length > 200_000 && f.documents.every((d) => d.family === 'crd')),
    'a CRD bundle',
  );
  assert.ok(
    files.some((f) => f.text.length > 200_000 && f.documents.some((d) => d.family === 'kustomized')),
    'an install bundle',
  );
  const crlf = files.filter((f) => f.text.includes('\r\n'));
  assert.ok(crlf.length > 0, 'some files have CRLF line endings');
  for (const file of crlf) assert.ok(!/[^\r]\n/.test(file.text), `${file.path}: CRLF throughout`);
  for (const file of files) {
    for (const doc of parseAllDocuments(file.text) as Document.Parsed[]) assert.deepEqual(doc.errors, [], file.path);
  }
});

test('many small files: one object each, in folders of a hundred', () => {
  const files = generateSmallFiles(250, 5);
  assert.equal(files.length, 250);
  assert.ok(files.every((f) => f.documents.length === 1));
  assert.equal(new Set(files.map((f) => f.path.split('/')[0])).size, 3);
  assert.deepEqual(
    generateSmallFiles(250, 5).map((f) => f.text),
    files.map((f) => f.text),
  );
});

test('the decline reason is the construct on the line where the scanner stops', () => {
  assert.equal(declineReason('apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\nspec: {}\n'), 'template syntax {{ }} (not YAML)');
  assert.equal(declineReason('apiVersion: v1\nkind: Pod\nmetadata:\n\tname: web\n'), 'tab in indentation');
});

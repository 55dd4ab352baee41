/**
 * analyze(): reuse of unchanged documents across edits, absolute offsets after documents move,
 * and the limits that keep hostile or huge input bounded (file size, binary content, alias and
 * merge-key bombs, the container limit, many documents, nesting depth).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyze, documentAt, MAX_CONTAINERS_PER_DOCUMENT } from '../../server/src/core/analysis';
import type { Analysis } from '../../server/src/core/analysis';
import { collectDiagnostics } from '../../server/src/core/features/diagnostics';
import { MAX_DEPTH } from '../../server/src/core/manifest/yamlTree';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';

const LIMIT = DEFAULT_SETTINGS.maxFileSize;

/** One Deployment document whose image and names depend on i; about 400 characters. */
function deployment(i: number): string {
  return [
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: app-${i}`,
    '  labels: {team: platform}',
    'spec:',
    '  replicas: 2',
    '  template:',
    '    spec:',
    '      containers:',
    `      - name: main-${i}`,
    `        image: registry.example.com/app-${i}:1.${i % 10}.0`,
    '        imagePullPolicy: IfNotPresent',
    '        args: [--port, "8080"]',
    `      - name: side-${i}`,
    `        image: "nginx:latest"`,
    '        command:',
    '        - sh',
    '        - -c',
    '        - |',
    `          echo ${i}`,
    '',
  ].join('\n');
}

function stream(count: number, make: (i: number) => string = deployment): string {
  let text = '';
  for (let i = 0; i < count; i++) text += make(i);
  return text;
}

/** Each diagnostic as `code "source text"` at its absolute span. */
function located(analysis: Analysis): string[] {
  return collectDiagnostics(analysis, DEFAULT_SETTINGS, null).map((d) => `${d.code} ${JSON.stringify(analysis.text.slice(d.start, d.end))}@${d.start}`);
}

function notAnalysed(analysis: Analysis): { start: number; end: number; message: string }[] {
  const perDocument = analysis.documents.flatMap((d) =>
    d.analysis.findings.filter((f) => f.code === 'not-analysed').map((f) => ({ start: d.start + f.start, end: d.start + f.end, message: f.message })),
  );
  return [...perDocument, ...analysis.fileFindings.filter((f) => f.code === 'not-analysed')];
}

test('first analysis parses every document, on the fast path', () => {
  const analysis = analyze(stream(50), { maxFileSize: LIMIT });
  assert.equal(analysis.documents.length, 50);
  assert.equal(analysis.reparsed, 50);
  assert.deepEqual(new Set(analysis.documents.map((d) => d.analysis.parser)), new Set(['fast']));
  assert.equal(
    analysis.documents.reduce((n, d) => n + d.analysis.fields.containers.length, 0),
    100,
  );
});

test('a one-character edit in the middle document re-parses only that document and reuses the rest as the same objects', () => {
  const text = stream(50);
  const before = analyze(text, { maxFileSize: LIMIT });
  const middle = before.documents[25];
  const at = text.indexOf('app-25:1.5.0', middle.start) + 'app-25:1.5.'.length;
  const edited = text.slice(0, at) + '1' + text.slice(at + 1); // 1.5.0 → 1.5.1
  const after = analyze(edited, { maxFileSize: LIMIT, previous: before });
  assert.equal(after.reparsed, 1);
  assert.equal(after.documents.length, 50);
  after.documents.forEach((doc, i) => {
    if (i === 25) assert.notEqual(doc.analysis, before.documents[i].analysis);
    else assert.equal(doc.analysis, before.documents[i].analysis, `document ${i} must be reused as is`);
    assert.deepEqual([doc.start, doc.end], [before.documents[i].start, before.documents[i].end]);
  });
  assert.equal(after.documents[25].analysis.fields.containers[0].image?.value?.value, 'registry.example.com/app-25:1.5.1');
  // Reverting re-uses the first analysis's object for the middle document too.
  const reverted = analyze(text, { maxFileSize: LIMIT, previous: after });
  assert.equal(reverted.reparsed, 1);
  assert.equal(reverted.documents[24].analysis, before.documents[24].analysis);
});

test('an edit that changes a document boundary re-parses just the documents it touches', () => {
  const text = stream(10);
  const before = analyze(text, { maxFileSize: LIMIT });
  // Deleting the `---` line of document 5 merges it into document 4.
  const cut = before.documents[5].start;
  const merged = text.slice(0, cut) + text.slice(cut + 4);
  const after = analyze(merged, { maxFileSize: LIMIT, previous: before });
  assert.equal(after.documents.length, 9);
  assert.equal(after.reparsed, 1);
  assert.equal(after.documents[5].analysis, before.documents[6].analysis);
});

test('inserting a document shifts every later finding by exactly the inserted length', () => {
  const text = stream(6);
  const before = analyze(text, { maxFileSize: LIMIT });
  const inserted = '---\napiVersion: v1\nkind: Pod\nmetadata: {name: new}\nspec:\n  containers:\n  - {name: x, image: "busybox"}\n';
  const at = before.documents[3].start;
  const edited = text.slice(0, at) + inserted + text.slice(at);
  const after = analyze(edited, { maxFileSize: LIMIT, previous: before });
  assert.equal(after.reparsed, 1);
  assert.equal(after.documents.length, 7);
  for (let i = 0; i < 6; i++) {
    const j = i < 3 ? i : i + 1;
    assert.equal(after.documents[j].analysis, before.documents[i].analysis);
    assert.equal(after.documents[j].start, before.documents[i].start + (i < 3 ? 0 : inserted.length));
  }
  const shift = (line: string): string => {
    const [, head, offset] = /^(.*)@(\d+)$/.exec(line)!;
    return Number(offset) < at ? line : `${head}@${Number(offset) + inserted.length}`;
  };
  const expected = located(before).map(shift);
  expected.splice(
    expected.findIndex((line) => Number(line.split('@').pop()) >= at + inserted.length),
    0,
    `implicit-latest "\\"busybox\\""@${edited.indexOf('"busybox"')}`,
  );
  assert.deepEqual(located(after), expected);
  // Every span still covers the text it names.
  for (const line of located(after)) {
    const [, code, source] = /^(\S+) (".*")@\d+$/.exec(line)!;
    assert.ok(code === 'latest-tag' ? JSON.parse(source) === 'latest' : JSON.parse(source).length > 0, line);
  }
  assert.deepEqual(located(before).slice(0, 3), [
    `not-pinned "registry.example.com/app-0:1.0.0"@${text.indexOf('registry.example.com/app-0:1.0.0')}`,
    `redundant-pull-policy "IfNotPresent"@${text.indexOf('IfNotPresent')}`,
    `latest-tag "latest"@${text.indexOf('latest"')}`,
  ]);
});

test('documentAt finds the document holding an offset', () => {
  const analysis = analyze(stream(5), { maxFileSize: LIMIT });
  for (const doc of analysis.documents) {
    assert.equal(documentAt(analysis, doc.start), doc);
    assert.equal(documentAt(analysis, doc.end - 1), doc);
  }
  assert.equal(documentAt(analysis, analysis.text.length), analysis.documents[4]);
});

test('maxFileSize: one not-analysed finding at the first document that runs past the limit', () => {
  const text = stream(20);
  const full = analyze(text, { maxFileSize: LIMIT });
  const limit = full.documents[12].start + 10; // inside document 12
  const cut = analyze(text, { maxFileSize: limit });
  assert.equal(cut.documents.length, 12);
  assert.deepEqual(cut.documents, full.documents.slice(0, 12));
  const findings = notAnalysed(cut);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].start, full.documents[12].start);
  assert.equal(text.slice(findings[0].start, findings[0].end), '---');
  // A limit exactly at a document end still analyses that document.
  const exact = analyze(text, { maxFileSize: full.documents[12].end });
  assert.equal(exact.documents.length, 13);
  assert.equal(notAnalysed(exact).length, 1);
  assert.equal(notAnalysed(exact)[0].start, full.documents[13].start);
  // No finding when the whole file fits.
  assert.equal(notAnalysed(analyze(text, { maxFileSize: text.length })).length, 0);
});

test('the size-limit message names the option that sets the limit when the front end gives it, and none otherwise', () => {
  const text = stream(3);
  const limit = analyze(text, { maxFileSize: LIMIT }).documents[1].end - 1;
  const message = (options: { sizeLimitSetting?: string }): string[] => notAnalysed(analyze(text, { maxFileSize: limit, ...options })).map((f) => f.message);
  const size = `${Number((limit / 1048576).toPrecision(3))} MB`;
  for (const setting of ['imageAware.limits.maxFileSizeMB', '--max-file-size-mb']) {
    assert.deepEqual(message({ sizeLimitSetting: setting }), [`The file is larger than ${size} (${setting}); the rest was not analysed.`]);
  }
  assert.deepEqual(message({}), [`The file is larger than ${size}; the rest was not analysed.`]);
  const halfMegabyte = notAnalysed(analyze(stream(2000), { maxFileSize: 0.5 * 1048576 }));
  assert.deepEqual(
    halfMegabyte.map((f) => f.message),
    ['The file is larger than 0.5 MB; the rest was not analysed.'],
  );
});

test('binary content (a NUL character) gives one not-analysed finding and no documents', () => {
  const text = `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx\n\u0000\u0001\u0002binary`;
  const analysis = analyze(text, { maxFileSize: LIMIT });
  assert.equal(analysis.documents.length, 0);
  const findings = notAnalysed(analysis);
  assert.equal(findings.length, 1);
  assert.deepEqual([findings[0].start, findings[0].end], [0, 'apiVersion: v1'.length]);
  assert.match(findings[0].message, new RegExp(`a NUL character at offset ${text.indexOf('\u0000')}\\)`));
  assert.deepEqual(located(analysis), ['not-analysed "apiVersion: v1"@0']);
});

test('CRLF files: not-analysed spans end before the CR', () => {
  const crlf = stream(3).replace(/\n/g, '\r\n');
  const full = analyze(crlf, { maxFileSize: LIMIT });
  const cut = analyze(crlf, { maxFileSize: full.documents[1].end - 1 });
  assert.deepEqual(
    located(cut).filter((l) => l.startsWith('not-analysed')),
    [`not-analysed "---"@${full.documents[1].start}`],
  );
  let many = 'apiVersion: v1\r\nkind: Pod\r\nspec:\r\n  containers:\r\n  - &c {image: "nginx:1"}\r\n';
  for (let i = 0; i < MAX_CONTAINERS_PER_DOCUMENT + 1; i++) many += '  - *c\r\n';
  assert.deepEqual(
    located(analyze(many, { maxFileSize: LIMIT })).filter((l) => l.startsWith('not-analysed')),
    ['not-analysed "apiVersion: v1"@0'],
  );
  const binary = analyze('kind: Pod\r\n\u0000', { maxFileSize: LIMIT });
  assert.deepEqual(located(binary), ['not-analysed "kind: Pod"@0']);
});

test('a yaml-syntax finding at the very end of a document stays inside that document', () => {
  const text = 'apiVersion: v1\nkind: Pod\nspec: {containers: [{image: "nginx:1"}\n---\napiVersion: v1\nkind: Pod\nspec: [';
  const analysis = analyze(text, { maxFileSize: LIMIT });
  const syntax = collectDiagnostics(analysis, DEFAULT_SETTINGS, null).filter((d) => d.code === 'yaml-syntax');
  assert.equal(syntax.length, 2);
  analysis.documents.forEach((doc, i) => {
    assert.ok(syntax[i].start >= doc.start && syntax[i].end <= doc.end && syntax[i].end > syntax[i].start, JSON.stringify([syntax[i], doc.start, doc.end]));
  });
  assert.equal(text.slice(syntax[1].start, syntax[1].end), '[');
});

test('an alias bomb (billion laughs, 9 levels of 9) finishes fast with no containers', () => {
  let text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: lol}\nspec:\n  lol0: &l0 [{name: a, image: "nginx:1"}, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i <= 9; i++)
    text += `  lol${i}: &l${i} [${Array(9)
      .fill(`*l${i - 1}`)
      .join(', ')}]\n`;
  text += '  containers: *l9\n  initContainers: *l0\n';
  const began = Date.now();
  const analysis = analyze(text, { maxFileSize: LIMIT });
  const elapsed = Date.now() - began;
  assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  assert.deepEqual(
    analysis.documents[0].analysis.fields.containers.map((c) => `${c.path} ${c.image?.value?.value}`),
    ['spec.initContainers[0] nginx:1'],
  );
});

test('a merge-key bomb (maps merging the one before, 9 levels of 9) finishes fast and resolves the image', () => {
  let text = 'apiVersion: v1\nkind: Pod\nspec:\n  m0: &m0 {image: "nginx:1", imagePullPolicy: Always}\n';
  for (let i = 1; i <= 9; i++)
    text += `  m${i}: &m${i} {<<: [${Array(9)
      .fill(`*m${i - 1}`)
      .join(', ')}]}\n`;
  text += '  containers:\n  - <<: *m9\n    name: x\n';
  const began = Date.now();
  const analysis = analyze(text, { maxFileSize: LIMIT });
  const elapsed = Date.now() - began;
  assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  const [container] = analysis.documents[0].analysis.fields.containers;
  assert.deepEqual([container.name, container.image?.value?.value, container.pullPolicy?.value?.value], ['x', 'nginx:1', 'Always']);
});

test('a document reaching more containers than the limit through aliases: exactly one not-analysed', () => {
  const count = 6000;
  assert.ok(count > MAX_CONTAINERS_PER_DOCUMENT);
  let text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: many}\nspec:\n  containers:\n  - &c {name: c, image: "nginx:1"}\n';
  for (let i = 1; i < count; i++) text += '  - *c\n';
  const began = Date.now();
  const analysis = analyze(text, { maxFileSize: LIMIT });
  assert.ok(Date.now() - began < 2000);
  const doc = analysis.documents[0].analysis;
  assert.equal(doc.fields.truncated, true);
  assert.equal(doc.fields.containers.length, 1, 'one source position, reported once');
  const findings = notAnalysed(analysis);
  assert.equal(findings.length, 1);
  assert.equal(text.slice(findings[0].start, findings[0].end), 'apiVersion: v1');
  assert.match(findings[0].message, new RegExp(`more than ${MAX_CONTAINERS_PER_DOCUMENT} containers`));
});

test('a document with exactly the limit of containers is not truncated', () => {
  let text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n';
  for (let i = 0; i < MAX_CONTAINERS_PER_DOCUMENT; i++) text += `  - {name: c${i}, image: "nginx:1"}\n`;
  const analysis = analyze(text, { maxFileSize: LIMIT });
  assert.equal(analysis.documents[0].analysis.fields.containers.length, MAX_CONTAINERS_PER_DOCUMENT);
  assert.equal(notAnalysed(analysis).length, 0);
});

test('a 10,000-document file analyses in under 3 s, and re-analysing after an edit is much faster', () => {
  const text = stream(10_000);
  let began = Date.now();
  const first = analyze(text, { maxFileSize: LIMIT });
  const elapsed = Date.now() - began;
  assert.equal(first.documents.length, 10_000);
  assert.ok(elapsed < 3000, `took ${elapsed} ms`);
  const at = first.documents[5000].start + 10;
  const edited = text.slice(0, at) + 'x' + text.slice(at);
  began = Date.now();
  const second = analyze(edited, { maxFileSize: LIMIT, previous: first });
  const again = Date.now() - began;
  assert.equal(second.reparsed, 1);
  assert.ok(again < 3000, `re-analysis took ${again} ms`);
});

test('a 20 MB file: everything up to the size limit is analysed, and one finding says where it stops', () => {
  const target = 20 * 1024 * 1024;
  const one = deployment(7);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < target; i++) {
    const doc = deployment(i);
    parts.push(doc);
    size += doc.length;
  }
  const text = parts.join('');
  assert.ok(text.length >= target && one.length > 300);
  const began = Date.now();
  const analysis = analyze(text, { maxFileSize: LIMIT });
  const elapsed = Date.now() - began;
  // The documents analysed are exactly those that end within the limit.
  let expectedDocs = 0;
  let offset = 0;
  while (offset + parts[expectedDocs].length <= LIMIT) offset += parts[expectedDocs++].length;
  assert.equal(analysis.documents.length, expectedDocs);
  assert.equal(analysis.documents[expectedDocs - 1].end, offset);
  const findings = notAnalysed(analysis);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].start, offset);
  assert.equal(findings[0].message, 'The file is larger than 8 MB; the rest was not analysed.');
  assert.ok(elapsed < 5000, `took ${elapsed} ms`);
});

/** A real garbage collection: the flag can be set at run time, and a new context then sees `gc`. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

test('reused document analyses do not keep earlier versions of the text alive', () => {
  // 2,000 documents whose image values are long enough for V8 to slice them from the text.
  const doc = (i: number): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: c\n      image: registry.example.com/team/app-${i}:1.0.0\n` +
    `      env:\n        - name: PADDING\n          value: "${'x'.repeat(900)}"\n`;
  const documents = Array.from({ length: 2000 }, (_, i) => doc(i));
  let text = documents.join('---\n');
  let analysis = analyze(text, { maxFileSize: 1e9 });
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  // Forty edits, each to a different document: every version of the 2 MB text would stay reachable
  // through the unchanged documents' image values if those were slices of it.
  for (let edit = 0; edit < 40; edit++) {
    documents[edit * 50] = documents[edit * 50].replace('name: c', `name: c${edit}`);
    text = documents.join('---\n');
    analysis = analyze(text, { maxFileSize: 1e9, previous: analysis });
    assert.equal(analysis.reparsed, 1);
  }
  collectGarbage();
  const grown = (process.memoryUsage().heapUsed - before) / 1048576;
  assert.ok(grown < 20, `heap grew by ${grown.toFixed(1)} MB over 40 edits of a ${(text.length / 1048576).toFixed(1)} MB file`);
});

/** `key: ` then `levels` nested flow collections opened by `open` and closed by `close`; the root map is level 1. */
function deepFlow(levels: number, open: string, close: string, key = 'a'): string {
  return `${key}: ${open.repeat(levels)}${close.repeat(levels)}`;
}

/** Each not-analysed finding as `message @offset "first character"`. */
function cuts(analysis: Analysis): string[] {
  return notAnalysed(analysis).map((f) => `${f.message} @${f.start} ${JSON.stringify(analysis.text.slice(f.start, f.end))}`);
}

const TOO_DEEP = `The YAML here nests deeper than ${MAX_DEPTH} levels; what it holds was not analysed.`;

test(`deep flow sequences and maps: one not-analysed at the first collection deeper than ${MAX_DEPTH} levels`, () => {
  // 5,000 levels in 10 KB; under the original code the fast path overflowed the stack and analyze threw.
  const sequences = deepFlow(5000, '[', ']');
  assert.ok(sequences.length > 10_000 && sequences.length < 10_010);
  const maps = `a: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`;
  for (const text of [sequences, maps]) {
    const began = performance.now();
    const analysis = analyze(text, { maxFileSize: LIMIT });
    const elapsed = performance.now() - began;
    // Level 1 is the root map, so the collection of level MAX_DEPTH + 1 is the MAX_DEPTH-th bracket.
    const at = 3 + (MAX_DEPTH - 1) * (text === maps ? 4 : 1);
    assert.deepEqual(cuts(analysis), [`${TOO_DEEP} @${at} ${JSON.stringify(text[3])}`]);
    assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
  }
  // Exactly MAX_DEPTH levels is analysed in full.
  assert.deepEqual(cuts(analyze(deepFlow(MAX_DEPTH - 1, '[', ']'), { maxFileSize: LIMIT })), []);
  assert.deepEqual(cuts(analyze(deepFlow(MAX_DEPTH, '[', ']'), { maxFileSize: LIMIT })), [`${TOO_DEEP} @${3 + MAX_DEPTH - 1} "["`]);
});

test('deep block nesting: compact sequences, indented maps and explicit keys', () => {
  const dashes = `${'- '.repeat(5000)}x\n`;
  assert.deepEqual(cuts(analyze(dashes, { maxFileSize: LIMIT })), [`${TOO_DEEP} @${2 * MAX_DEPTH} "-"`]);
  let maps = '';
  for (let level = 1; level <= 400; level++) maps += `${' '.repeat(level - 1)}k${level}:\n`;
  maps += `${' '.repeat(400)}image: nginx\n`;
  const at = maps.indexOf(`k${MAX_DEPTH + 1}:`);
  assert.deepEqual(cuts(analyze(maps, { maxFileSize: LIMIT })), [`${TOO_DEEP} @${at} "k"`]);
  const keys = `${'? '.repeat(5000)}x\n`;
  assert.deepEqual(cuts(analyze(keys, { maxFileSize: LIMIT })), [`${TOO_DEEP} @${2 * MAX_DEPTH} "?"`]);
});

/** A Pod with two containers; `extra` is added to the first one's fields. */
function pod(extra: string): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: deep',
    'spec:',
    '  containers:',
    '    - name: first',
    '      image: nginx',
    `      ${extra}`,
    '    - name: second',
    '      image: busybox:1.36',
    '',
  ].join('\n');
}

test('deep nesting inside a container: the rest of that document is still analysed', () => {
  for (const extra of [deepFlow(5000, '[', ']', 'args'), `env: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`]) {
    const text = pod(extra);
    const analysis = analyze(text, { maxFileSize: LIMIT });
    // Root map, spec, containers and the container are levels 1 to 4; the field's value is level 5.
    const at = text.indexOf(': ', text.indexOf(extra)) + 2 + (MAX_DEPTH + 1 - 5) * (extra.startsWith('env') ? 4 : 1);
    assert.deepEqual(located(analysis), [
      `implicit-latest "nginx"@${text.indexOf('nginx')}`,
      `not-pinned "busybox:1.36"@${text.indexOf('busybox:1.36')}`,
      `not-analysed ${JSON.stringify(text[at])}@${at}`,
    ]);
    assert.deepEqual(
      analysis.documents[0].analysis.fields.containers.map((c) => c.name),
      ['first', 'second'],
    );
  }
});

test('deep nesting in a second document: the first document keeps its findings', () => {
  const first = pod('args: [--port, "8080"]');
  const text = `${first}---\n${deepFlow(5000, '[', ']')}\n---\n${pod('args: []')}`;
  const analysis = analyze(text, { maxFileSize: LIMIT });
  const deep = first.length + 4 + 3 + MAX_DEPTH - 1;
  const third = text.lastIndexOf('apiVersion');
  assert.deepEqual(located(analysis), [
    `implicit-latest "nginx"@${text.indexOf('nginx')}`,
    `not-pinned "busybox:1.36"@${text.indexOf('busybox:1.36')}`,
    `not-analysed "["@${deep}`,
    `implicit-latest "nginx"@${text.indexOf('nginx', third)}`,
    `not-pinned "busybox:1.36"@${text.indexOf('busybox:1.36', third)}`,
  ]);
  assert.deepEqual(
    analysis.documents.map((d) => d.analysis.parser),
    ['fast', 'slow', 'fast'],
  );
});

test('a chain of aliases nesting deeper than the limit is cut at the alias that would pass it', () => {
  // Each level is shallow in the text, but `*aN` puts the whole chain below it.
  let text = 'a0: &a0 [x]\n';
  for (let i = 1; i < 1000; i++) text += `a${i}: &a${i} [*a${i - 1}]\n`;
  const analysis = analyze(text, { maxFileSize: LIMIT });
  // a{i}'s sequence is level 2 and a{i-1}'s chain below it reaches level i + 2.
  const alias = `*a${MAX_DEPTH - 2}]`;
  assert.deepEqual(cuts(analysis), [`${TOO_DEEP} @${text.indexOf(alias)} "*"`]);
});

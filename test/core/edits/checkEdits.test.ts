/**
 * checkEdits: an edit reaches a file only when the edited document, read again, differs in exactly
 * the intended way. Each case plans an edit the builders would make from a hostile value (what a
 * registry that answers `sha256:…, command: [sh, -c, x]` would have them write) and names the
 * refusal; the same builders with honest values pass (the golden tests in fieldEdits.test.ts and
 * the code-action tests check that for every shape).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis } from '../../../server/src/core/analysis';
import { checkEdit, EditChecker, expecting } from '../../../server/src/core/edits/checkEdits';
import type { PlannedEdit } from '../../../server/src/core/edits/checkEdits';
import { insertEntryAfter, replaceEntry, replaceScalar } from '../../../server/src/core/edits/fieldEdits';
import { readsAsImage } from '../../../server/src/core/edits/pinEdits';
import { imageSites } from '../../../server/src/core/imageSites';
import { analyzeText, crlf, DIGEST, kustomization, OTHER_DIGEST, pod } from '../../helpers/manifests';

const INJECTED = `${DIGEST}, command: [sh, -c, x]`;

/** The first image site of text, with its analysis. */
function firstSite(text: string, fileName?: string): { analysis: Analysis; site: ReturnType<typeof imageSites>[number] } {
  const analysis = analyzeText(text, fileName);
  const [site] = imageSites(analysis);
  assert.ok(site, 'the text has an image site');
  return { analysis, site };
}

/** Plans replacing the first container image with value, expecting it to read as repo:1 @ digest. */
function imageEdit(text: string, value: string, digest = DIGEST): { analysis: Analysis; planned: PlannedEdit } {
  const { analysis, site } = firstSite(text);
  const planned = replaceScalar(site.doc.start, site.container!.image!.value!, value);
  return { analysis, planned: expecting(planned, readsAsImage(site.ref, site.ref.tag, digest)) };
}

function refusal(analysis: Analysis, planned: PlannedEdit | readonly PlannedEdit[]): string {
  const list = Array.isArray(planned) ? planned : [planned as PlannedEdit];
  const result = new EditChecker(analysis.text, analysis.documents[0]).check(list);
  assert.equal(result.ok, false, 'the edit was accepted');
  return result.ok ? '' : result.refusal.reason;
}

const flow = pod('    - {name: app, image: nginx:1}\n');
const block = pod('    - name: app\n      image: nginx:1 # the app\n      ports: []\n');

test('a digest with YAML after it, written into a flow mapping, is refused: the mapping gains an entry', () => {
  const { analysis, planned } = imageEdit(flow, `nginx:1@${INJECTED}`);
  assert.equal(refusal(analysis, planned), 'it would add an entry next to the field');
});

test('the same value in block style is refused: the document no longer parses as before', () => {
  const { analysis, planned } = imageEdit(block, `nginx:1@${INJECTED}`);
  assert.equal(refusal(analysis, planned), 'the edited YAML document would not parse as before');
});

test('a value that reads back whole but is no image reference is refused', () => {
  const { analysis, planned } = imageEdit(block, `nginx:1@${DIGEST},x`);
  assert.equal(refusal(analysis, planned), `the image would read "nginx:1@${DIGEST},x", which is not a valid image reference`);
});

test('a line break and a new key, in block style, are refused: the structure around the field changes', () => {
  const { analysis, planned } = imageEdit(block, `nginx:1@${DIGEST}\n      command: [sh, -c, x]`);
  assert.equal(refusal(analysis, planned), 'it would add an entry next to the field');
});

test('a comment sign cuts a plain value short, and is refused, pointing at the field in the file', () => {
  const text = `kind: ConfigMap\n---\n${block}`;
  const { analysis, planned } = imageEdit(text, `nginx:1@${DIGEST} # x`);
  const result = new EditChecker(analysis.text, analysis.documents[1]).check([planned]);
  const start = text.indexOf('nginx:1');
  assert.deepEqual(result, { ok: false, refusal: { start, end: start + 7, reason: 'the new value would not be exactly the text written' } });
});

test('a quote in a double-quoted value is escaped, so it reads back, and is refused as no image reference', () => {
  const { analysis, planned } = imageEdit(pod('    - name: app\n      image: "nginx:1"\n'), `nginx:1@${DIGEST}", command: [sh]`);
  assert.match(refusal(analysis, planned), /which is not a valid image reference$/);
});

test('a value that starts a new document is refused', () => {
  const { analysis, planned } = imageEdit(crlf(block), `nginx:1@${DIGEST}\r\n---\r\nkind: Pod`);
  assert.equal(refusal(analysis, planned), 'it would split the YAML document in two');
});

test('a valid reference that is not the one meant is refused: another tag, another digest, another repository', () => {
  const cases = {
    [`nginx:2@${DIGEST}`]: `the image's tag would be "2", not "1"`,
    [`nginx:1@${OTHER_DIGEST}`]: `the image's digest would be "${OTHER_DIGEST}", not "${DIGEST}"`,
    [`nginx@${DIGEST}`]: `the image's tag would be none, not "1"`,
    [`docker.io/library/nginx:1@${DIGEST}`]: 'the image would name "docker.io/library/nginx", not "nginx"',
  };
  for (const [value, reason] of Object.entries(cases)) {
    const { analysis, planned } = imageEdit(block, value);
    assert.equal(refusal(analysis, planned), reason);
  }
});

test('a digest of an algorithm the OCI image spec does not register (sha384) is not written', () => {
  const sha384 = `sha384:${'a'.repeat(96)}`;
  const { analysis, planned } = imageEdit(block, `nginx:1@${sha384}`, sha384);
  assert.equal(refusal(analysis, planned), `"${sha384}" is not a valid OCI digest`);
});

test('the intended pin passes, in every quoting style', () => {
  for (const text of [flow, block, pod("    - name: app\n      image: 'nginx:1'\n"), pod('    - name: app\n      image: >-\n        nginx:1\n')]) {
    const { analysis, planned } = imageEdit(text, `nginx:1@${DIGEST}`);
    const result = checkEdit(analysis.text, analysis.documents[0], planned);
    assert.ok(result.ok, text);
    assert.deepEqual(result.edits, [planned.edit]);
  }
});

const entry = kustomization('  - name: ghcr.io/acme/app\n    newTag: "1.0"\n    newName: ghcr.io/acme/other\n');

test('a kustomize digest: line whose value carries another key is refused', () => {
  const { analysis, site } = firstSite(entry, 'kustomization.yaml');
  const planned = insertEntryAfter(analysis.text, site.doc.start, site.entry!, site.entry!.newTag!, 'digest', `${DIGEST}\n    newName: evil.example/x`);
  assert.equal(refusal(analysis, planned), `the value would read "${DIGEST}" instead of "${DIGEST}\\n    newName: evil.example/x"`);
});

test('a kustomize digest: is not added to an entry that has one already', () => {
  const { analysis, site } = firstSite(kustomization('  - name: ghcr.io/acme/app\n    newTag: "1.0"\n    digest: ${DIGEST}\n'), 'kustomization.yaml');
  const planned = insertEntryAfter(analysis.text, site.doc.start, site.entry!, site.entry!.newTag!, 'digest', DIGEST);
  assert.equal(refusal(analysis, planned), 'the mapping has a "digest" entry already');
});

test('newTag replaced by a digest: entry in a flow mapping passes, and a hostile one does not', () => {
  const text = kustomization('  - {name: ghcr.io/acme/app, newTag: "1.0"}\n');
  const { analysis, site } = firstSite(text, 'kustomization.yaml');
  const honest = replaceEntry(site.doc.start, site.entry!.newTag!, 'digest', DIGEST);
  assert.ok(checkEdit(analysis.text, site.doc, honest).ok);
  const hostile = replaceEntry(site.doc.start, site.entry!.newTag!, 'digest', `${DIGEST}, newName: evil.example/x`);
  assert.match(refusal(analysis, hostile), /^the value would read "sha256:c{64}" instead of /);
});

test('edits outside the document, overlapping edits and an edit whose field is gone are refused', () => {
  const { analysis, planned } = imageEdit(`${block}---\nkind: ConfigMap\n`, `nginx:1@${DIGEST}`);
  const outside: PlannedEdit = { ...planned, edit: { start: analysis.text.length - 3, end: analysis.text.length, newText: 'x' } };
  assert.equal(refusal(analysis, outside), 'it would reach outside the YAML document of the field');
  const overlapping: PlannedEdit = { ...planned, edit: { ...planned.edit, start: planned.edit.start + 1 } };
  assert.equal(refusal(analysis, [planned, overlapping]), 'two of its edits overlap');
  assert.equal(refusal(analysis, overlapping), 'it would change "nginx:1" next to the field');
  // An intent for a scalar the document does not have (here: inside the comment).
  const comment = analysis.text.indexOf('the app');
  const nowhere: PlannedEdit = {
    edit: { start: comment, end: comment + 3, newText: 'a' },
    intent: { kind: 'replace', scalar: { type: 'scalar', value: 'the', style: 'plain', start: comment, end: comment + 3 }, value: 'a' },
  };
  assert.equal(refusal(analysis, nowhere), 'the field it edits was not found when the document was read again');
});

test('an edit whose text reaches past its scalar into the next key is refused', () => {
  const { analysis, planned } = imageEdit(block, `nginx:1@${DIGEST}`);
  const ports = analysis.text.indexOf('ports');
  const wider: PlannedEdit = { ...planned, edit: { ...planned.edit, end: ports + 5, newText: `nginx:1@${DIGEST} # the app\n      portz` } };
  assert.match(refusal(analysis, wider), /^it would change "(ports|nginx:1)" next to the field$/);
});

test('pinning an anchored image pins its aliases the same way, and passes', () => {
  const aliased = pod('    - name: app\n      image: &img nginx:1\n    - name: b\n      image: *img\n      args: [*img]\n');
  const { analysis, planned } = imageEdit(aliased, `nginx:1@${DIGEST}`);
  assert.ok(checkEdit(analysis.text, analysis.documents[0], planned).ok);
});

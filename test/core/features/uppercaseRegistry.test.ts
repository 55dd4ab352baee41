/**
 * uppercase-registry: a first component with uppercase letters and no "." or ":" is read as a
 * registry host (distribution/reference), so `Envoyproxy/envoy:v1.30.1` names a server "Envoyproxy".
 * The finding marks that component as written; its quick fix writes the Docker Hub reading, checked
 * like every edit, in containers, Dockerfiles and kustomize `images:` entries, and only there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import { computeCodeActions } from '../../../server/src/core/features/codeActions';
import { collectDiagnostics } from '../../../server/src/core/features/diagnostics';
import { parseReference } from '../../../server/src/core/reference/reference';
import { uppercaseRegistry } from '../../../server/src/core/diagnostics/uppercaseRegistry';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { analyzeFile } from '../../../server/src/engine/analyzeFile';
import { kustomization, pod } from '../../helpers/manifests';

const container = (image: string): string => pod(`    - name: app\n      image: ${image}\n`);

function marked(text: string, fileName?: string): string[] {
  const analysis = analyzeFile(text, { fileName: fileName ?? 'pod.yaml', maxFileSize: 1 << 24 });
  return collectDiagnostics(analysis, DEFAULT_SETTINGS, null)
    .filter((d) => d.code === 'uppercase-registry')
    .map((d) => text.slice(d.start, d.end));
}

/** The document after the one uppercase-registry fix at the finding, and the fix's title. */
function fixed(text: string, fileName = 'pod.yaml'): { title: string; text: string } {
  const analysis = analyzeFile(text, { fileName, maxFileSize: 1 << 24 });
  const [finding] = collectDiagnostics(analysis, DEFAULT_SETTINGS, null).filter((d) => d.code === 'uppercase-registry');
  assert.ok(finding, 'no uppercase-registry finding');
  const actions = computeCodeActions(analysis, finding.start, finding.start, DEFAULT_SETTINGS).filter((a) => a.fixes.includes('uppercase-registry'));
  assert.equal(actions.length, 1, actions.map((a) => a.title).join('; '));
  assert.equal(actions[0].isPreferred, true);
  return { title: actions[0].title, text: applyEdits(text, actions[0].edits) };
}

function readingOf(image: string): ReturnType<typeof uppercaseRegistry> {
  const parsed = parseReference(image);
  assert.ok(parsed.ok, image);
  return uppercaseRegistry(parsed.value);
}

test('an uppercase first component without "." or ":" is a host only because of its case', () => {
  assert.deepEqual(readingOf('Envoyproxy/envoy:v1.30.1'), { host: 'Envoyproxy', span: { start: 0, end: 10 }, dockerHub: 'envoyproxy/envoy:v1.30.1' });
  // Real hosts (a ".", a ":", localhost, an IPv6 address) and lowercase names are what they look like.
  for (const image of ['envoyproxy/envoy:v1.30.1', 'Registry.example.com/a:1', 'MyRegistry:5000/a:1', 'localhost/a:1', 'nginx', '[::1]:5000/a']) {
    assert.equal(readingOf(image), null, image);
  }
  // "LocalHost" lowercased is the host localhost again, not Docker Hub: no reading to offer.
  assert.equal(readingOf('LocalHost/a'), null);
});

test('the finding marks the host as written, quoted or not, and says what it is read as', () => {
  assert.deepEqual(marked(container('Envoyproxy/envoy:v1.30.1')), ['Envoyproxy']);
  assert.deepEqual(marked(container('"Envoyproxy/envoy:v1.30.1@sha256:' + 'a'.repeat(64) + '"')), ['Envoyproxy']);
  assert.deepEqual(marked(container('Acme-Corp/tools/kubectl:1.32')), ['Acme-Corp']);
  assert.deepEqual(marked(container('envoyproxy/envoy:v1.30.1')), []);
  assert.deepEqual(marked(container('Registry.example.com/envoy:1')), []);
  const analysis = analyze(container('Envoyproxy/envoy:v1.30.1'), { maxFileSize: 1 << 24 });
  const finding = collectDiagnostics(analysis, DEFAULT_SETTINGS, null).find((d) => d.code === 'uppercase-registry');
  assert.equal(finding?.severity, 'warning');
  assert.equal(finding?.message, '"Envoyproxy" has uppercase letters, so it is read as a registry host, not Docker Hub\'s "envoyproxy/envoy:v1.30.1".');
});

test('the quick fix writes the Docker Hub reading: a container, a quoted value, a Dockerfile, a kustomize entry', () => {
  assert.deepEqual(fixed(container('Envoyproxy/envoy:v1.30.1  # the proxy')), {
    title: "Use Docker Hub's envoyproxy/envoy:v1.30.1",
    text: container('envoyproxy/envoy:v1.30.1  # the proxy'),
  });
  assert.equal(fixed(container("'Acme-Corp/tools/kubectl:1.32'")).text, container("'acme-corp/tools/kubectl:1.32'"));
  assert.equal(fixed('FROM Envoyproxy/envoy:v1.30.1 AS proxy\nRUN true\n', 'Dockerfile').text, 'FROM envoyproxy/envoy:v1.30.1 AS proxy\nRUN true\n');
  const entry = kustomization('  - name: Envoyproxy/envoy\n    newTag: v1.30.1\n');
  assert.equal(fixed(entry, 'kustomization.yaml').text, entry.replace('Envoyproxy', 'envoyproxy'));
});

test('no fix where the finding is off or elsewhere', () => {
  const text = container('Envoyproxy/envoy:v1.30.1');
  const analysis = analyze(text, { maxFileSize: 1 << 24 });
  const off = { ...DEFAULT_SETTINGS, severity: { ...DEFAULT_SETTINGS.severity, 'uppercase-registry': 'off' as const } };
  assert.deepEqual(
    computeCodeActions(analysis, text.indexOf('Envoy'), text.indexOf('Envoy'), off).filter((a) => a.fixes.includes('uppercase-registry')),
    [],
  );
  assert.deepEqual(
    computeCodeActions(analysis, 0, 1, DEFAULT_SETTINGS).filter((a) => a.fixes.includes('uppercase-registry')),
    [],
  );
});

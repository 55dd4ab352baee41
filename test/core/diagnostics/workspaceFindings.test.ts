/**
 * pullSecretFindings: an imagePullSecrets entry is reported only when workspace facts are known and
 * no file defines that Secret. «…» marks every span a finding must cover; each finding names its Secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pullSecretFindings } from '../../../server/src/core/diagnostics/workspaceFindings';
import type { WorkspaceFacts } from '../../../server/src/core/workspace';
import { marked } from '../../helpers/caret';
import { analyzeText, DIGEST, pod } from '../../helpers/manifests';

function facts(...definedSecrets: string[]): WorkspaceFacts {
  return { definedSecrets: new Set(definedSecrets), images: new Map() };
}

const message = (secret: string): string =>
  `No file in the workspace defines Secret "${secret}", so pulls from a private registry fail with ErrImagePull unless it is created another way (kubectl create secret docker-registry).`;

/** expected: the Secret name each «…» span reports, in order. */
function check(input: string, workspace: WorkspaceFacts | null, expected: readonly string[]): void {
  const { text, spans } = marked(input);
  assert.equal(spans.length, expected.length, 'the fixture needs one «…» per expected finding');
  const findings = analyzeText(text).documents.flatMap((doc) =>
    pullSecretFindings(doc.analysis.fields, workspace).map((f) => ({ ...f, start: f.start + doc.start, end: f.end + doc.start })),
  );
  assert.deepEqual(
    findings.map((f) => ({ code: f.code, start: f.start, end: f.end, message: f.message })),
    expected.map((secret, i) => ({ code: 'unknown-pull-secret', start: spans[i].start, end: spans[i].end, message: message(secret) })),
  );
}

const image = `    - name: app\n      image: ghcr.io/acme/web@${DIGEST}\n`;
const twoContainers = image + `    - name: sidecar\n      image: ghcr.io/acme/proxy@${DIGEST}\n`;

const cases: [string, string, WorkspaceFacts | null, string[]][] = [
  ['no workspace facts: silent', pod(image, '  imagePullSecrets:\n    - name: regcred\n'), null, []],
  ['an undefined Secret is reported on its name', pod(image, '  imagePullSecrets:\n    - name: «regcred»\n'), facts('other'), ['regcred']],
  ['a defined Secret is not', pod(image, '  imagePullSecrets:\n    - name: regcred\n'), facts('regcred'), []],
  ['only the undefined one of two', pod(image, '  imagePullSecrets:\n    - name: regcred\n    - name: «"ghcr-pull"»\n'), facts('regcred'), ['ghcr-pull']],
  ['once per entry, not once per container', pod(twoContainers, '  imagePullSecrets:\n    - name: «regcred»\n'), facts(), ['regcred']],
  ['in a flow list', pod(image, '  imagePullSecrets: [{name: «regcred»}]\n'), facts(), ['regcred']],
  ['an entry without a name is skipped', pod(image, '  imagePullSecrets:\n    - {}\n    - name:\n'), facts(), []],
  [
    'a Secret defined in the same file counts only through the facts',
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n---\n` + pod(image, '  imagePullSecrets:\n    - name: «regcred»\n'),
    facts(),
    ['regcred'],
  ],
];

for (const [name, input, workspace, expected] of cases) {
  test(`pullSecretFindings: ${name}`, () => check(input, workspace, expected));
}

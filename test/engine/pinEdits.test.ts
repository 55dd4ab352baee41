/**
 * pinEdits against a real registry behind a recording proxy: pinning many files makes exactly one
 * manifest request per unique `repo:tag` (a HEAD, since only the digest is needed), and the edits
 * rewrite only each image scalar, keeping quotes and comments. With a pin platform, each reference is
 * one GET by tag (the index and its children in one body) and each platform's digest is written.
 * Images that cannot be pinned are reported: also an answer with an invalid digest, and a pin whose
 * edit is refused by its check.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analysis';
import { applyEdits } from '../../server/src/core/edits/textEdit';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { pinEdits } from '../../server/src/engine';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient } from '../../server/src/registry';
import { moveTag, proxy, pushImage, pushIndex, respond, startMisbehavingServer, startRegistry } from '../helpers/registry';
import type { MisbehavingServer, PushedImage, PushedIndex, RunningRegistry } from '../helpers/registry';

let registry: RunningRegistry;
let front: MisbehavingServer;
let home: string;
let web: PushedImage;
let api: PushedImage;
let multi: PushedIndex;
const clients: RegistryClient[] = [];

before(async () => {
  registry = await startRegistry();
  home = mkdtempSync(join(tmpdir(), 'image-aware-pin-'));
  web = await pushImage(registry, 'team/web', '1.2.3');
  api = await pushImage(registry, 'team/api', 'latest', { format: 'docker' });
  multi = await pushIndex(registry, 'team/multi', '2.0.0', ['linux/amd64', 'linux/arm64']);
  front = await startMisbehavingServer(proxy(registry));
});

after(async () => {
  for (const client of clients) client.close();
  await front?.stop();
  await registry?.stop();
  rmSync(home, { recursive: true, force: true });
});

function newClient(): RegistryClient {
  const client = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH }, fetchTimeoutMs: 5000, maxRetries: 0 });
  clients.push(client);
  return client;
}

function files(host: string): Record<string, string> {
  return {
    'a.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      `        - image: "${host}/team/web:1.2.3" # the web server`,
      `        - image: '${host}/team/api'`,
      `        - {name: side, image: ${host}/team/multi:2.0.0}`,
      '',
    ].join('\n'),
    'b.yaml': [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: web',
      'spec:',
      '  containers:',
      `    - image: ${host}/team/web:1.2.3`,
      `    - image: ${host}/team/web:9.9.9`,
      `    - image: ${host}/team/web:1.2.3@${web.digest}`,
      '',
    ].join('\r\n'),
  };
}

async function pinAll(pin = DEFAULT_SETTINGS.pin) {
  const inputs = files(front.host);
  const targets = Object.entries(inputs).map(([id, text]) => ({ id, analysis: analyze(text, { maxFileSize: 1 << 20 }) }));
  front.resetRequests();
  const report = await pinEdits(targets, newClient(), { pin });
  const results = Object.fromEntries(
    report.files.map((file) => [
      file.id,
      applyEdits(
        inputs[file.id],
        file.pins.map((p) => p.edit),
      ),
    ]),
  );
  return { inputs, report, results };
}

test('one manifest request per unique repo:tag, and only the image scalars change', async () => {
  const { inputs, report, results } = await pinAll();
  const host = front.host;
  assert.equal(report.asked, 4);
  const manifestRequests = front.requests.filter((r) => r.path.includes('/manifests/')).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(manifestRequests.sort(), [
    'HEAD /v2/team/api/manifests/latest',
    'HEAD /v2/team/multi/manifests/2.0.0',
    'HEAD /v2/team/web/manifests/1.2.3',
    'HEAD /v2/team/web/manifests/9.9.9',
  ]);
  assert.equal(
    results['a.yaml'],
    inputs['a.yaml']
      .replace(`"${host}/team/web:1.2.3"`, `"${host}/team/web:1.2.3@${web.digest}"`)
      // An implied :latest is not written next to the digest.
      .replace(`'${host}/team/api'`, `'${host}/team/api@${api.digest}'`)
      .replace(`image: ${host}/team/multi:2.0.0}`, `image: ${host}/team/multi:2.0.0@${multi.digest}}`),
  );
  assert.equal(results['b.yaml'], inputs['b.yaml'].replace(`    - image: ${host}/team/web:1.2.3\r\n`, `    - image: ${host}/team/web:1.2.3@${web.digest}\r\n`));
  const missing = `${host}/team/web:9.9.9`;
  assert.deepEqual(report.skipped, [
    { id: 'b.yaml', image: missing, start: inputs['b.yaml'].indexOf(missing), reason: `${host} has no tag "9.9.9" in team/web` },
  ]);
});

test('keepTag false writes repo@digest; a platform pins that image of an index, reading the index once', async () => {
  const { inputs, report, results } = await pinAll({ keepTag: false, platform: 'linux/arm64' });
  const host = front.host;
  // With a platform the body is needed: one GET by tag per unique reference, whose bytes give the index
  // digest and its children. No HEAD before it, no GET by digest after it, no config blob.
  const requests = front.requests.filter((r) => r.path !== '/v2/').map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(requests.sort(), [
    'GET /v2/team/api/manifests/latest',
    'GET /v2/team/multi/manifests/2.0.0',
    'GET /v2/team/web/manifests/1.2.3',
    'GET /v2/team/web/manifests/9.9.9',
  ]);
  assert.equal(
    results['a.yaml'],
    inputs['a.yaml']
      .replace(`"${host}/team/web:1.2.3"`, `"${host}/team/web@${web.digest}"`)
      .replace(`'${host}/team/api'`, `'${host}/team/api@${api.digest}'`)
      .replace(`image: ${host}/team/multi:2.0.0}`, `image: ${host}/team/multi@${multi.images[1].digest}}`),
  );
  const pinned = report.files.find((f) => f.id === 'a.yaml')!.pins.map((p) => p.choice.platform);
  assert.deepEqual(pinned, [null, null, 'linux/arm64']);
});

test('a tag moved since the last pin is pinned to where it points now: one HEAD per unique tag, the tag cache not trusted', async () => {
  const moving = await pushImage(registry, 'team/moving', '1.0');
  const image = `${front.host}/team/moving:1.0`;
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - image: ${image}\n    - image: ${image}\n`;
  const targets = [{ id: 'pod.yaml', analysis: analyze(text, { maxFileSize: 1 << 20 }) }];
  const client = newClient();
  const first = await pinEdits(targets, client, { pin: DEFAULT_SETTINGS.pin });
  assert.ok(first.files[0].pins.every((pin) => pin.edit.newText.endsWith(moving.digest)));
  const moved = await moveTag(registry, 'team/moving', '1.0');
  front.resetRequests();
  // The same client, a moment later: well within the lifetime of its cached answer for the tag.
  const second = await pinEdits(targets, client, { pin: DEFAULT_SETTINGS.pin });
  assert.deepEqual(
    second.files[0].pins.map((pin) => pin.edit.newText),
    [`${image}@${moved.digest}`, `${image}@${moved.digest}`],
  );
  assert.deepEqual(
    front.requests.filter((r) => r.path !== '/v2/').map((r) => `${r.method} ${r.path}`),
    ['HEAD /v2/team/moving/manifests/1.0'],
  );
});

test('a digest with YAML after it is never written, and a refused pin is reported with its reason', async () => {
  const hostile = await startMisbehavingServer(proxy(registry));
  try {
    const injected = `${web.digest}, command: [sh, -c, x]`;
    const headers = { 'Docker-Content-Digest': injected, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' };
    hostile.on('/v2/team/evil/manifests/1.0', respond(200, '', headers));
    const host = hostile.host;
    const containers = `    - {name: evil, image: ${host}/team/evil:1.0}\n    - {name: web, image: ${host}/team/web:1.2.3}\n`;
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${containers}`;
    const entry = `  - name: ${host}/team/web\n    newTag: 1.2.3\n    digest: \${WEB_DIGEST}\n`;
    const kustomization = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n${entry}`;
    const targets = [
      { id: 'pod.yaml', analysis: analyze(pod, { maxFileSize: 1 << 20 }) },
      { id: 'kustomization.yaml', analysis: analyze(kustomization, { fileName: 'kustomization.yaml', maxFileSize: 1 << 20 }) },
    ];
    const report = await pinEdits(targets, newClient(), { pin: DEFAULT_SETTINGS.pin });
    assert.deepEqual(
      report.files.map((file) => [
        file.id,
        applyEdits(
          pod,
          file.pins.map((p) => p.edit),
        ),
      ]),
      [['pod.yaml', pod.replace(`team/web:1.2.3}`, `team/web:1.2.3@${web.digest}}`)]],
    );
    assert.deepEqual(report.skipped, [
      {
        id: 'pod.yaml',
        image: `${host}/team/evil:1.0`,
        start: pod.indexOf(`${host}/team/evil:1.0`),
        // The registry client refuses the answer at the source; the core's own check (test/core/facts.test.ts) is the second line.
        reason: `${host} sent an invalid digest in Docker-Content-Digest for manifest ${host}/team/evil:1.0.`,
      },
      {
        id: 'kustomization.yaml',
        image: `${host}/team/web:1.2.3`,
        // A kustomize entry's image starts at its name.
        start: kustomization.indexOf(`${host}/team/web`),
        reason: 'the edit was refused: its "digest:" entry holds no digest to replace (it is empty or templated)',
      },
    ]);
  } finally {
    await hostile.stop();
  }
});

/**
 * Pinning what was pushed: pushedPinEdits gives, for every image naming the pushed repository and
 * tag, exactly the edit the "Pin to digest" code action gives for the same digest (containers in
 * any quoting style, kustomize entries, tag kept or dropped), or for one pinned to another digest
 * (an earlier push) the "Update pinned digest" action's edit, and touches nothing else. pushImage
 * pins what the registry serves for the tag, asked fresh after the push (here with a recording fake
 * tool and client; against real tools and a real registry in test/tools/*.real.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import type { TextEdit } from '../../../server/src/core/edits/textEdit';
import { computeCodeActions } from '../../../server/src/core/features/codeActions';
import { imageSites } from '../../../server/src/core/imageSites';
import type { ManifestFound } from '../../../server/src/core/facts';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import type { PinSettings } from '../../../server/src/core/settings';
import { pushedPinEdits, pushImage } from '../../../server/src/engine';
import type { PushedImage } from '../../../server/src/engine';
import type { ManifestInfo, ManifestRef, ManifestRequestOptions, RegistryClient } from '../../../server/src/registry/types';
import type { BuildTool, PushOptions } from '../../../server/src/tools/types';
import { found, foundIndex, registryFacts } from '../../helpers/facts';
import { analyzeText, crlf, DIGEST, kustomization, OTHER_DIGEST, pod } from '../../helpers/manifests';

const IMAGE = '127.0.0.1:5000/team/web:1.0';
const pushed: PushedImage = { image: IMAGE, digest: DIGEST, toolDigest: OTHER_DIGEST, manifest: found(DIGEST) };

/**
 * The edit of the "Pin to digest" or "Update pinned digest" code action at each image site the
 * facts (the tag's answer, `pushed.manifest` by default) let it pin.
 */
function pinActionEdits(text: string, pin: PinSettings, answer: ManifestFound = pushed.manifest): TextEdit[] {
  const analysis = analyzeText(text);
  const facts = registryFacts({ manifests: { [`127.0.0.1:5000/team/web:1.0`]: answer } });
  const settings = { ...DEFAULT_SETTINGS, pin };
  return imageSites(analysis).flatMap((site) => {
    // A kustomize entry's stale-pin finding sits on its own digest: line.
    const spans = [site.span, site.digestSpan ?? site.span];
    const actions = computeCodeActions(analysis, Math.min(...spans.map((s) => s.start)), Math.max(...spans.map((s) => s.end)), settings, null, facts);
    return actions.filter((action) => /^(Pin to digest:|Update pinned digest to )/.test(action.title)).flatMap((action) => action.edits);
  });
}

function pushedEdits(text: string, pin: PinSettings, image: PushedImage = pushed): TextEdit[] {
  const files = pushedPinEdits([{ id: 'f', analysis: analyzeText(text) }], image, pin);
  return files.flatMap((file) => file.pins.map((p) => p.edit));
}

const containers = pod(
  [
    '    - name: double',
    `      image: "${IMAGE}" # built from web/Dockerfile`,
    '    - name: single',
    `      image: '${IMAGE}'`,
    `    - {name: flow, image: ${IMAGE}}`,
    '    - name: other-tag',
    '      image: 127.0.0.1:5000/team/web:2.0',
    '    - name: other-repo',
    '      image: 127.0.0.1:5000/team/api:1.0',
    '    - name: pinned',
    `      image: ${IMAGE}@${OTHER_DIGEST}`,
    '',
  ].join('\n'),
);

test("containers: the pin actions' edits, byte for byte, only for the pushed repository and tag", () => {
  for (const pin of [DEFAULT_SETTINGS.pin, { keepTag: false, platform: null }]) {
    const edits = pushedEdits(containers, pin);
    assert.equal(edits.length, 4);
    assert.deepEqual(edits, pinActionEdits(containers, pin));
  }
  assert.equal(
    applyEdits(containers, pushedEdits(containers, DEFAULT_SETTINGS.pin)),
    containers
      .replace(`"${IMAGE}"`, `"${IMAGE}@${DIGEST}"`)
      .replace(`'${IMAGE}'`, `'${IMAGE}@${DIGEST}'`)
      .replace(`image: ${IMAGE}}`, `image: ${IMAGE}@${DIGEST}}`)
      .replace(`${IMAGE}@${OTHER_DIGEST}`, `${IMAGE}@${DIGEST}`),
  );
});

test('a pin to another digest is re-pinned keeping its tag (also with drop-tag); one at the pushed digest, without a tag or of another tag is left alone', () => {
  const text = pod(
    [
      '    - name: old',
      `      image: "${IMAGE}@${OTHER_DIGEST}" # the previous push`,
      '    - name: current',
      `      image: ${IMAGE}@${DIGEST}`,
      '    - name: digest-only',
      `      image: 127.0.0.1:5000/team/web@${OTHER_DIGEST}`,
      '    - name: other-tag',
      `      image: 127.0.0.1:5000/team/web:2.0@${OTHER_DIGEST}`,
      '',
    ].join('\n'),
  );
  for (const pin of [DEFAULT_SETTINGS.pin, { keepTag: false, platform: null }]) {
    const files = pushedPinEdits([{ id: 'f', analysis: analyzeText(text) }], pushed, pin);
    assert.deepEqual(
      files[0].pins.map((p) => [p.site.ref.digest, p.value]),
      [[OTHER_DIGEST, `${IMAGE}@${DIGEST}`]],
    );
    assert.deepEqual(
      files[0].pins.map((p) => p.edit),
      pinActionEdits(text, pin),
    );
    assert.equal(
      applyEdits(
        text,
        files[0].pins.map((p) => p.edit),
      ),
      text.replace(`"${IMAGE}@${OTHER_DIGEST}"`, `"${IMAGE}@${DIGEST}"`),
    );
  }
  // Pushing the same digest again changes nothing.
  assert.deepEqual(
    pushedPinEdits([{ id: 'f', analysis: analyzeText(applyEdits(text, pushedEdits(text, DEFAULT_SETTINGS.pin))) }], pushed, DEFAULT_SETTINGS.pin),
    [],
  );
});

test("kustomize: an entry's digest: scalar is re-pinned in place", () => {
  const text = kustomization(
    ['  - name: web', '    newName: 127.0.0.1:5000/team/web', '    newTag: "1.0"', `    digest: '${OTHER_DIGEST}' # pinned`, ''].join('\n'),
  );
  const edits = pushedEdits(text, DEFAULT_SETTINGS.pin);
  assert.deepEqual(edits, pinActionEdits(text, DEFAULT_SETTINGS.pin));
  assert.equal(applyEdits(text, edits), text.replace(`'${OTHER_DIGEST}'`, `'${DIGEST}'`));
});

test("a pushed index: a pin to it or to one of its platforms' images is current; an older pin gets the pin platform's image", () => {
  const AMD64 = `sha256:${'a'.repeat(64)}`;
  const ARM64 = `sha256:${'b'.repeat(64)}`;
  const index = foundIndex(DIGEST, [
    { os: 'linux', architecture: 'amd64', digest: AMD64, size: 500 },
    { os: 'linux', architecture: 'arm64', digest: ARM64, size: 500 },
  ]);
  const image: PushedImage = { image: IMAGE, digest: DIGEST, toolDigest: null, manifest: index };
  const text = pod([`    - image: ${IMAGE}@${DIGEST}`, `    - image: ${IMAGE}@${ARM64}`, `    - image: ${IMAGE}@${OTHER_DIGEST}`, ''].join('\n'));
  const pin = { keepTag: true, platform: 'linux/amd64' };
  const edits = pushedEdits(text, pin, image);
  assert.deepEqual(edits, pinActionEdits(text, pin, index));
  assert.equal(applyEdits(text, edits), text.replace(`${IMAGE}@${OTHER_DIGEST}`, `${IMAGE}@${AMD64}`));
});

test('CRLF files keep their line endings', () => {
  const text = crlf(containers);
  const edits = pushedEdits(text, DEFAULT_SETTINGS.pin);
  assert.deepEqual(edits, pinActionEdits(text, DEFAULT_SETTINGS.pin));
  assert.equal(applyEdits(text, edits), crlf(applyEdits(containers, pushedEdits(containers, DEFAULT_SETTINGS.pin))));
});

test('kustomize entries: a digest line after newTag, or newTag replaced when the tag is dropped', () => {
  const text = kustomization(
    ['  - name: web # the app', '    newName: 127.0.0.1:5000/team/web', '    newTag: "1.0"', '  - name: 127.0.0.1:5000/team/web', '    newTag: "2.0"', ''].join(
      '\n',
    ),
  );
  const kept = pushedEdits(text, DEFAULT_SETTINGS.pin);
  assert.deepEqual(kept, pinActionEdits(text, DEFAULT_SETTINGS.pin));
  assert.equal(applyEdits(text, kept), text.replace('    newTag: "1.0"\n', `    newTag: "1.0"\n    digest: ${DIGEST}\n`));
  const dropped = pushedEdits(text, { keepTag: false, platform: null });
  assert.deepEqual(dropped, pinActionEdits(text, { keepTag: false, platform: null }));
  assert.equal(applyEdits(text, dropped), text.replace('    newTag: "1.0"\n', `    digest: ${DIGEST}\n`));
});

test('files without the pushed image are left out; the same repository written another way still matches', () => {
  const files = pushedPinEdits(
    [
      { id: 'none', analysis: analyzeText(pod('    - image: 127.0.0.1:5000/team/web:2.0\n')) },
      { id: 'hub', analysis: analyzeText(pod('    - image: docker.io/library/nginx:1.0\n')) },
      { id: 'same', analysis: analyzeText(pod(`    - image: ${IMAGE}\n`)) },
    ],
    pushed,
    DEFAULT_SETTINGS.pin,
  );
  assert.deepEqual(
    files.map((file) => file.id),
    ['same'],
  );
  const hub: PushedImage = { image: 'nginx:1.0', digest: DIGEST, toolDigest: null, manifest: found(DIGEST) };
  const [file] = pushedPinEdits([{ id: 'hub', analysis: analyzeText(pod('    - image: docker.io/library/nginx:1.0\n')) }], hub, DEFAULT_SETTINGS.pin);
  assert.equal(file.pins[0].value, `docker.io/library/nginx:1.0@${DIGEST}`);
});

interface Recorded {
  pushes: Array<{ image: string; options: PushOptions }>;
  asked: Array<{ ref: ManifestRef; options?: ManifestRequestOptions }>;
}

function fakes(): { tool: BuildTool; client: RegistryClient; recorded: Recorded } {
  const recorded: Recorded = { pushes: [], asked: [] };
  const tool: BuildTool = {
    name: 'buildah',
    executable: '/usr/bin/buildah',
    build: async () => undefined,
    push: async (image, options) => {
      recorded.pushes.push({ image, options });
      return { toolDigest: OTHER_DIGEST };
    },
    login: async () => undefined,
  };
  const client = {
    getManifest: async (ref: ManifestRef, options?: ManifestRequestOptions): Promise<ManifestInfo> => {
      recorded.asked.push({ ref, options });
      return { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 401, fromCache: false, stale: false };
    },
  } as unknown as RegistryClient;
  return { tool, client, recorded };
}

test("pushImage pushes, then asks the registry for the tag's digest, fresh; the tool's digest is kept aside", async () => {
  const { tool, client, recorded } = fakes();
  const signal = new AbortController().signal;
  const result = await pushImage('nginx', tool, client, { tlsVerify: true, io: { output: () => undefined, signal } });
  assert.deepEqual(recorded.pushes, [{ image: 'nginx', options: { tlsVerify: true } }]);
  assert.deepEqual(recorded.asked, [
    { ref: { registry: 'docker.io', path: 'library/nginx', reference: 'latest' }, options: { detail: 'digest', fresh: true, signal } },
  ]);
  assert.equal(result.digest, DIGEST);
  assert.equal(result.toolDigest, OTHER_DIGEST);
  assert.equal(result.manifest.digest, DIGEST);
});

test("pushImage reads the body when a pin platform will choose among an index's images", async () => {
  const { tool, client, recorded } = fakes();
  await pushImage(IMAGE, tool, client, { tlsVerify: false, io: { output: () => undefined }, pin: { keepTag: true, platform: 'linux/amd64' } });
  assert.equal(recorded.asked[0].options?.detail, 'body');
});

test('pushImage refuses a reference it cannot push before running the tool', async () => {
  const { tool, client, recorded } = fakes();
  await assert.rejects(pushImage(`${IMAGE}@${DIGEST}`, tool, client, { tlsVerify: false, io: { output: () => undefined } }), /names a digest/);
  await assert.rejects(pushImage('Team/Web:1', tool, client, { tlsVerify: false, io: { output: () => undefined } }), /^Error: Cannot push "Team\/Web:1": /);
  assert.deepEqual(recorded.pushes, []);
});

/**
 * Pinning with facts that cannot be trusted, and edits that would not do what they mean: nothing
 * reaches the file. A registry answer with an invalid digest (its own or a platform's) pins nothing,
 * in flow, block and quoted styles and kustomize `images:`; a pin whose edit fails its check is a
 * RefusedPin with the reason, and the code action is not offered; honest pins next to it still are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRefused, pinFileEdits, pinSite, repinSite } from '../../../server/src/core/edits/pinEdits';
import type { PinnedImage, RefusedPin } from '../../../server/src/core/edits/pinEdits';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import type { RegistryFacts } from '../../../server/src/core/facts';
import { computeCodeActions } from '../../../server/src/core/features/codeActions';
import { imageSites } from '../../../server/src/core/imageSites';
import { DEFAULT_SETTINGS, parseSettings } from '../../../server/src/core/settings';
import { mergeFacts } from '../../../server/src/core/workspace';
import { found, foundIndex, registryFacts } from '../../helpers/facts';
import { analyzeText, DIGEST, kustomization, OTHER_DIGEST, pod } from '../../helpers/manifests';

const INJECTED = `${DIGEST}, command: [sh, -c, x]`;
const NEWLINE = `${DIGEST}\n      command: [sh, -c, x]`;

const STYLES: Record<string, [string, string?]> = {
  flow: [pod('    - {name: app, image: ghcr.io/acme/app:1.0}\n')],
  block: [pod('    - name: app\n      image: ghcr.io/acme/app:1.0 # the app\n')],
  'double-quoted': [pod('    - name: app\n      image: "ghcr.io/acme/app:1.0"\n')],
  'single-quoted': [pod("    - name: app\n      image: 'ghcr.io/acme/app:1.0'\n")],
  kustomize: [kustomization('  - name: ghcr.io/acme/app\n    newTag: "1.0"\n'), 'kustomization.yaml'],
  'kustomize flow': [kustomization('  - {name: ghcr.io/acme/app, newTag: "1.0"}\n'), 'kustomization.yaml'],
};

function outcomes(text: string, facts: RegistryFacts, fileName?: string, settings = DEFAULT_SETTINGS): Array<PinnedImage | RefusedPin | null> {
  const analysis = analyzeText(text, fileName);
  return imageSites(analysis).map((site) => pinSite(text, site, facts, settings.pin));
}

test('a tag answered with an invalid digest pins nothing, in every style', () => {
  for (const digest of [INJECTED, NEWLINE, `${DIGEST}"`, `${DIGEST}'`, `${DIGEST} # x`, `sha384:${'a'.repeat(96)}`, DIGEST.toUpperCase()]) {
    const facts = registryFacts({ manifests: { 'ghcr.io/acme/app:1.0': found(digest) } });
    for (const [style, [text, fileName]] of Object.entries(STYLES)) {
      assert.deepEqual(outcomes(text, facts, fileName), [null], `${style}: ${JSON.stringify(digest)}`);
      assert.deepEqual(pinFileEdits(analyzeText(text, fileName), facts, DEFAULT_SETTINGS.pin), { pins: [], refused: [] });
    }
  }
});

test('an index with an invalid platform digest pins nothing, with or without a pin platform', () => {
  const facts = registryFacts({
    manifests: { 'ghcr.io/acme/app:1.0': foundIndex(OTHER_DIGEST, [{ os: 'linux', architecture: 'arm64', digest: NEWLINE, size: 1 }]) },
  });
  for (const settings of [DEFAULT_SETTINGS, parseSettings({ pin: { platform: 'linux/arm64' } })]) {
    for (const [text, fileName] of Object.values(STYLES)) assert.deepEqual(outcomes(text, facts, fileName, settings), [null]);
  }
});

test('a stale pin is not re-pinned to an invalid digest', () => {
  const text = pod(`    - name: app\n      image: ghcr.io/acme/app:1.0@${OTHER_DIGEST}\n`);
  const [site] = imageSites(analyzeText(text));
  assert.equal(repinSite(text, site, registryFacts({ manifests: { 'ghcr.io/acme/app:1.0': found(INJECTED) } }), DEFAULT_SETTINGS.pin), null);
  const repinned = repinSite(text, site, registryFacts({ manifests: { 'ghcr.io/acme/app:1.0': found(DIGEST) } }), DEFAULT_SETTINGS.pin);
  assert.ok(repinned && !isRefused(repinned));
  assert.equal(applyEdits(text, [repinned.edit]), text.replace(OTHER_DIGEST, DIGEST));
});

const HONEST = registryFacts({ manifests: { 'ghcr.io/acme/app:1.0': found(DIGEST), 'ghcr.io/acme/web:2': found(OTHER_DIGEST) } });

test('a kustomize entry whose digest: is templated or empty is refused, not given a second digest: key', () => {
  for (const digest of ['${DIGEST}', '""', "''"]) {
    const text = kustomization(`  - name: ghcr.io/acme/app\n    newTag: "1.0"\n    digest: ${digest}\n  - name: ghcr.io/acme/web\n    newTag: "2"\n`);
    const analysis = analyzeText(text, 'kustomization.yaml');
    const { pins, refused } = pinFileEdits(analysis, HONEST, DEFAULT_SETTINGS.pin);
    const reason = 'its "digest:" entry holds no digest to replace (it is empty or templated)';
    assert.deepEqual(
      refused.map((r) => [r.site.ref.input, r.refusal.reason]),
      [['ghcr.io/acme/app:1.0', reason]],
      digest,
    );
    assert.equal(
      applyEdits(
        text,
        pins.map((p) => p.edit),
      ),
      text.replace('newTag: "2"\n', `newTag: "2"\n    digest: ${OTHER_DIGEST}\n`),
    );
  }
});

test("a newTag reached through an alias is refused (its digest: would land at the anchor), and the document's other pins still go in", () => {
  const entries = '  - name: ghcr.io/acme/app\n    newTag: *t\n  - name: ghcr.io/acme/web\n    newTag: "2"\n';
  const text = kustomization(entries).replace('images:\n', 'x-tag: &t "1.0"\nimages:\n');
  const { pins, refused } = pinFileEdits(analyzeText(text, 'kustomization.yaml'), HONEST, DEFAULT_SETTINGS.pin);
  assert.deepEqual(
    refused.map((r) => [r.site.ref.input, r.refusal.reason]),
    [['ghcr.io/acme/app:1.0', 'the edited YAML document would not parse as before']],
  );
  assert.equal(
    applyEdits(
      text,
      pins.map((p) => p.edit),
    ),
    text.replace('newTag: "2"\n', `newTag: "2"\n    digest: ${OTHER_DIGEST}\n`),
  );
});

test('containers sharing one anchored image are pinned by one edit of the anchor', () => {
  const text = pod('    - name: a\n      image: &img ghcr.io/acme/app:1.0\n    - name: b\n      image: *img\n');
  const { pins, refused } = pinFileEdits(analyzeText(text), HONEST, DEFAULT_SETTINGS.pin);
  assert.deepEqual(refused, []);
  assert.equal(
    applyEdits(
      text,
      pins.map((p) => p.edit),
    ),
    text.replace('&img ghcr.io/acme/app:1.0', `&img ghcr.io/acme/app:1.0@${DIGEST}`),
  );
});

function titles(text: string, facts: RegistryFacts, fileName?: string): string[] {
  const analysis = analyzeText(text, fileName);
  return computeCodeActions(analysis, 0, text.length, DEFAULT_SETTINGS, null, facts).map((action) => action.title);
}

test('no pin action is offered for an invalid digest or a refused pin; the honest ones are', () => {
  const hostile = registryFacts({ manifests: { 'ghcr.io/acme/app:1.0': found(INJECTED) } });
  for (const [text, fileName] of Object.values(STYLES))
    assert.deepEqual(
      titles(text, hostile, fileName).filter((t) => t.startsWith('Pin')),
      [],
    );
  const templated = kustomization('  - name: ghcr.io/acme/app\n    newTag: "1.0"\n    digest: ${DIGEST}\n  - name: ghcr.io/acme/web\n    newTag: "2"\n');
  assert.deepEqual(
    titles(templated, HONEST, 'kustomization.yaml').filter((t) => t.startsWith('Pin')),
    [`Pin to digest: ${OTHER_DIGEST.slice(0, 19)}… (the digest :2 points to now)`, 'Pin all images in file to their digests: 1 image'],
  );
});

test('a digest another file pins with an algorithm the OCI image spec does not register is not proposed', () => {
  const sha384 = `sha384:${'a'.repeat(96)}`;
  const text = pod('    - name: app\n      image: nginx:1.25\n');
  const workspace = mergeFacts([{ definedSecrets: [], patches: [], images: [`nginx:1.25@${sha384}`, 'nginx:1.24'] }]);
  const offered = computeCodeActions(analyzeText(text), 0, text.length, DEFAULT_SETTINGS, workspace).map((a) => a.title);
  assert.ok(!offered.some((title) => title.includes('sha384')), offered.join('\n'));
});

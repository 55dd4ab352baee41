/**
 * The language server verifies signatures as the settings say, against a real registry (distribution 2.8.2 on
 * loopback): `imageAware.signatures.keys` names a key file relative to the workspace folder, the hover of an image
 * signed with it (cosign's `.sig` tag, sigstore/cosign specs/SIGNATURE_SPEC.md) says which key verified it, and
 * with `imageAware.signatures.require` an image signed by another key gets `signature-invalid`. Keyless: with
 * `imageAware.signatures.identities` and a `trustedRoot` file in the workspace, the hover of an image whose Sigstore
 * bundle (made by @sigstore/mock's CA and logs, test/helpers/sigstoreMock.ts) names a trusted signer says who signed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as lsp from 'vscode-languageserver/node';
import { fileUri, LspClient } from '../helpers/lspClient';
import { pushArtifact, pushCosignTag, pushImage, putReferrersTag, simpleSigningLayer, startRegistry, TYPES } from '../helpers/registry';
import type { RunningRegistry } from '../helpers/registry';
import { blobOf } from '../helpers/registry/images';
import { COSIGN_SIGN_PREDICATE, startMockSigstore } from '../helpers/sigstoreMock';
import type { KeylessSigner } from '../helpers/sigstoreMock';

let registry: RunningRegistry;
let root: string;
const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ed25519');

before(async () => {
  registry = await startRegistry();
  for (const [repo, key] of [
    ['team/signed', trusted.privateKey],
    ['team/forged', stranger.privateKey],
  ] as const) {
    const image = await pushImage(registry, repo, 'v1');
    await pushCosignTag(registry, repo, image.digest, 'sig', [simpleSigningLayer(repo, image.digest, key)]);
  }
  root = mkdtempSync(join(tmpdir(), 'image-aware-lsp-signatures-'));
  for (const dir of ['home', 'workspace/keys', 'storage']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'workspace/keys/cosign.pub'), trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString());
});

after(async () => {
  await registry?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('the hover says which trusted key verified a signature; an image signed by another key is signature-invalid', { timeout: 60_000 }, async () => {
  const host = registry.host;
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: ${host}/team/signed:v1\n    - name: b\n      image: ${host}/team/forged:v1\n`;
  const uri = fileUri(join(root, 'workspace', 'pod.yaml'));
  writeFileSync(join(root, 'workspace', 'pod.yaml'), text);
  const home = join(root, 'home');
  const client = LspClient.start('stdio', { env: { PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), DOCKER_CONFIG: home } });
  client.settings = {
    signatures: { keys: { [`${host}/team/*`]: [{ name: 'ci-2026', key: 'keys/cosign.pub' }] }, require: { [`${host}/team/*`]: ['signature'] } },
  };
  try {
    await client.initialize(join(root, 'workspace'), { storagePath: join(root, 'storage') });
    const since = client.mark();
    await client.open(uri, text);
    const published = await client.waitForDiagnostics(uri, since, (p) => p.diagnostics.some((d) => d.code === 'signature-invalid'), 30_000);
    const document = TextDocument.create(uri, 'yaml', 1, text);
    assert.deepEqual(
      published.diagnostics.filter((d) => d.code === 'signature-invalid' || d.code === 'unsigned-image').map((d) => document.getText(d.range)),
      [`${host}/team/forged:v1`],
    );
    const at = document.positionAt(text.indexOf('team/signed'));
    const hover = await client.request<lsp.Hover>('textDocument/hover', { textDocument: { uri }, position: at });
    assert.match((hover.contents as lsp.MarkupContent).value, /\*\*Attached\*\*: signed: cosign \(key ci-2026\) ✓ verified\n/);
  } finally {
    const code = await client.shutdown().catch(() => client.kill());
    assert.equal(code, 0, client.serverLog());
  }
});

test('the hover says who signed a keyless bundle and via which issuer; a bundle by another signer is signature-invalid', { timeout: 60_000 }, async () => {
  const host = registry.host;
  const sigstore = await startMockSigstore();
  const release: KeylessSigner = {
    subject: 'https://github.com/team/web/.github/workflows/release.yml@refs/heads/main',
    issuer: 'https://token.actions.githubusercontent.com',
  };
  for (const [repo, signer] of [
    ['keyless/web', release],
    ['keyless/api', { subject: 'mallory@example.com', issuer: 'https://accounts.google.com' }],
  ] as const) {
    const image = await pushImage(registry, repo, 'v1');
    const artifact = await pushArtifact(registry, repo, {
      subject: { digest: image.digest, mediaType: image.mediaType, size: image.size },
      artifactType: TYPES.sigstoreBundle,
      layers: [{ blob: blobOf(TYPES.sigstoreBundle, Buffer.from(JSON.stringify(await sigstore.signImage(image.digest, signer)))) }],
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE },
    });
    await putReferrersTag(registry, repo, image.digest, [artifact]);
  }
  mkdirSync(join(root, 'workspace/sigstore'), { recursive: true });
  writeFileSync(join(root, 'workspace/sigstore/trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: ${host}/keyless/web:v1\n    - name: b\n      image: ${host}/keyless/api:v1\n`;
  const uri = fileUri(join(root, 'workspace', 'keyless.yaml'));
  writeFileSync(join(root, 'workspace', 'keyless.yaml'), text);
  const home = join(root, 'home-keyless');
  mkdirSync(home);
  const client = LspClient.start('stdio', { env: { PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), DOCKER_CONFIG: home } });
  client.settings = {
    signatures: {
      identities: { [`${host}/keyless/*`]: { subject: 'https://github.com/team/*', issuer: release.issuer } },
      trustedRoot: 'sigstore/trusted_root.json',
      require: { [`${host}/keyless/*`]: ['signature'] },
    },
  };
  try {
    await client.initialize(join(root, 'workspace'), { storagePath: join(root, 'storage-keyless') });
    const since = client.mark();
    await client.open(uri, text);
    const published = await client.waitForDiagnostics(uri, since, (p) => p.diagnostics.some((d) => d.code === 'signature-invalid'), 30_000);
    const document = TextDocument.create(uri, 'yaml', 1, text);
    const invalid = published.diagnostics.filter((d) => d.code === 'signature-invalid' || d.code === 'unsigned-image');
    assert.deepEqual(
      invalid.map((d) => document.getText(d.range)),
      [`${host}/keyless/api:v1`],
    );
    assert.match(
      invalid[0].message as string,
      /it is signed by mallory@example\.com via https:\/\/accounts\.google\.com, but the trusted signers are https:\/\/github\.com\/team\/\* via /,
    );
    const at = document.positionAt(text.indexOf('keyless/web'));
    const hover = await client.request<lsp.Hover>('textDocument/hover', { textDocument: { uri }, position: at });
    const shown = (hover.contents as lsp.MarkupContent).value;
    assert.ok(shown.includes(`**Attached**: signed: cosign keyless (bundle) ✓ verified: \`${release.subject}\` via \`${release.issuer}\`\n`), shown);
  } finally {
    const code = await client.shutdown().catch(() => client.kill());
    assert.equal(code, 0, client.serverLog());
  }
});

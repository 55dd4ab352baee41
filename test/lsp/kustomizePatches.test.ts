/**
 * The bundled server over stdio, on a workspace folder holding kustomize's springboot example
 * (test/fixtures/kustomize/springboot, copied): the files the production overlay's kustomization.yaml
 * lists under `patches:` get no missing-image, a YAML file no kustomization lists still does, and an
 * edit of the kustomization that drops a patch brings missing-image back for that file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import { fileUri, LspClient } from '../helpers/lspClient';

/** This file compiles to out/test/lsp/, so the repository root is three levels up. */
const SPRINGBOOT = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'kustomize', 'springboot');

const hasMissingImage = (p: lsp.PublishDiagnosticsParams): boolean => p.diagnostics.some((d) => d.code === 'missing-image');

test('a workspace kustomization makes its patch files patches: no missing-image is published for them', async (t) => {
  const workspace = mkdtempSync(join(tmpdir(), 'image-aware-kustomize-'));
  t.after(() => rmSync(workspace, { recursive: true, force: true }));
  cpSync(SPRINGBOOT, workspace, { recursive: true });
  // The same patch text, in a folder no kustomization names.
  const production = join(workspace, 'overlays', 'production');
  mkdirSync(join(workspace, 'scratch'));
  writeFileSync(join(workspace, 'scratch', 'healthcheck_patch.yaml'), readFileSync(join(production, 'healthcheck_patch.yaml'), 'utf8'));

  const client = LspClient.start('stdio');
  client.settings = { registry: { online: false } };
  t.after(() => client.kill());
  await client.initialize(workspace);

  const patch = fileUri(join(production, 'healthcheck_patch.yaml'));
  const patchText = readFileSync(join(production, 'healthcheck_patch.yaml'), 'utf8');
  const scratch = fileUri(join(workspace, 'scratch', 'healthcheck_patch.yaml'));
  const since = client.mark();
  await client.open(patch, patchText);
  await client.open(scratch, patchText);

  // The scratch copy gets missing-image once the workspace scan is done; the patch never does.
  const unlisted = await client.waitForDiagnostics(scratch, since, hasMissingImage);
  assert.deepEqual(
    unlisted.diagnostics.map((d) => [d.code, d.range.start.line]),
    [['missing-image', 10]],
  );
  // An edit after the scan: the patch is validated again, knowing the kustomization.
  await client.notify('textDocument/didChange', { textDocument: { uri: patch, version: 2 }, contentChanges: [{ text: `${patchText}\n` }] });
  const edited = await client.waitForDiagnostics(patch, since, (p) => p.version === 2);
  assert.deepEqual(edited.diagnostics, []);
  assert.deepEqual(
    client.publications.filter((p) => p.uri === patch && hasMissingImage(p)),
    [],
    'no publication for the patch may carry missing-image',
  );

  // The open kustomization, edited to list only patch.yaml: healthcheck_patch.yaml is a patch no more.
  const kustomization = fileUri(join(production, 'kustomization.yaml'));
  const kustomizationText = readFileSync(join(production, 'kustomization.yaml'), 'utf8');
  await client.open(kustomization, kustomizationText);
  const dropped = client.mark();
  const without = kustomizationText.replace('- path: healthcheck_patch.yaml\n', '');
  assert.notEqual(without, kustomizationText);
  await client.notify('textDocument/didChange', { textDocument: { uri: kustomization, version: 2 }, contentChanges: [{ text: without }] });
  const reported = await client.waitForDiagnostics(patch, dropped, hasMissingImage);
  assert.equal(reported.version, 2);
  assert.equal(await client.shutdown(), 0);
});

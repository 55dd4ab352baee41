/**
 * The bundled server over stdio, on a workspace folder holding kustomize's helloWorld example with
 * its two overlays (test/fixtures/kustomize/hello-world): hovering the base's image lists what each
 * overlay turns it into, follows edits of an open kustomization and changes of one on disk, and
 * lists nothing for a file no kustomization builds (a Dockerfile beside the base included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import { KUSTOMIZE_FIXTURES } from '../helpers/kustomize';
import { fileUri, LspClient } from '../helpers/lspClient';

const DIGEST = 'sha256:4b1a0a9f07c1c0f1c2cf4d1f1e0bd1b7d5c1e1a4bb0e9e33e3b6a1c1d0f2e3a4';

/** The hover's lines about overlays. */
function overlayLines(hover: lsp.Hover | null): string[] {
  const markdown = (hover?.contents as lsp.MarkupContent | undefined)?.value ?? '';
  return markdown.split('\n').filter((line) => line.startsWith('- overlay ') || line.startsWith('**kustomize** builds'));
}

test('hover on an image of a base lists what each overlay of the workspace makes of it', async (t) => {
  const workspace = mkdtempSync(join(tmpdir(), 'image-aware-overlays-'));
  t.after(() => rmSync(workspace, { recursive: true, force: true }));
  cpSync(join(KUSTOMIZE_FIXTURES, 'hello-world'), workspace, { recursive: true });
  const deploymentText = readFileSync(join(workspace, 'base', 'deployment.yaml'), 'utf8');
  mkdirSync(join(workspace, 'scratch'));
  writeFileSync(join(workspace, 'scratch', 'deployment.yaml'), deploymentText);

  const client = LspClient.start('stdio');
  client.settings = { registry: { online: false } };
  t.after(() => client.kill());
  const logged = client.logMark();
  await client.initialize(workspace);
  await client.waitForLog('Indexed', logged);

  const deployment = fileUri(join(workspace, 'base', 'deployment.yaml'));
  await client.open(deployment, deploymentText);
  const at = deploymentText.indexOf('monopole/hello:1') + 3;
  const line = deploymentText.slice(0, at).split('\n').length - 1;
  const position = { line, character: at - deploymentText.lastIndexOf('\n', at - 1) - 1 };
  const hover = (): Promise<lsp.Hover | null> => client.request<lsp.Hover | null>('textDocument/hover', { textDocument: { uri: deployment }, position });

  // The base builds the image as written, so it is not listed.
  assert.deepEqual(overlayLines(await hover()), [
    '**kustomize** builds it differently:',
    `- overlay \`overlays/production\`: → \`registry.example.com/hello:1.4@${DIGEST}\``,
    '- overlay `overlays/staging`: → `monopole/hello:2`',
  ]);

  // An edit of the open staging kustomization counts once the server has analysed it (its diagnostics are out).
  const staging = fileUri(join(workspace, 'overlays', 'staging', 'kustomization.yaml'));
  const stagingText = readFileSync(join(workspace, 'overlays', 'staging', 'kustomization.yaml'), 'utf8');
  const edit = async (version: number, text: string): Promise<void> => {
    const since = client.mark();
    await client.notify('textDocument/didChange', { textDocument: { uri: staging, version }, contentChanges: [{ text }] });
    await client.waitForDiagnostics(staging, since, (p) => p.version === version);
  };
  await client.open(staging, stagingText);
  await edit(2, stagingText.replace('newTag: "2"', 'newTag: "3"'));
  assert.deepEqual(overlayLines(await hover()).slice(2), ['- overlay `overlays/staging`: → `monopole/hello:3`']);

  // Staging without its images: entry builds the image as written.
  await edit(3, stagingText.replace(/images:[\s\S]*$/, ''));
  assert.deepEqual(overlayLines(await hover()), [
    '**kustomize** builds it differently:',
    `- overlay \`overlays/production\`: → \`registry.example.com/hello:1.4@${DIGEST}\``,
  ]);

  // Closed unsaved, the kustomization on disk counts again.
  await client.notify('textDocument/didClose', { textDocument: { uri: staging } });
  assert.deepEqual(overlayLines(await hover()).slice(2), ['- overlay `overlays/staging`: → `monopole/hello:2`']);

  // The same text in a folder no kustomization lists.
  const scratch = fileUri(join(workspace, 'scratch', 'deployment.yaml'));
  await client.open(scratch, deploymentText);
  const scratchHover = await client.request<lsp.Hover | null>('textDocument/hover', { textDocument: { uri: scratch }, position });
  assert.match((scratchHover?.contents as lsp.MarkupContent).value, /^`docker\.io\/monopole\/hello:1` · /);
  assert.deepEqual(overlayLines(scratchHover), []);

  // A Dockerfile beside the base is no resource of a build: kustomize builds Kubernetes objects only.
  const dockerfile = fileUri(join(workspace, 'base', 'Dockerfile'));
  await client.open(dockerfile, 'FROM monopole/hello:1\n', 'dockerfile');
  const fromHover = await client.request<lsp.Hover | null>('textDocument/hover', { textDocument: { uri: dockerfile }, position: { line: 0, character: 8 } });
  assert.match((fromHover?.contents as lsp.MarkupContent).value, /^`docker\.io\/monopole\/hello:1` · /);
  assert.deepEqual(overlayLines(fromHover), []);
  assert.equal(await client.shutdown(), 0);
});

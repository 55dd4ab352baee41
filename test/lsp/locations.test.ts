/**
 * Users' own resources in the language server, over JSON-RPC with the bundled server: a document of
 * a custom kind gets findings once `.image-aware.yaml` at the workspace folder root maps it, and the
 * server analyses it again when the file watcher reports the file created, changed or deleted; the
 * mapping file's own problems are diagnostics in it; the `imageAware.resources` setting maps a kind
 * too, and its problems reach the log. Built-in custom resources (a Tekton Task) need no mapping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import { fileUri, LspClient } from '../helpers/lspClient';

const OFFLINE = { registry: { online: false } };
const WIDGET = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  engine:\n    image: nginx\n';
const TASK = 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n  steps:\n    - name: build\n      image: alpine:latest\n';
const MAPPING = 'resources:\n  - group: example.com\n    kind: Widget\n    images:\n      - path: spec.engine.image\n';

const codes = (p: lsp.PublishDiagnosticsParams): string[] =>
  p.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)}`);

test('.image-aware.yaml maps a kind; the server re-analyses open documents when it changes', async (t) => {
  const workspace = mkdtempSync(join(tmpdir(), 'image-aware-locations-'));
  t.after(() => rmSync(workspace, { recursive: true, force: true }));
  const client = LspClient.start('stdio');
  client.settings = OFFLINE;
  t.after(() => client.kill());
  await client.initialize(workspace);
  const widget = fileUri(join(workspace, 'widget.yaml'));
  const task = fileUri(join(workspace, 'task.yaml'));
  const mapping = join(workspace, '.image-aware.yaml');

  await t.test('without a mapping a Widget has no image fields; a Tekton Task needs none', async () => {
    const since = client.mark();
    await client.open(widget, WIDGET);
    await client.open(task, TASK);
    assert.deepEqual(codes(await client.waitForDiagnostics(widget, since)), []);
    assert.deepEqual(codes(await client.waitForDiagnostics(task, since)), ['8:21 latest-tag']);
  });

  await t.test('a created .image-aware.yaml maps it: diagnostics, hover and inlay hints follow', async () => {
    const since = client.mark();
    const refreshes = client.inlayHintRefreshes;
    writeFileSync(mapping, MAPPING);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(mapping), type: 1 }] });
    assert.deepEqual(codes(await client.waitForDiagnostics(widget, since, (p) => p.diagnostics.length > 0)), ['7:12 implicit-latest']);
    assert.equal(client.inlayHintRefreshes, refreshes + 1);
    const hover = await client.request<lsp.Hover | null>('textDocument/hover', { textDocument: { uri: widget }, position: { line: 6, character: 14 } });
    const markdown = (hover?.contents as lsp.MarkupContent | undefined)?.value ?? '';
    assert.match(markdown, /Mapped by \.image-aware\.yaml \(Widget\)\./);
  });

  await t.test('the mapping file’s problems are diagnostics in it', async () => {
    const since = client.mark();
    const broken = `${MAPPING}    podSpec: [spec]\n`;
    await client.open(fileUri(mapping), broken);
    assert.deepEqual(codes(await client.waitForDiagnostics(fileUri(mapping), since)), ['6:5 invalid-config']);
  });

  await t.test('a deleted .image-aware.yaml unmaps it again', async () => {
    const since = client.mark();
    unlinkSync(mapping);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(mapping), type: 3 }] });
    assert.deepEqual(codes(await client.waitForDiagnostics(widget, since)), []);
  });

  await t.test('the imageAware.resources setting maps a kind too, and its problems reach the log', async () => {
    const since = client.mark();
    const logged = client.logMark();
    client.settings = { ...OFFLINE, resources: [{ group: 'example.com', kind: 'Widget', images: [{ path: 'spec.engine.image' }] }, { kind: 'Gadget' }] };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(codes(await client.waitForDiagnostics(widget, since, (p) => p.diagnostics.length > 0)), ['7:12 implicit-latest']);
    assert.equal(
      await client.waitForLog('imageAware.resources:', logged),
      'imageAware.resources: imageAware.resources[1] needs either "group" or "apiVersion" (one of them). The entry is left out.',
    );
  });
});

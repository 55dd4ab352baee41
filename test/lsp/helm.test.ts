/**
 * Helm charts in the language server, over JSON-RPC with the bundled server, on a copy of the
 * helm create fixture (test/fixtures/helm/create): a values file is analysed with its chart
 * (appVersion stands in for the empty tag), go-to-definition leads from the template's image to
 * the values keys, and a change of Chart.yaml (an edit of the open file, or a file event) makes the
 * server analyse the values file again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import { HELM_FIXTURES } from '../helpers/charts';
import { fileUri, LspClient } from '../helpers/lspClient';

const OFFLINE = { registry: { online: false } };

function messages(p: lsp.PublishDiagnosticsParams): string[] {
  return p.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)} ${d.message}`);
}

test('a chart in the editor: values analysed with the chart, definition from a template, Chart.yaml changes followed', async (t) => {
  const chart = mkdtempSync(join(tmpdir(), 'image-aware-helm-'));
  t.after(() => rmSync(chart, { recursive: true, force: true }));
  cpSync(join(HELM_FIXTURES, 'create'), chart, { recursive: true });
  const client = LspClient.start('stdio');
  client.settings = OFFLINE;
  t.after(() => client.kill());
  const init = await client.initialize(chart);
  assert.equal(init.capabilities.definitionProvider, true);
  const values = fileUri(join(chart, 'values.yaml'));
  const template = fileUri(join(chart, 'templates', 'deployment.yaml'));
  const chartYaml = join(chart, 'Chart.yaml');

  await t.test('the values file renders nginx:1.16.0 from appVersion', async () => {
    const since = client.mark();
    await client.open(values, readFileSync(join(chart, 'values.yaml'), 'utf8'));
    const published = messages(await client.waitForDiagnostics(values, since));
    assert.ok(
      published.some((m) => m.startsWith('9:15 not-pinned The chart renders "nginx:1.16.0"')),
      published.join('\n'),
    );
  });

  await t.test("definition leads from the template's .Values.image.tag to the tag key of values.yaml", async () => {
    const text = readFileSync(join(chart, 'templates', 'deployment.yaml'), 'utf8');
    await client.open(template, text);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('.Values.image.tag'));
    const character = lines[line].indexOf('.Values.image.tag') + 10;
    const locations = await client.request<lsp.Location[] | null>('textDocument/definition', {
      textDocument: { uri: template },
      position: { line, character },
    });
    assert.deepEqual(locations, [{ uri: values, range: { start: { line: 11, character: 2 }, end: { line: 11, character: 5 } } }]);
    const hover = await client.request<lsp.Hover | null>('textDocument/hover', { textDocument: { uri: template }, position: { line, character } });
    assert.match((hover?.contents as lsp.MarkupContent).value, /the chart renders `nginx:1\.16\.0`/);
  });

  await t.test('a new appVersion on disk, told by the file watcher, renders the values again', async () => {
    const since = client.mark();
    writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace('appVersion: 1.16.0', 'appVersion: 1.27.3'));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(chartYaml), type: 2 }] });
    const published = messages(await client.waitForDiagnostics(values, since));
    assert.ok(
      published.some((m) => m.includes('The chart renders "nginx:1.27.3"')),
      published.join('\n'),
    );
  });

  await t.test('an edit of the open Chart.yaml renders the values again', async () => {
    const since = client.mark();
    const text = readFileSync(chartYaml, 'utf8');
    await client.open(fileUri(chartYaml), text);
    await client.notify('textDocument/didChange', {
      textDocument: { uri: fileUri(chartYaml), version: 2 },
      contentChanges: [{ text: text.replace('appVersion: 1.27.3', 'appVersion: 1.28.0') }],
    });
    const published = messages(await client.waitForDiagnostics(values, since, (p) => p.diagnostics.some((d) => String(d.message).includes('1.28.0'))));
    assert.ok(
      published.some((m) => m.includes('The chart renders "nginx:1.28.0"')),
      published.join('\n'),
    );
  });
});

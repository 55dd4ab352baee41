/**
 * imageAware.nodePlatforms end to end: the bundled server (stdio) against a real registry on loopback that
 * holds a single-platform arm64 image. The platforms of the picked cluster's nodes (what the VS Code client
 * sends) make platform-missing appear, hostile entries are left out, the setting's targets win over them,
 * and no platforms make the finding go away. The hover says which targets the image runs on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import { fileUri, LspClient } from '../helpers/lspClient';
import { pushImage, startRegistry } from '../helpers/registry';
import type { RunningRegistry } from '../helpers/registry';

let registry: RunningRegistry;
let root: string;

before(async () => {
  registry = await startRegistry();
  await pushImage(registry, 'team/arm', '1.0', { platform: 'linux/arm64' });
  root = mkdtempSync(join(tmpdir(), 'image-aware-nodes-'));
});

after(async () => {
  await registry?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

const platformMissing = (params: lsp.PublishDiagnosticsParams): lsp.Diagnostic[] => params.diagnostics.filter((d) => d.code === 'platform-missing');

test('the nodes of the picked context are the targets of platform-missing, unless the setting names some', { timeout: 60_000 }, async () => {
  // Traced, so the server logs the end of each document's registry round.
  const client = LspClient.start('stdio', {
    env: { PATH: process.env.PATH, HOME: join(root, 'home'), DOCKER_CONFIG: join(root, 'docker'), IMAGE_AWARE_TRACE: '1' },
  });
  const uri = fileUri(join(root, 'pod.yaml'));
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: ${registry.host}/team/arm:1.0\n`;
  const nodes = (argument: unknown): Promise<unknown> =>
    client.request('workspace/executeCommand', { command: 'imageAware.nodePlatforms', arguments: [argument] });
  try {
    await client.initialize(root, { storagePath: join(root, 'storage') });
    /** The diagnostics last published once the registry round that `action` starts has ended. */
    const afterRound = async (action: () => Promise<unknown>): Promise<lsp.Diagnostic[]> => {
      const logged = client.logMark();
      await action();
      await client.waitForLog(`registry diagnostics ${uri}`, logged);
      return platformMissing(client.publications.filter((p) => p.uri === uri).at(-1)!);
    };
    assert.deepEqual(await afterRound(() => client.open(uri, text)), []);

    const since = client.mark();
    await nodes({ context: 'kind-dev', platforms: ['linux/amd64', 'linux/arm64', 'linux/amd64; rm -rf /', 7] });
    const published = await client.waitForDiagnostics(uri, since, (p) => platformMissing(p).length > 0);
    assert.match(
      String(platformMissing(published)[0].message),
      /cannot run on linux\/amd64 \(it is a single-platform linux\/arm64 image\).*targets from the nodes of kind-dev/,
    );
    const hover = await client.request<lsp.Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 7, character: 20 } });
    assert.match(
      (hover.contents as lsp.MarkupContent).value,
      /\*\*Platforms\*\*: runs on `linux\/arm64`; \*\*not on `linux\/amd64`\*\* \(targets from the nodes of kind-dev\)/,
    );

    client.settings = { platforms: { targets: ['linux/arm64'] } };
    assert.deepEqual(await afterRound(() => client.notify('workspace/didChangeConfiguration', { settings: null })), []);

    client.settings = {};
    assert.equal((await afterRound(() => client.notify('workspace/didChangeConfiguration', { settings: null }))).length, 1);
    assert.deepEqual(await afterRound(() => nodes({ context: 'kind-dev', platforms: [] })), []);
  } finally {
    const code = await client.shutdown().catch(() => client.kill());
    assert.equal(code, 0, client.serverLog());
  }
});

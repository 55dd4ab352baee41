/**
 * Semantic tokens over JSON-RPC against the bundled server, over both transports (`--stdio`, as
 * Neovim, Helix and other clients start it, and node IPC, as VS Code does): the legend in the
 * capabilities, full and range requests decoded and compared with positions computed independently,
 * tokens after an edit, and a refresh request when the settings change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as lsp from 'vscode-languageserver/node';
import { marked } from '../helpers/caret';
import { fileUri, LspClient } from '../helpers/lspClient';
import { deployment } from '../helpers/manifests';
import { decodeSemanticTokens } from '../helpers/semanticTokens';
import type { Transport } from '../helpers/lspClient';

const DIGEST = `sha256:${'e'.repeat(64)}`;

/** «» marks the tokens; the Widget's `image:` is no field the analysis knows, so it gets none. */
function manifest(proxyImage: string, apiVersion = 'apps/v1'): { text: string; spans: { start: number; end: number }[] } {
  const containers = [
    '        - name: web',
    `          image: "«ghcr.io»/«acme/web»:«2.4.1»@«${DIGEST}»"`,
    '          imagePullPolicy: «IfNotPresent»',
    '        - name: proxy',
    `          image: ${proxyImage}`,
  ];
  const widget = ['apiVersion: example.com/v1', 'kind: Widget', 'spec:', '  image: ghcr.io/acme/widget:1.0', ''];
  return marked(deployment(containers.join('\n') + '\n').replace('apps/v1', apiVersion) + '---\n' + widget.join('\n'));
}
const MANIFEST = manifest('«nginx»:«latest»');
const TYPES = ['imageRegistry', 'imageRepository', 'imageTag', 'imageDigest', 'imagePullPolicy'];
const EXPECTED_TYPES = ['imageRegistry', 'imageRepository', 'imageTag', 'imageDigest', 'imagePullPolicy', 'imageRepository', 'imageTag'];
const LATEST_BIT = 1;

type Decoded = [line: number, character: number, length: number, type: string, modifiers: number];

function decode(tokens: lsp.SemanticTokens): Decoded[] {
  return decodeSemanticTokens(tokens.data).map(([line, character, length, type, modifiers]) => [line, character, length, TYPES[type], modifiers]);
}

/** The expected tokens of `text`, positions from vscode-languageserver-textdocument. */
function expected(text: string, spans: readonly { start: number; end: number }[], types: readonly string[], latest: number[] = []): Decoded[] {
  const document = TextDocument.create('file:///x', 'yaml', 0, text);
  return spans.map((span, i) => {
    const at = document.positionAt(span.start);
    return [at.line, at.character, span.end - span.start, types[i], latest.includes(i) ? LATEST_BIT : 0];
  });
}

for (const transport of ['stdio', 'ipc'] satisfies Transport[]) {
  test(`semantic tokens over ${transport}`, async (t) => {
    const client = LspClient.start(transport);
    client.settings = { registry: { online: false } };
    t.after(() => client.kill());
    const uri = fileUri('/nowhere/web.yaml');
    const full = (): Promise<lsp.SemanticTokens | null> => client.request('textDocument/semanticTokens/full', { textDocument: { uri } });

    await t.test('initialize announces the legend, full and range', async () => {
      const { capabilities } = await client.initialize(null);
      assert.deepEqual(capabilities.semanticTokensProvider, { legend: { tokenTypes: TYPES, tokenModifiers: ['latest'] }, full: true, range: true });
    });

    await t.test('a document that is not open has no tokens', async () => {
      assert.equal(await full(), null);
    });

    await t.test('full: every part of the Deployment images and the pull policy; nothing in the Widget', async () => {
      const since = client.mark();
      await client.open(uri, MANIFEST.text);
      await client.waitForDiagnostics(uri, since);
      assert.deepEqual(decode((await full())!), expected(MANIFEST.text, MANIFEST.spans, EXPECTED_TYPES, [6]));
    });

    await t.test('range: the tokens that touch it', async () => {
      const document = TextDocument.create(uri, 'yaml', 1, MANIFEST.text);
      const proxyLine = document.positionAt(MANIFEST.spans[5].start).line;
      const range = { start: { line: proxyLine, character: 0 }, end: { line: proxyLine + 6, character: 0 } };
      const tokens = await client.request<lsp.SemanticTokens>('textDocument/semanticTokens/range', { textDocument: { uri }, range });
      assert.deepEqual(decode(tokens), expected(MANIFEST.text, MANIFEST.spans, EXPECTED_TYPES, [6]).slice(5));
    });

    await t.test('after an edit, the tokens follow the new text', async () => {
      const edited = manifest('«quay.io»/«nginx/nginx»:«1.27»');
      await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: edited.text }] });
      const types = [...EXPECTED_TYPES.slice(0, 5), 'imageRegistry', 'imageRepository', 'imageTag'];
      assert.deepEqual(decode((await full())!), expected(edited.text, edited.spans, types));
      // The same Deployment in another API group is a kind the analysis does not know.
      const crd = manifest('nginx:1.27', 'example.com/v1').text.replace(/[«»]/g, '');
      await client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: crd }] });
      assert.deepEqual(decode((await full())!), []);
    });

    await t.test('a settings change asks for the tokens again, and they follow the settings', async () => {
      await client.notify('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text: MANIFEST.text }] });
      assert.equal(decode((await full())!).length, EXPECTED_TYPES.length);
      const before = client.semanticTokensRefreshes;
      // Smaller than the file: it is not analysed any more, so nothing is coloured.
      client.settings = { registry: { online: false }, limits: { maxFileSizeMB: 100 / (1024 * 1024) } };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      await client.waitForSemanticTokensRefreshes(before + 1);
      assert.deepEqual(decode((await full())!), []);
    });

    assert.equal(await client.shutdown(), 0);
  });
}

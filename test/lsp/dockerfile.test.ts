/**
 * A Dockerfile over JSON-RPC: the bundled server (dist/server.js over stdio) opens a document with
 * languageId `dockerfile` and answers for it against a real registry on loopback (CNCF distribution):
 * offline and registry diagnostics at exact ranges, hover with the ARG default the image comes from,
 * completion of tags after ":", semantic tokens for exactly the images, and the "Pin to digest" code
 * action whose edit replaces only the image token, and "Pin every image in the workspace". A file
 * named Dockerfile opened as plain text is read as a Dockerfile too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as lsp from 'vscode-languageserver/node';
import { fileUri, LspClient } from '../helpers/lspClient';
import { pushImage, pushTags, startRegistry } from '../helpers/registry';
import type { PushedImage, RunningRegistry } from '../helpers/registry';
import { decodeSemanticTokens } from '../helpers/semanticTokens';
import { IMAGE_TOKEN_TYPES } from '../../server/src/core/features/imageTokens';

let registry: RunningRegistry;
let base: PushedImage;
let root: string;

before(async () => {
  registry = await startRegistry();
  base = await pushImage(registry, 'team/base', '1.2.0');
  await pushTags(registry, 'team/tools', ['1.0.0', '1.1.0']);
  root = mkdtempSync(join(tmpdir(), 'image-aware-lsp-dockerfile-'));
  for (const dir of ['home', 'docker', 'storage', 'workspace']) mkdirSync(join(root, dir));
});

after(async () => {
  await registry?.stop();
  rmSync(root, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: join(root, 'home'), DOCKER_CONFIG: join(root, 'docker'), XDG_CACHE_HOME: join(root, 'home', '.cache') };
}

function dockerfileText(host: string): string {
  return [
    `ARG BASE=${host}/team/base:1.2.0`,
    'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
    'RUN make',
    'FROM scratch',
    'COPY --from=build /out /out',
    `COPY --from=${host}/team/missing:3 \\`,
    '     /x /x',
    `COPY --from=${host}/team/tools:1. /y /y`,
    '',
  ].join('\n');
}

function position(text: string, offset: number): lsp.Position {
  return TextDocument.create('file:///x', 'dockerfile', 0, text).positionAt(offset);
}

function offset(text: string, position: lsp.Position): number {
  return TextDocument.create('file:///x', 'dockerfile', 0, text).offsetAt(position);
}

function marked(text: string, diagnostics: readonly lsp.Diagnostic[]): string[] {
  return diagnostics.map((d) => `${String(d.code)} ${text.slice(offset(text, d.range.start), offset(text, d.range.end))}`);
}

test('a Dockerfile in the language server: diagnostics, hover, completion, tokens and pin against a real registry', async (t) => {
  const client = LspClient.start('stdio', { env: env() });
  const host = registry.host;
  const text = dockerfileText(host);
  const uri = fileUri(join(root, 'workspace', 'Dockerfile'));
  try {
    await client.initialize(join(root, 'workspace'), { storagePath: join(root, 'storage') });

    await t.test('diagnostics: offline first, then what the registry says, at exact ranges', async () => {
      const since = client.mark();
      await client.open(uri, text, 'dockerfile');
      const first = await client.waitForDiagnostics(uri, since);
      assert.deepEqual(marked(text, first.diagnostics), [
        `not-pinned ${host}/team/base:1.2.0`,
        `not-pinned ${host}/team/missing:3`,
        `not-pinned ${host}/team/tools:1.`,
      ]);
      const online = await client.waitForDiagnostics(uri, since, (p) => p.diagnostics.some((d) => d.code === 'tag-not-found'), 30_000);
      assert.deepEqual(
        marked(
          text,
          online.diagnostics.filter((d) => d.code === 'tag-not-found'),
        ),
        ['tag-not-found 3', 'tag-not-found 1.'],
      );
      assert.equal(
        online.diagnostics.some((d) => d.code === 'pull-would-fail'),
        false,
        'the builder pulls with your credentials, not a node’s',
      );
    });

    await t.test('hover on ${BASE}: the ARG default, the stage, the platform', async () => {
      const at = text.indexOf('${BASE}') + 2;
      const hover = await client.request<lsp.Hover>('textDocument/hover', { textDocument: { uri }, position: position(text, at) });
      const markdown = (hover.contents as lsp.MarkupContent).value;
      assert.ok(markdown.startsWith(`\`${host}/team/base:1.2.0\` · not pinned · registry: found\n`), markdown);
      assert.ok(markdown.includes(`\`ARG BASE\`, default \`${host}/team/base:1.2.0\`: the FROM that uses it starts from this image`), markdown);
      assert.ok(markdown.includes('Platform `$BUILDPLATFORM`: BuildKit fills it in'), markdown);
      assert.ok(markdown.includes(`now points to \`${base.digest}\``), markdown);
      assert.deepEqual(hover.range, { start: position(text, text.indexOf('${BASE}')), end: position(text, text.indexOf('${BASE}') + '${BASE}'.length) });
    });

    await t.test('completion after ":" of a COPY --from image lists its tags', async () => {
      const at = text.indexOf('tools:1.') + 'tools:1.'.length;
      const list = await client.request<lsp.CompletionList>('textDocument/completion', { textDocument: { uri }, position: position(text, at) });
      assert.deepEqual(list.items.map((i) => i.label).sort(), ['1.0.0', '1.1.0']);
      const start = text.indexOf('tools:') + 'tools:'.length;
      assert.deepEqual(list.items[0].textEdit && 'range' in list.items[0].textEdit ? list.items[0].textEdit.range : null, {
        start: position(text, start),
        end: position(text, at),
      });
    });

    await t.test('semantic tokens colour the images and nothing else', async () => {
      const tokens = await client.request<lsp.SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
      const lines = text.split('\n');
      const words = decodeSemanticTokens(tokens.data).map(
        ([line, character, length, type]) => `${IMAGE_TOKEN_TYPES[type]} ${lines[line].slice(character, character + length)}`,
      );
      assert.deepEqual(words, [
        `imageRegistry ${host}`,
        'imageRepository team/base',
        'imageTag 1.2.0',
        `imageRegistry ${host}`,
        'imageRepository team/missing',
        'imageTag 3',
        `imageRegistry ${host}`,
        'imageRepository team/tools',
        'imageTag 1.',
      ]);
    });

    await t.test('code action "Pin to digest" on the ARG default replaces only the image', async () => {
      const at = text.indexOf('team/base');
      const range = { start: position(text, at), end: position(text, at) };
      const actions = await client.request<lsp.CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
      const pin = actions.find((a) => a.title.startsWith('Pin to digest'));
      assert.ok(pin, actions.map((a) => a.title).join('\n'));
      const edits = pin.edit?.changes?.[uri] ?? (pin.edit?.documentChanges?.[0] as lsp.TextDocumentEdit | undefined)?.edits ?? [];
      const after = TextDocument.applyEdits(TextDocument.create(uri, 'dockerfile', 1, text), edits as lsp.TextEdit[]);
      assert.equal(after, text.replace(`${host}/team/base:1.2.0`, `${host}/team/base:1.2.0@${base.digest}`));
    });

    await t.test('"Pin every image in the workspace" pins the open Dockerfile as a Dockerfile', async () => {
      const result = await client.request<{ pinned: number }>('workspace/executeCommand', { command: 'imageAware.pinWorkspace', arguments: [] });
      assert.equal(result.pinned, 1);
      const changes = client.appliedEdits[0].edit.documentChanges as lsp.TextDocumentEdit[];
      const edits = changes.find((c) => c.textDocument.uri === uri)?.edits ?? [];
      const after = TextDocument.applyEdits(TextDocument.create(uri, 'dockerfile', 1, text), edits as lsp.TextEdit[]);
      assert.equal(after, text.replace(`${host}/team/base:1.2.0`, `${host}/team/base:1.2.0@${base.digest}`));
    });

    await t.test('a file named Dockerfile opened as plain text is a Dockerfile', async () => {
      const plain = fileUri(join(root, 'workspace', 'Dockerfile.dev'));
      const since = client.mark();
      await client.open(plain, 'FROM alpine\n', 'plaintext');
      const published = await client.waitForDiagnostics(plain, since);
      assert.deepEqual(marked('FROM alpine\n', published.diagnostics), ['implicit-latest alpine']);
    });
  } finally {
    await client.shutdown();
  }
});

/**
 * One editing session against the bundled server, over each transport the VS Code client can use
 * (`--stdio`, and `--node-ipc` as vscode-languageclient's TransportKind.ipc starts it).
 * The workspace is a temp folder holding a Secret and another Deployment, so the workspace index
 * feeds unknown-pull-secret and image completion. Each step asserts the exact protocol values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as lsp from 'vscode-languageserver/node';
import { marked } from '../helpers/caret';
import type { Span } from '../../server/src/core/span';
import { fileUri, LspClient } from '../helpers/lspClient';
import type { Transport } from '../helpers/lspClient';

/** The open document. «» marks the spans diagnostics point at; trailing spaces are deliberate. */
const WEB_YAML = marked(
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      imagePullSecrets:',
    '        - name: registry-login',
    '        - name: «missing-login»',
    '      containers:',
    '        - name: web',
    '          image: «nginx»',
    '        - name: sidecar',
    '          image: «busybox:1.36»',
    '          imagePullPolicy: «IfNotPresent»',
    '        - name: worker',
    '          image: «ghcr.io/acme/api»',
    '          imagePullPolicy: ',
    '        - name: cache',
    '          «image»: ',
    '',
  ].join('\n'),
);
const [MISSING_LOGIN, NGINX, BUSYBOX, IF_NOT_PRESENT, ACME_API, CACHE_IMAGE_KEY] = WEB_YAML.spans;

const WORKSPACE_FILES: Record<string, string> = {
  'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry-login\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: e30=\n',
  'api.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.4.2\n',
  // The index skips node_modules, so this image must never be offered.
  'node_modules/chart/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n    - name: x\n      image: ignored/image:1\n',
  'web.yaml': WEB_YAML.text,
};

interface ExpectedDiagnostic {
  readonly code: string;
  readonly severity: lsp.DiagnosticSeverity;
  readonly span: Span;
  readonly unnecessary?: boolean;
}

/** The session is about the offline features; test/lsp/registry.test.ts drives the registry ones. */
const OFFLINE = { registry: { online: false } };

const ERROR = 1;
const WARNING = 2;
const INFORMATION = 3;
const HINT = 4;

const INITIAL_DIAGNOSTICS: readonly ExpectedDiagnostic[] = [
  { code: 'unknown-pull-secret', severity: INFORMATION, span: MISSING_LOGIN },
  { code: 'implicit-latest', severity: WARNING, span: NGINX },
  { code: 'not-pinned', severity: HINT, span: BUSYBOX },
  { code: 'redundant-pull-policy', severity: HINT, span: IF_NOT_PRESENT, unnecessary: true },
  { code: 'implicit-latest', severity: WARNING, span: ACME_API },
  { code: 'missing-image', severity: WARNING, span: CACHE_IMAGE_KEY },
];

function createWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-session-'));
  for (const [name, text] of Object.entries(WORKSPACE_FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Positions come from vscode-languageserver-textdocument, independently of the server's conversion. */
function rangeOf(text: string, span: Span): lsp.Range {
  const document = TextDocument.create('file:///x', 'yaml', 0, text);
  return { start: document.positionAt(span.start), end: document.positionAt(span.end) };
}

function positionAt(text: string, offset: number): lsp.Position {
  return TextDocument.create('file:///x', 'yaml', 0, text).positionAt(offset);
}

/** Compares everything but the message, which only has to be there; both sides in document order. */
function assertDiagnostics(actual: readonly lsp.Diagnostic[], text: string, expected: readonly ExpectedDiagnostic[]): void {
  const byPosition = (a: lsp.Diagnostic, b: lsp.Diagnostic) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
  const sorted = [...actual].sort(byPosition);
  assert.deepEqual(
    sorted.map((d) => ({ code: d.code, severity: d.severity, range: d.range, source: d.source, tags: d.tags })),
    expected.map((e) => ({ code: e.code, severity: e.severity, range: rangeOf(text, e.span), source: 'image-aware', tags: e.unnecessary ? [1] : undefined })),
  );
  for (const d of sorted) {
    const href = d.codeDescription?.href ?? '';
    assert.match(href, new RegExp(`/docs/diagnostics\\.md#${d.code}$`));
    // The page the link opens exists and has the code's anchor.
    assert.ok(readFileSync(fileURLToPath(href), 'utf8').includes(`<a id="${d.code}"></a>`), `${href} opens the entry for ${d.code}`);
    assert.ok(typeof d.message === 'string' && d.message.length > 20, `${d.code} has a plain-text message`);
  }
}

function applyWorkspaceEdit(text: string, uri: string, version: number, edit: lsp.WorkspaceEdit | undefined): string {
  assert.ok(edit?.documentChanges, 'the edit uses documentChanges, which the client announced');
  assert.equal(edit.documentChanges.length, 1);
  const change = edit.documentChanges[0] as lsp.TextDocumentEdit;
  assert.deepEqual(change.textDocument, { uri, version });
  return TextDocument.applyEdits(TextDocument.create(uri, 'yaml', version, text), change.edits as lsp.TextEdit[]);
}

/** The offset at the end of the line that is exactly `line` (trailing spaces included). */
function lineEndOffset(text: string, line: string): number {
  const at = text.indexOf(`\n${line}\n`);
  assert.ok(at >= 0, `the fixture has the line ${JSON.stringify(line)}`);
  return at + 1 + line.length;
}

for (const transport of ['stdio', 'ipc'] satisfies Transport[]) {
  test(`an editing session over ${transport}`, async (t) => {
    const workspace = createWorkspace();
    t.after(() => rmSync(workspace, { recursive: true, force: true }));
    const client = LspClient.start(transport);
    client.settings = OFFLINE;
    t.after(() => client.kill());
    const uri = fileUri(join(workspace, 'web.yaml'));
    let text = WEB_YAML.text;
    let initial: lsp.PublishDiagnosticsParams | undefined;

    await t.test('initialize announces what the server offers', async () => {
      const { capabilities } = await client.initialize(workspace);
      assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
      assert.equal(capabilities.hoverProvider, true);
      assert.deepEqual(capabilities.completionProvider, { triggerCharacters: [':', ' ', '@'] });
      assert.deepEqual(capabilities.executeCommandProvider, {
        commands: ['imageAware.pinWorkspace', 'imageAware.refreshRegistry', 'imageAware.scanImage', 'imageAware.nodePlatforms'],
      });
      assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'refactor.rewrite'], resolveProvider: true });
      assert.equal(capabilities.inlayHintProvider, true);
    });

    await t.test('didOpen publishes the diagnostics, including the workspace-wide unknown-pull-secret', async () => {
      const since = client.mark();
      await client.open(uri, text);
      // The workspace scan runs beside the first validation; wait for the publication that has seen it.
      initial = await client.waitForDiagnostics(uri, since, (p) => p.diagnostics.some((d) => d.code === 'unknown-pull-secret'));
      assert.equal(initial.version, 1);
      assertDiagnostics(initial.diagnostics, text, INITIAL_DIAGNOSTICS);
      // Asked for the document's own scope (the workspace diagnostics ask for the folder's and the global ones).
      assert.deepEqual(
        client.configurationRequests.find((r) => r.scopeUri === uri),
        { scopeUri: uri, section: 'imageAware' },
      );
      assert.deepEqual(
        client.registrations.map((r) => [r.method, r.registerOptions]),
        [
          ['workspace/didChangeConfiguration', { section: 'imageAware' }],
          [
            'workspace/didChangeWatchedFiles',
            {
              watchers: [
                { globPattern: '**/{*.yaml,*.yml,*.tpl,Kustomization,Dockerfile,Containerfile,*.Dockerfile,*.Containerfile,Dockerfile.*,Containerfile.*}' },
              ],
            },
          ],
        ],
      );
    });

    await t.test('hover on an image names the pull policy Kubernetes applies', async () => {
      const onImage = await client.request<lsp.Hover>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, NGINX.start + 2) });
      assert.deepEqual(onImage.range, rangeOf(text, NGINX));
      const markdown = (onImage.contents as lsp.MarkupContent).value;
      assert.equal((onImage.contents as lsp.MarkupContent).kind, 'markdown');
      assert.match(markdown, /^`docker\.io\/library\/nginx:latest` · Always · not pinned\n/);
      assert.match(markdown, /\*\*imagePullPolicy: Always\*\* \(default\)/);
      const onPolicy = await client.request<lsp.Hover>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, IF_NOT_PRESENT.start) });
      assert.match((onPolicy.contents as lsp.MarkupContent).value, /\*\*imagePullPolicy: IfNotPresent\*\* \(set in the manifest\)/);
      assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }), null);
    });

    await t.test('completion offers the three pull policies after `imagePullPolicy: `, the default preselected', async () => {
      const caret = positionAt(text, lineEndOffset(text, '          imagePullPolicy: '));
      const list = await client.request<lsp.CompletionList>('textDocument/completion', { textDocument: { uri }, position: caret });
      assert.deepEqual(
        list.items.map((item) => [item.label, item.kind, item.preselect, item.textEdit]),
        [
          ['Always', 20, true, { range: { start: caret, end: caret }, newText: 'Always' }],
          ['IfNotPresent', 20, false, { range: { start: caret, end: caret }, newText: 'IfNotPresent' }],
          ['Never', 20, false, { range: { start: caret, end: caret }, newText: 'Never' }],
        ],
      );
    });

    await t.test('completion after `image: ` offers the images the workspace uses, without node_modules', async () => {
      const caret = positionAt(text, lineEndOffset(text, '          image: '));
      const list = await client.request<lsp.CompletionList>('textDocument/completion', { textDocument: { uri }, position: caret });
      assert.deepEqual(list.items.map((item) => item.label).sort(), ['busybox:1.36', 'ghcr.io/acme/api', 'ghcr.io/acme/api:1.4.2', 'nginx']);
      assert.ok(list.items.every((item) => item.kind === 12 && item.textEdit !== undefined));
    });

    await t.test('a quick fix carries its diagnostic, and its edit yields the expected document', async () => {
      const diagnostic = initial!.diagnostics.find((d) => d.range.start.line === rangeOf(text, ACME_API).start.line)!;
      const actions = await client.request<lsp.CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic] },
      });
      assert.deepEqual(
        actions.map((a) => [a.title, a.kind, a.isPreferred, a.diagnostics]),
        [
          ['Use version 1.4.2 (used in the workspace)', 'quickfix', true, [diagnostic]],
          ['Write :latest explicitly: ghcr.io/acme/api:latest', 'quickfix', undefined, [diagnostic]],
        ],
      );
      const fixed = applyWorkspaceEdit(text, uri, 1, actions[0].edit);
      assert.equal(fixed, text.replace('          image: ghcr.io/acme/api\n', '          image: ghcr.io/acme/api:1.4.2\n'));
    });

    await t.test('rewrites without a diagnostic are refactor.rewrite, and `only` filters by kind', async () => {
      const range = rangeOf(text, NGINX);
      const all = await client.request<lsp.CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
      assert.deepEqual(
        all.map((a) => [a.title, a.kind]),
        [
          ['Set imagePullPolicy: Always (the current default)', 'refactor.rewrite'],
          ['Set imagePullPolicy: IfNotPresent', 'refactor.rewrite'],
          ['Set imagePullPolicy: Never', 'refactor.rewrite'],
          ['Write :latest explicitly: nginx:latest', 'quickfix'],
        ],
      );
      const fixed = applyWorkspaceEdit(text, uri, 1, all[1].edit);
      assert.equal(fixed, text.replace('          image: nginx\n', '          image: nginx\n          imagePullPolicy: IfNotPresent\n'));
      const onlyRefactor = await client.request<lsp.CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range,
        context: { diagnostics: [], only: ['refactor'] },
      });
      assert.deepEqual(
        onlyRefactor.map((a) => a.kind),
        ['refactor.rewrite', 'refactor.rewrite', 'refactor.rewrite'],
      );
    });

    await t.test('inlay hints show the defaulted pull policy after each image that sets none', async () => {
      const hints = await client.request<lsp.InlayHint[]>('textDocument/inlayHint', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) },
      });
      assert.deepEqual(
        hints.map((h) => [h.position, h.label, h.paddingLeft]),
        [
          [positionAt(text, NGINX.end), 'imagePullPolicy = Always', true],
          [positionAt(text, ACME_API.end), 'imagePullPolicy = Always', true],
        ],
      );
      assert.match(String(hints[0].tooltip), /no tag, so it means :latest/);
    });

    await t.test('an incremental one-character edit publishes new diagnostics for the new version', async () => {
      const since = client.mark();
      const at = rangeOf(text, { start: NGINX.start, end: NGINX.start + 1 });
      await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: at, text: 'N' }] });
      text = text.slice(0, NGINX.start) + 'N' + text.slice(NGINX.start + 1);
      const published = await client.waitForDiagnostics(uri, since, (p) => p.version === 2);
      assertDiagnostics(published.diagnostics, text, [
        INITIAL_DIAGNOSTICS[0],
        { code: 'invalid-reference', severity: ERROR, span: NGINX },
        ...INITIAL_DIAGNOSTICS.slice(2),
      ]);
      assert.match(String(published.diagnostics.find((d) => d.code === 'invalid-reference')!.message), /lowercase/);
    });

    await t.test('a configuration change re-reads the settings, re-validates and refreshes inlay hints', async () => {
      const since = client.mark();
      const refreshes = client.inlayHintRefreshes;
      client.settings = { ...OFFLINE, diagnostics: { 'not-pinned': 'off' }, inlayHints: { pullPolicy: false } };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      const published = await client.waitForDiagnostics(uri, since, (p) => !p.diagnostics.some((d) => d.code === 'not-pinned'));
      assertDiagnostics(published.diagnostics, text, [
        INITIAL_DIAGNOSTICS[0],
        { code: 'invalid-reference', severity: ERROR, span: NGINX },
        ...INITIAL_DIAGNOSTICS.slice(3),
      ]);
      assert.equal(client.inlayHintRefreshes, refreshes + 1);
      const hints = await client.request<lsp.InlayHint[]>('textDocument/inlayHint', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) },
      });
      assert.deepEqual(hints, []);
    });

    await t.test('a watched file that defines the missing Secret clears unknown-pull-secret', async () => {
      const since = client.mark();
      const login = join(workspace, 'login.yaml');
      writeFileSync(login, 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: missing-login\n');
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(login), type: 1 }] });
      const published = await client.waitForDiagnostics(uri, since, (p) => !p.diagnostics.some((d) => d.code === 'unknown-pull-secret'));
      assertDiagnostics(published.diagnostics, text, [{ code: 'invalid-reference', severity: ERROR, span: NGINX }, ...INITIAL_DIAGNOSTICS.slice(3)]);
    });

    await t.test('removing and re-adding the workspace folder drops and restores its Secrets', async () => {
      const folder = { uri: fileUri(workspace), name: 'workspace' };
      const unknownSecrets = (p: lsp.PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === 'unknown-pull-secret').length;
      let since = client.mark();
      await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder] } });
      const removed = await client.waitForDiagnostics(uri, since, (p) => unknownSecrets(p) > 0);
      const registryLogin = rangeOf(text, { start: text.indexOf('registry-login'), end: text.indexOf('registry-login') + 'registry-login'.length });
      assert.deepEqual(
        removed.diagnostics.filter((d) => d.code === 'unknown-pull-secret').map((d) => d.range),
        [registryLogin, rangeOf(text, MISSING_LOGIN)],
      );
      since = client.mark();
      await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [folder], removed: [] } });
      const restored = await client.waitForDiagnostics(uri, since, (p) => unknownSecrets(p) === 0);
      assertDiagnostics(restored.diagnostics, text, [{ code: 'invalid-reference', severity: ERROR, span: NGINX }, ...INITIAL_DIAGNOSTICS.slice(3)]);
    });

    await t.test('didClose clears the diagnostics', async () => {
      const since = client.mark();
      await client.notify('textDocument/didClose', { textDocument: { uri } });
      const published = await client.waitForDiagnostics(uri, since);
      assert.deepEqual(published.diagnostics, []);
    });

    await t.test('shutdown and exit end the server with code 0', async () => {
      assert.equal(await client.shutdown(), 0);
    });
  });
}

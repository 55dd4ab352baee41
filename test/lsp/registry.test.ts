/**
 * The registry features end to end: the bundled server (dist/server.js over stdio) against a real
 * registry on loopback (CNCF distribution) behind a recording proxy, so every request the server
 * makes is counted. The registry holds a single-platform OCI image, a Docker schema 2 image, a
 * multi-platform index, 266 tags on one repository, and a tag that is moved during the test; a
 * second registry wants Basic credentials the server does not have.
 * Tag lists of team/slow and team/slow2 are held until the test releases them.
 * The server gets an empty HOME and DOCKER_CONFIG (no credentials of this machine) and its own
 * storage folder for the registry cache. Each step asserts the protocol values, and every code
 * action's whole-file result is compared with text built here from the pushed digests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as lsp from 'vscode-languageserver/node';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { fileUri, LspClient } from '../helpers/lspClient';
import { DEFAULT_CREATED, moveTag, proxy, pushImage, pushIndex, pushTags, startMisbehavingServer, startRegistry } from '../helpers/registry';
import type { Handler, MisbehavingServer, PushedImage, PushedIndex, RunningRegistry } from '../helpers/registry';
import { deferred, within } from '../helpers/events';
import type { Deferred } from '../helpers/events';
import type { PinWorkspaceResult } from '../../server/src/lsp';

let registry: RunningRegistry;
let locked: RunningRegistry;
let front: MisbehavingServer;
let root: string;
let oci: PushedImage;
let docker: PushedImage;
let multi: PushedIndex;
let moving: PushedImage;
let many: PushedImage;

/** A tag list the stand-in registry holds until the test releases it. */
interface HeldRequest {
  /** Resolved when the request reaches the registry. */
  readonly arrived: Deferred<void>;
  /** Resolved when the server closes the request before it is answered. */
  readonly abandoned: Deferred<void>;
  readonly release: Deferred<void>;
}

function heldRequest(): HeldRequest {
  return { arrived: deferred(), abandoned: deferred(), release: deferred() };
}

const slow = heldRequest();
const slow2 = heldRequest();

const MANY_VERSIONS = Array.from({ length: 13 }, (_, minor) => Array.from({ length: 20 }, (_, patch) => `1.${minor}.${patch}`)).flat();
const MANY_OTHERS = ['v2.0.0-rc.1', '2.0.0-beta.2', '2.0.0', 'latest', 'alpine', '1.12'];
/** The order completion must offer them in, written out independently of the server's sorting. */
const MANY_ORDER = [
  '2.0.0',
  'v2.0.0-rc.1',
  '2.0.0-beta.2',
  ...Array.from({ length: 13 }, (_, i) => 12 - i).flatMap((minor) => Array.from({ length: 20 }, (_, i) => `1.${minor}.${19 - i}`)),
  '1.12',
  'alpine',
  'latest',
];

before(async () => {
  [registry, locked] = await Promise.all([startRegistry(), startRegistry({ auth: 'basic' })]);
  oci = await pushImage(registry, 'team/oci', '1.0.0', {
    layers: 2,
    labels: { 'org.opencontainers.image.description': 'the OCI image', 'org.opencontainers.image.licenses': 'MIT' },
  });
  docker = await pushImage(registry, 'team/docker', '2.1', { format: 'docker' });
  multi = await pushIndex(registry, 'team/multi', '3.0.0', ['linux/amd64', 'linux/arm64/v8'], { attestations: true });
  moving = await pushImage(registry, 'team/moving', '1.0');
  many = await pushTags(registry, 'team/many', [...MANY_VERSIONS, ...MANY_OTHERS]);
  await pushImage(locked, 'team/secret', '1.0');
  await pushImage(registry, 'team/slow', '1.0.0');
  await pushImage(registry, 'team/slow2', '1.0.0');
  front = await startMisbehavingServer(proxy(registry));
  front.on('/v2/team/slow/tags/list', holding(slow));
  front.on('/v2/team/slow2/tags/list', holding(slow2));
  root = mkdtempSync(join(tmpdir(), 'image-aware-lsp-registry-'));
  for (const dir of ['home', 'docker', 'storage', 'workspace', 'offline-storage']) mkdirSync(join(root, dir));
});

/** Answers only once the test releases `held`, and reports the request arriving and being given up. */
function holding(held: HeldRequest): Handler {
  return async (request, response, body) => {
    response.once('close', () => {
      if (!response.writableEnded) held.abandoned.resolve();
    });
    held.arrived.resolve();
    await held.release.promise;
    if (!response.destroyed) await proxy(registry)(request, response, body);
  };
}

after(async () => {
  await front?.stop();
  await Promise.all([registry?.stop(), locked?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

const ERROR = 1;
const WARNING = 2;

function env(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: join(root, 'home'), DOCKER_CONFIG: join(root, 'docker'), XDG_CACHE_HOME: join(root, 'home', '.cache') };
}

function deploymentText(): string {
  const host = front.host;
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: oci',
    `          image: ${host}/team/oci:1.0.0 # single platform`,
    '        - name: docker',
    `          image: "${host}/team/docker:2.1"`,
    '        - name: multi',
    `          image: ${host}/team/multi:3.0.0`,
    '        - name: moving',
    `          image: ${host}/team/moving:1.0@${moving.digest}`,
    '        - name: missing',
    `          image: ${host}/team/oci:9.9`,
    '        - name: never',
    `          image: ${host}/team/oci:9.8`,
    '          imagePullPolicy: Never',
    '        - name: secret',
    `          image: ${locked.host}/team/secret:1.0`,
    '        - name: secret2',
    `          image: ${locked.host}/team/secret:2.0`,
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: with-secret',
    'spec:',
    '  imagePullSecrets:',
    '    - name: regcred',
    '  containers:',
    '    - name: secret',
    `      image: ${locked.host}/team/secret:1.0`,
    '',
  ].join('\n');
}

/** A file on disk only (never opened): CRLF, quotes, a pinned image and a repeated one. */
function diskText(): string {
  const host = front.host;
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: batch',
    'spec:',
    '  containers:',
    `    - {name: a, image: '${host}/team/oci:1.0.0'}`,
    `    - name: b`,
    `      image: ${host}/team/docker:2.1 # legacy`,
    `    - name: c`,
    `      image: ${host}/team/oci:1.0.0@${oci.digest}`,
    '',
  ].join('\r\n');
}

/** A placeholder no pin can touch, then a YAML syntax error: images past it are not read. */
const TEMPLATED_TEXT = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: t',
  'spec:',
  '  containers:',
  '    - image: ${IMAGE}',
  '      args: [unclosed',
  '',
].join('\n');

const COMPLETION_TEXT = (host: string): string =>
  [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: c',
    'spec:',
    '  containers:',
    `    - image: ${host}/team/many:`,
    `    - image: ${host}/team/multi:3.0.0@`,
    '',
  ].join('\n');

function offsetOf(text: string, needle: string, delta = 0): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the text`);
  return at + delta;
}

function position(text: string, offset: number): lsp.Position {
  return TextDocument.create('file:///x', 'yaml', 0, text).positionAt(offset);
}

function applyTextEdits(text: string, edits: readonly lsp.TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), [...edits]);
}

function registryDiagnostics(params: lsp.PublishDiagnosticsParams): lsp.Diagnostic[] {
  return params.diagnostics.filter((d) => d.source === 'image-aware/registry');
}

/** code, severity and the exact text covered, in document order. */
function summary(text: string, diagnostics: readonly lsp.Diagnostic[]): string[] {
  const document = TextDocument.create('file:///x', 'yaml', 0, text);
  return [...diagnostics]
    .sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || String(a.code).localeCompare(String(b.code)),
    )
    .map((d) => `${d.code}/${d.severity} ${document.getText(d.range)}`);
}

function manifestRequests(): string[] {
  return front.requests.filter((r) => r.path.includes('/manifests/')).map((r) => `${r.method} ${r.path}`);
}

test('an editing session against a real registry', { timeout: 120_000 }, async (t) => {
  const workspace = join(root, 'workspace');
  const webPath = join(workspace, 'web.yaml');
  const diskPath = join(workspace, 'batch.yaml');
  writeFileSync(webPath, deploymentText());
  writeFileSync(diskPath, diskText());
  writeFileSync(join(workspace, 'kustomization.yaml'), `images:\n  - name: ${front.host}/team/many\n    newTag: "1.0.0"\n`);
  writeFileSync(join(workspace, 'templated.yaml'), TEMPLATED_TEXT);
  const client = LspClient.start('stdio', { env: env() });
  const webUri = fileUri(webPath);
  const text = deploymentText();
  const host = front.host;
  try {
    front.resetRequests();
    await client.initialize(workspace, { storagePath: join(root, 'storage') });

    await t.test('offline diagnostics come first, then the registry findings', async () => {
      const since = client.mark();
      await client.open(webUri, text);
      const first = await client.waitForDiagnostics(webUri, since);
      assert.deepEqual(registryDiagnostics(first), [], 'the first publication does not wait for the registry');
      assert.ok(first.diagnostics.length > 0, 'the offline findings are there');
      const online = await client.waitForDiagnostics(webUri, since, (p) => registryDiagnostics(p).length > 0, 30_000);
      assert.equal(online.version, 1);
      // One finding per cause: a missing tag is tag-not-found alone (pull-would-fail only for Never), and the
      // registry that refused the credentials is the status bar's, not a diagnostic of the file.
      assert.deepEqual(summary(text, registryDiagnostics(online)), [
        `tag-not-found/${ERROR} 9.9`,
        `pull-would-fail/${WARNING} ${host}/team/oci:9.8`,
        `tag-not-found/${ERROR} 9.8`,
        `pull-would-fail/${WARNING} ${locked.host}/team/secret:1.0`,
        `pull-would-fail/${WARNING} ${locked.host}/team/secret:2.0`,
      ]);
      const byCode = (code: string) =>
        registryDiagnostics(online)
          .filter((d) => d.code === code)
          .map((d) => ({ ...d, message: d.message as string }));
      assert.match(byCode('tag-not-found')[0].message, new RegExp(`has no tag "9\\.9" in team/oci \\(its only tag: 1\\.0\\.0\\)\\.$`));
      const pulls = byCode('pull-would-fail').map((d) => d.message);
      assert.match(pulls[0], /^imagePullPolicy is Never and .* does not have this image either, .* ErrImageNeverPull\.$/);
      assert.match(pulls[1], /requires credentials and this pod spec has no imagePullSecrets, so a node without its own credentials fails to pull/);
      for (const d of registryDiagnostics(online)) assert.match(d.codeDescription?.href ?? '', new RegExp(`/docs/diagnostics\\.md#${d.code}$`));
    });

    await t.test('completion after ":" lists the 266 tags, newest semver first, moving tags marked', async () => {
      const uri = 'untitled:completion.yaml';
      const completionText = COMPLETION_TEXT(host);
      await client.open(uri, completionText);
      const at = offsetOf(completionText, 'team/many:', 'team/many:'.length);
      const list = await client.request<lsp.CompletionList>('textDocument/completion', { textDocument: { uri }, position: position(completionText, at) });
      assert.equal(list.isIncomplete, false);
      const sorted = [...list.items].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
      assert.deepEqual(
        sorted.map((item) => item.label),
        MANY_ORDER,
      );
      assert.equal(sorted.length, 266);
      const latest = sorted.find((item) => item.label === 'latest');
      assert.deepEqual(latest?.detail, 'moving tag: pushed again and again');
      // The first eight rows show platform and day in labelDetails (one manifest question each, within the wait).
      assert.deepEqual(latest?.labelDetails?.detail, ' moving tag');
      assert.deepEqual(
        sorted.slice(0, 9).map((item) => item.labelDetails?.description),
        [...Array<string>(8).fill('linux/amd64 · 2024-05-01'), undefined],
      );
      assert.deepEqual(sorted[0].textEdit, { range: { start: position(completionText, at), end: position(completionText, at) }, newText: '2.0.0' });
    });

    await t.test('completion after "@" offers the digest the tag points to, then each platform', async () => {
      const uri = 'untitled:completion.yaml';
      const completionText = COMPLETION_TEXT(host);
      const at = offsetOf(completionText, 'multi:3.0.0@', 'multi:3.0.0@'.length);
      const list = await client.request<lsp.CompletionList>('textDocument/completion', { textDocument: { uri }, position: position(completionText, at) });
      // Each row shows its digest short and writes it whole (filtered on the whole digest too).
      assert.deepEqual(
        list.items.map((item) => [item.label, item.textEdit?.newText, item.filterText, item.detail, item.preselect]),
        [multi.digest, multi.images[0].digest, multi.images[1].digest].map((digest, i) => [
          `${digest.slice(0, 19)}…`,
          digest,
          digest,
          [':3.0.0 now (index of 2 platforms)', 'linux/amd64 only, from the index :3.0.0 points at', 'linux/arm64/v8 only, from the index :3.0.0 points at'][i],
          i === 0 ? true : undefined,
        ]),
      );
      assert.deepEqual(
        list.items.map((item) => item.labelDetails),
        [{ description: 'linux/amd64, arm64/v8' }, { description: 'linux/amd64' }, { description: 'linux/arm64/v8' }],
      );
    });

    await t.test('completion of kustomize newTag uses the tags of its name', async () => {
      const uri = fileUri(join(workspace, 'kustomization.yaml'));
      const kustomization = `images:\n  - name: ${host}/team/many\n    newTag: "1.0.0"\n`;
      await client.open(uri, kustomization);
      const at = offsetOf(kustomization, '"1.0.0"', 1);
      const list = await client.request<lsp.CompletionList>('textDocument/completion', { textDocument: { uri }, position: position(kustomization, at) });
      assert.equal(list.items.length, 266);
      assert.deepEqual(list.items.find((item) => item.sortText === '000000')?.label, '2.0.0');
    });

    await t.test('a slow registry does not hold completion up: the list comes without it, marked incomplete', async () => {
      const uri = 'untitled:slow.yaml';
      const slowText = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: s', 'spec:', '  containers:', `    - image: ${host}/team/slow:`, ''].join('\n');
      await client.open(uri, slowText);
      const started = Date.now();
      const list = await client.request<lsp.CompletionList>('textDocument/completion', {
        textDocument: { uri },
        position: position(slowText, slowText.indexOf('slow:') + 5),
      });
      const took = Date.now() - started;
      assert.ok(took < 4000, `answered after ${took} ms`);
      assert.equal(list.isIncomplete, true);
      assert.equal(
        list.items.some((item) => item.label === '1.0.0'),
        false,
      );
      await within(slow.arrived.promise, 'The tag list request of team/slow reaching the registry');
      slow.release.resolve();
    });

    await t.test('cancelling a completion cancels its registry request', async () => {
      const uri = 'untitled:slow2.yaml';
      const slowText = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: s', 'spec:', '  containers:', `    - image: ${host}/team/slow2:`, ''].join('\n');
      await client.open(uri, slowText);
      const before = front.count('/v2/team/slow2/tags/list');
      const source = new CancellationTokenSource();
      const pending = client.connection.sendRequest<lsp.CompletionList>(
        'textDocument/completion',
        { textDocument: { uri }, position: position(slowText, slowText.indexOf('slow2:') + 6) },
        source.token,
      );
      // Cancel once the tag list request has reached the registry, which holds it.
      await within(slow2.arrived.promise, 'The tag list request of team/slow2 reaching the registry');
      const cancelled = Date.now();
      source.cancel();
      const outcome = await pending.then(
        () => 'answered',
        (error: { code?: number }) => error.code,
      );
      assert.equal(outcome, -32800, 'RequestCancelled');
      assert.ok(Date.now() - cancelled < 2000, 'the cancellation did not wait for the registry');
      // The server dropped the HTTP request: the registry side saw the connection close before it answered.
      await within(slow2.abandoned.promise, 'The server closing its tag list request of team/slow2');
      assert.equal(front.count('/v2/team/slow2/tags/list'), before + 1);
    });

    await t.test('hover shows platforms with digests, size, created date and labels', async () => {
      const multiHover = await client.request<lsp.Hover>('textDocument/hover', {
        textDocument: { uri: webUri },
        position: position(text, offsetOf(text, 'team/multi:3.0.0')),
      });
      const markdown = (multiHover.contents as lsp.MarkupContent).value;
      assert.match(markdown, new RegExp(`\\*\\*Registry\\*\\*: \`:3\\.0\\.0\` now points to \`${multi.digest}\``));
      assert.ok(markdown.startsWith(`\`${host}/team/multi:3.0.0\` · IfNotPresent · not pinned · registry: found (2 platforms)\n`), markdown);
      assert.match(markdown, /\nOCI image index `application\/vnd\.oci\.image\.index\.v1\+json` · [\d.]+ (B|kB) over 2 platforms/);
      assert.match(markdown, new RegExp(`\\| \`linux/amd64\` \\| \`${multi.images[0].digest}\` \\| [\\d.]+ (B|kB) \\| 2024-05-01 12:00 UTC \\|`));
      assert.match(markdown, new RegExp(`\\| \`linux/arm64/v8\` \\| \`${multi.images[1].digest}\` \\|`));
      assert.doesNotMatch(markdown, /unknown\/unknown/, 'attestations are not platforms');
      // BuildKit's attestation manifests are what is attached to each platform, and nothing signs the index.
      assert.match(markdown, /\*\*Attached\*\*: no signature found · each platform: SBOM: SPDX · provenance: SLSA v0\.2\n/);
      const ociHover = await client.request<lsp.Hover>('textDocument/hover', {
        textDocument: { uri: webUri },
        position: position(text, offsetOf(text, 'team/oci:1.0.0')),
      });
      const ociMarkdown = (ociHover.contents as lsp.MarkupContent).value;
      assert.match(ociMarkdown, new RegExp(`now points to \`${oci.digest}\``));
      assert.match(ociMarkdown, /\*\*Attached\*\*: no signature found\n/);
      assert.match(
        ociMarkdown,
        new RegExp(`\nOCI image manifest \`application/vnd\\.oci\\.image\\.manifest\\.v1\\+json\` · .* · created ${DEFAULT_CREATED.slice(0, 10)} 12:00 UTC\n`),
      );
      assert.match(
        ociMarkdown,
        /\nLabels: title `oci` · description `the OCI image` · version `1\.0\.0` · revision `[0-9a-f]{40}` · source `https:\/\/example\.invalid\/team\/oci` · licenses `MIT`\n/,
      );
      const dockerHover = await client.request<lsp.Hover>('textDocument/hover', {
        textDocument: { uri: webUri },
        position: position(text, offsetOf(text, 'team/docker:2.1')),
      });
      assert.match((dockerHover.contents as lsp.MarkupContent).value, /Docker image manifest \(schema 2\)/);
      const pinnedHover = await client.request<lsp.Hover>('textDocument/hover', {
        textDocument: { uri: webUri },
        position: position(text, offsetOf(text, 'team/moving:1.0')),
      });
      assert.match((pinnedHover.contents as lsp.MarkupContent).value, /The pinned digest still matches `:1\.0`\./);
    });

    await t.test('code actions on a tag: each whole-file result', async () => {
      const at = position(text, offsetOf(text, 'team/oci:1.0.0'));
      const actions = await client.request<lsp.CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: webUri },
        range: { start: at, end: at },
        context: { diagnostics: [] },
      });
      const results = actions.map((action) => [
        action.title,
        applyTextEdits(text, (action.edit!.documentChanges![0] as lsp.TextDocumentEdit).edits as lsp.TextEdit[]),
      ]);
      const pinOci = text.replace(`${host}/team/oci:1.0.0 #`, `${host}/team/oci:1.0.0@${oci.digest} #`);
      const policy = (value: string) =>
        text.replace(`team/oci:1.0.0 # single platform\n`, `team/oci:1.0.0 # single platform\n          imagePullPolicy: ${value}\n`);
      assert.deepEqual(results, [
        // batch.yaml on disk pins oci:1.0.0 already, so the offline action is offered (and preferred) too.
        [`Pin to ${oci.digest.slice(0, 19)}… (the digest the workspace uses for :1.0.0)`, pinOci],
        [`Pin to digest: ${oci.digest.slice(0, 19)}… (the digest :1.0.0 points to now)`, pinOci],
        ['Set imagePullPolicy: Always', policy('Always')],
        ['Set imagePullPolicy: IfNotPresent (the current default)', policy('IfNotPresent')],
        ['Set imagePullPolicy: Never', policy('Never')],
        [
          'Pin all images in file to their digests: 3 images',
          pinOci
            .replace(`"${host}/team/docker:2.1"`, `"${host}/team/docker:2.1@${docker.digest}"`)
            .replace(`${host}/team/multi:3.0.0\n`, `${host}/team/multi:3.0.0@${multi.digest}\n`),
        ],
      ]);
      assert.deepEqual(
        actions.map((a) => [a.kind, a.isPreferred]),
        [
          ['quickfix', true],
          ['quickfix', undefined],
          ['refactor.rewrite', undefined],
          ['refactor.rewrite', undefined],
          ['refactor.rewrite', undefined],
          ['refactor.rewrite', undefined],
        ],
      );
    });

    await t.test('tag-not-found: "Use tag" with the tag the registry has', async () => {
      const at = position(text, offsetOf(text, 'team/oci:9.9', 'team/oci:'.length));
      const actions = await client.request<lsp.CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: webUri },
        range: { start: at, end: at },
        context: { diagnostics: [] },
      });
      const use = actions.filter((a) => a.title.startsWith('Use tag'));
      assert.deepEqual(
        use.map((a) => [a.title, a.kind, a.isPreferred]),
        [['Use tag 1.0.0', 'quickfix', true]],
      );
      assert.equal(
        applyTextEdits(text, (use[0].edit!.documentChanges![0] as lsp.TextDocumentEdit).edits as lsp.TextEdit[]),
        text.replace(`${host}/team/oci:9.9`, `${host}/team/oci:1.0.0`),
      );
    });

    await t.test('latest-tag: the registry\'s newest versions, and "and its digest" resolved when chosen', async () => {
      const uri = 'untitled:latest.yaml';
      const latestText = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: l', 'spec:', '  containers:', `    - image: ${host}/team/many:latest`, ''].join(
        '\n',
      );
      await client.open(uri, latestText);
      const at = position(latestText, offsetOf(latestText, ':latest', 2));
      const tagLists = front.count('/v2/team/many/tags/list');
      const actions = await client.request<lsp.CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: at, end: at },
        context: { diagnostics: [] },
      });
      assert.ok(front.count('/v2/team/many/tags/list') <= tagLists + 1, 'at most one tag list request');
      const versions = actions.filter((a) => a.title.startsWith('Use version'));
      assert.deepEqual(
        versions.map((a) => [a.title, a.isPreferred, a.edit === undefined, a.data !== undefined]),
        [
          ['Use version 2.0.0', true, false, false],
          ['Use version 2.0.0 and its digest', undefined, true, true],
          ['Use version 1.12.19', undefined, false, false],
          ['Use version 1.12.19 and its digest', undefined, true, true],
          ['Use version 1.12.18', undefined, false, false],
          ['Use version 1.12.18 and its digest', undefined, true, true],
        ],
      );
      assert.equal(
        applyTextEdits(latestText, (versions[0].edit!.documentChanges![0] as lsp.TextDocumentEdit).edits as lsp.TextEdit[]),
        latestText.replace('team/many:latest', 'team/many:2.0.0'),
      );
      const before = front.count('/v2/team/many/manifests/2.0.0');
      const resolved = await client.request<lsp.CodeAction>('codeAction/resolve', versions[1]);
      assert.equal(resolved.title, 'Use version 2.0.0 and its digest');
      assert.equal(
        applyTextEdits(latestText, (resolved.edit!.documentChanges![0] as lsp.TextDocumentEdit).edits as lsp.TextEdit[]),
        latestText.replace('team/many:latest', `team/many:2.0.0@${many.digest}`),
      );
      assert.ok(front.count('/v2/team/many/manifests/2.0.0') <= before + 1, 'one manifest request for the chosen version');
      // After an edit the pending action is stale: it resolves to nothing rather than to edits for old text.
      await client.notify('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ text: latestText.replace('name: l', 'name: l2') }],
      });
      const stale = await client.request<lsp.CodeAction>('codeAction/resolve', versions[3]);
      assert.equal(stale.edit, undefined);
      await client.notify('textDocument/didClose', { textDocument: { uri } });
    });

    await t.test('code actions on a pin that still matches: unpin', async () => {
      const at = position(text, offsetOf(text, moving.digest, 3));
      const actions = await client.request<lsp.CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: webUri },
        range: { start: at, end: at },
        context: { diagnostics: [] },
      });
      const unpin = actions.find((a) => a.title.startsWith('Unpin'));
      assert.equal(unpin?.title, 'Unpin: use the tag :1.0 without a digest');
      assert.equal(
        applyTextEdits(text, (unpin.edit!.documentChanges![0] as lsp.TextDocumentEdit).edits as lsp.TextEdit[]),
        text.replace(`team/moving:1.0@${moving.digest}`, 'team/moving:1.0'),
      );
      assert.equal(
        actions.some((a) => a.title.startsWith('Update pinned digest')),
        false,
      );
    });

    await t.test('after the tag moves, a refresh reports stale-pin, and "Update pinned digest" fixes it', async () => {
      const moved = await moveTag(registry, 'team/moving', '1.0');
      assert.notEqual(moved.digest, moving.digest);
      const since = client.mark();
      await client.request('workspace/executeCommand', { command: 'imageAware.refreshRegistry', arguments: [] });
      const published = await client.waitForDiagnostics(webUri, since, (p) => p.diagnostics.some((d) => d.code === 'stale-pin'), 30_000);
      const stale = published.diagnostics.filter((d) => d.code === 'stale-pin');
      assert.deepEqual(summary(text, stale), [`stale-pin/${WARNING} ${moving.digest}`]);
      assert.match(
        stale[0].message as string,
        new RegExp(`^":1\\.0" now points to ${moved.digest.slice(0, 19)}…, not the pinned ${moving.digest.slice(0, 19)}…`),
      );
      const at = position(text, offsetOf(text, moving.digest, 3));
      const actions = await client.request<lsp.CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: webUri },
        range: { start: at, end: at },
        context: { diagnostics: stale },
      });
      const update = actions[0];
      assert.equal(update.title, `Update pinned digest to ${moved.digest.slice(0, 19)}… (what :1.0 points to now)`);
      assert.equal(update.isPreferred, true);
      assert.deepEqual(update.diagnostics, stale, 'the fix names the stale-pin it resolves');
      assert.equal(
        applyTextEdits(text, (update.edit!.documentChanges![0] as lsp.TextDocumentEdit).edits as lsp.TextEdit[]),
        text.replace(moving.digest, moved.digest),
      );
    });

    await t.test(
      '"Pin every image" with { apply: false }: each pin with its line, image and edit, nothing applied; each image left with its line and why',
      async () => {
        const applied = client.appliedEdits.length;
        const result = await client.request<PinWorkspaceResult>('workspace/executeCommand', {
          command: 'imageAware.pinWorkspace',
          arguments: [{ apply: false }],
        });
        assert.equal(client.appliedEdits.length, applied, 'nothing is applied');
        assert.deepEqual([result.asked, result.applied, result.pinned, result.files], [true, false, 6, 3]);
        const texts = new Map([
          [webUri, text],
          [fileUri(diskPath), diskText()],
          [fileUri(join(workspace, 'kustomization.yaml')), `images:\n  - name: ${host}/team/many\n    newTag: "1.0.0"\n`],
        ]);
        const lineOf = (uri: string, needle: string) => position(texts.get(uri)!, offsetOf(texts.get(uri)!, needle)).line;
        const name = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);
        assert.deepEqual(
          result.pins.map((p) => `${name(p.uri)}:${p.line} v${p.version} ${p.image} → ${p.pinned}`),
          [
            `web.yaml:${lineOf(webUri, 'team/oci:1.0.0')} v1 ${host}/team/oci:1.0.0 → ${host}/team/oci:1.0.0@${oci.digest}`,
            `web.yaml:${lineOf(webUri, 'team/docker:2.1')} v1 ${host}/team/docker:2.1 → ${host}/team/docker:2.1@${docker.digest}`,
            `web.yaml:${lineOf(webUri, 'team/multi:3.0.0')} v1 ${host}/team/multi:3.0.0 → ${host}/team/multi:3.0.0@${multi.digest}`,
            // Open documents first, then the files on disk.
            `kustomization.yaml:1 v1 ${host}/team/many:1.0.0 → ${host}/team/many:1.0.0@${many.digest}`,
            `batch.yaml:${lineOf(fileUri(diskPath), 'team/oci:1.0.0')} vnull ${host}/team/oci:1.0.0 → ${host}/team/oci:1.0.0@${oci.digest}`,
            `batch.yaml:${lineOf(fileUri(diskPath), 'team/docker:2.1')} vnull ${host}/team/docker:2.1 → ${host}/team/docker:2.1@${docker.digest}`,
          ],
        );
        for (const pin of result.pins) {
          const document = TextDocument.create(pin.uri, 'yaml', 0, texts.get(pin.uri)!);
          assert.equal(document.getText(pin.edit.range), pin.replaces, `what the edit of ${pin.image} replaces`);
        }
        // The edits are those the apply below sends: web.yaml pinned by its own edits, as a whole text.
        assert.equal(
          applyTextEdits(
            text,
            result.pins.filter((p) => p.uri === webUri).map((p) => p.edit),
          ),
          text
            .replace(`${host}/team/oci:1.0.0 #`, `${host}/team/oci:1.0.0@${oci.digest} #`)
            .replace(`"${host}/team/docker:2.1"`, `"${host}/team/docker:2.1@${docker.digest}"`)
            .replace(`${host}/team/multi:3.0.0\n`, `${host}/team/multi:3.0.0@${multi.digest}\n`),
        );
        assert.deepEqual(
          result.skipped.map((s) => `${name(s.uri)}:${s.line} ${s.image}`),
          [
            `web.yaml:${lineOf(webUri, 'team/oci:9.9')} ${host}/team/oci:9.9`,
            `web.yaml:${lineOf(webUri, 'team/oci:9.8')} ${host}/team/oci:9.8`,
            `web.yaml:${lineOf(webUri, 'team/secret:1.0')} ${locked.host}/team/secret:1.0`,
            `web.yaml:${lineOf(webUri, 'team/secret:2.0')} ${locked.host}/team/secret:2.0`,
            `web.yaml:${text.split('\n').lastIndexOf(`      image: ${locked.host}/team/secret:1.0`)} ${locked.host}/team/secret:1.0`,
          ],
        );
        assert.equal(result.skipped[0].reason, `${host} has no tag "9.9" in team/oci`);
        const templated = fileUri(join(workspace, 'templated.yaml'));
        assert.deepEqual(
          result.unpinnable.filter((u) => u.uri === templated),
          [
            {
              uri: templated,
              line: 6,
              image: '${IMAGE}',
              reason: 'Image "${IMAGE}" holds a template placeholder; it is checked only once rendered.',
            },
            {
              uri: templated,
              line: 7,
              image: null,
              reason:
                'images past here are not pinned: YAML syntax error (Flow sequence in block collection must be sufficiently indented and end with a ]), ' +
                'so image fields after it in this document may be missed.',
            },
          ],
        );
      },
    );

    await t.test('"Pin every image in the workspace": one WorkspaceEdit, one manifest request per unique repo:tag', async () => {
      front.resetRequests();
      const result = await client.request<{ applied: boolean; pinned: number; files: number; skipped: { uri: string; image: string; reason: string }[] }>(
        'workspace/executeCommand',
        {
          command: 'imageAware.pinWorkspace',
          arguments: [],
        },
      );
      assert.deepEqual(manifestRequests().sort(), [
        'HEAD /v2/team/docker/manifests/2.1',
        'HEAD /v2/team/many/manifests/1.0.0',
        'HEAD /v2/team/multi/manifests/3.0.0',
        'HEAD /v2/team/oci/manifests/1.0.0',
        'HEAD /v2/team/oci/manifests/9.8',
        'HEAD /v2/team/oci/manifests/9.9',
      ]);
      assert.equal(client.appliedEdits.length, 1);
      const edit = client.appliedEdits[0];
      assert.equal(edit.label, 'Pin 6 images to digests');
      const changes = edit.edit.documentChanges as lsp.TextDocumentEdit[];
      const kustomizationUri = fileUri(join(workspace, 'kustomization.yaml'));
      assert.deepEqual(
        changes.map((c) => c.textDocument).sort((a, b) => (a.uri < b.uri ? -1 : 1)),
        [
          { uri: fileUri(diskPath), version: null },
          // Opened by the completion step, so it is edited at its open version.
          { uri: kustomizationUri, version: 1 },
          { uri: webUri, version: 1 },
        ],
      );
      const kustomization = `images:\n  - name: ${host}/team/many\n    newTag: "1.0.0"\n`;
      assert.equal(
        applyTextEdits(kustomization, changes.find((c) => c.textDocument.uri === kustomizationUri)!.edits as lsp.TextEdit[]),
        `images:\n  - name: ${host}/team/many\n    newTag: "1.0.0"\n    digest: ${many.digest}\n`,
      );
      const webAfter = applyTextEdits(text, changes.find((c) => c.textDocument.uri === webUri)!.edits as lsp.TextEdit[]);
      const diskAfter = applyTextEdits(diskText(), changes.find((c) => c.textDocument.uri === fileUri(diskPath))!.edits as lsp.TextEdit[]);
      assert.equal(
        webAfter,
        text
          .replace(`${host}/team/oci:1.0.0 #`, `${host}/team/oci:1.0.0@${oci.digest} #`)
          .replace(`"${host}/team/docker:2.1"`, `"${host}/team/docker:2.1@${docker.digest}"`)
          .replace(`${host}/team/multi:3.0.0\n`, `${host}/team/multi:3.0.0@${multi.digest}\n`),
      );
      assert.equal(
        diskAfter,
        diskText()
          .replace(`'${host}/team/oci:1.0.0'`, `'${host}/team/oci:1.0.0@${oci.digest}'`)
          .replace(`${host}/team/docker:2.1 # legacy`, `${host}/team/docker:2.1@${docker.digest} # legacy`),
      );
      assert.equal(result.applied, true);
      assert.equal(result.pinned, 6);
      assert.equal(result.files, 3);
      assert.deepEqual(
        result.skipped.map((s) => s.image).sort(),
        [
          `${host}/team/oci:9.8`,
          `${host}/team/oci:9.9`,
          `${locked.host}/team/secret:1.0`,
          `${locked.host}/team/secret:1.0`,
          `${locked.host}/team/secret:2.0`,
        ].sort(),
      );
      assert.match(client.messages.at(-1)?.message ?? '', /^Pinned 6 images in 3 files\. \d+ not pinned \(see the Image Aware output\)\.$/);
    });

    await t.test('pinning the workspace with imageAware.pin.platform: still one manifest request per unique repo:tag', async () => {
      client.settings = { pin: { platform: 'linux/arm64' } };
      front.resetRequests();
      const result = await client.request<{ applied: boolean; pinned: number }>('workspace/executeCommand', {
        command: 'imageAware.pinWorkspace',
        arguments: [],
      });
      assert.equal(result.pinned, 6);
      // Every unique reference is asked exactly once, and nothing by digest: a HEAD where the body of what the tag
      // named is cached (from the facts of the open documents), else one GET by tag whose bytes give both.
      const requests = manifestRequests();
      assert.deepEqual(requests.map((r) => r.slice(r.indexOf(' ') + 1)).sort(), [
        '/v2/team/docker/manifests/2.1',
        '/v2/team/many/manifests/1.0.0',
        '/v2/team/multi/manifests/3.0.0',
        '/v2/team/oci/manifests/1.0.0',
        '/v2/team/oci/manifests/9.8',
        '/v2/team/oci/manifests/9.9',
      ]);
      assert.deepEqual(requests.filter((r) => r.startsWith('GET')).sort(), ['GET /v2/team/oci/manifests/9.8', 'GET /v2/team/oci/manifests/9.9']);
      const changes = client.appliedEdits.at(-1)!.edit.documentChanges as lsp.TextDocumentEdit[];
      const webAfter = applyTextEdits(text, changes.find((c) => c.textDocument.uri === webUri)!.edits as lsp.TextEdit[]);
      assert.ok(webAfter.includes(`${host}/team/multi:3.0.0@${multi.images[1].digest}\n`), 'the arm64 image of the index is pinned');
      client.settings = {};
    });
  } finally {
    const code = await client.shutdown().catch(() => client.kill());
    assert.equal(code, 0, client.serverLog());
  }
});

test('with imageAware.registry.online off the server makes no request at all', { timeout: 60_000 }, async () => {
  const workspace = join(root, 'workspace');
  // Traced, so the server logs the end of each document's registry round.
  const client = LspClient.start('stdio', { env: { ...env(), IMAGE_AWARE_TRACE: '1' } });
  client.settings = { registry: { online: false } };
  const text = deploymentText();
  const uri = fileUri(join(workspace, 'web.yaml'));
  try {
    front.resetRequests();
    await client.initialize(workspace, { storagePath: join(root, 'offline-storage') });
    const since = client.mark();
    await client.open(uri, text);
    const published = await client.waitForDiagnostics(uri, since);
    const completionText = COMPLETION_TEXT(front.host);
    await client.open('untitled:offline.yaml', completionText);
    const list = await client.request<lsp.CompletionList>('textDocument/completion', {
      textDocument: { uri: 'untitled:offline.yaml' },
      position: position(completionText, offsetOf(completionText, 'team/many:', 'team/many:'.length)),
    });
    assert.equal(
      list.items.some((item) => item.kind === 12 /* Value */ && item.label === '2.0.0'),
      false,
    );
    const hover = await client.request<lsp.Hover>('textDocument/hover', { textDocument: { uri }, position: position(text, offsetOf(text, 'team/multi')) });
    assert.doesNotMatch((hover.contents as lsp.MarkupContent).value, /\*\*Registry/);
    const result = await client.request<{ applied: boolean; message: string }>('workspace/executeCommand', {
      command: 'imageAware.pinWorkspace',
      arguments: [],
    });
    assert.deepEqual(result, {
      asked: false,
      applied: false,
      pinned: 0,
      files: 0,
      pins: [],
      skipped: [],
      unpinnable: [],
      message: 'Not pinned: imageAware.registry.online is off, so no registry is asked.',
    });
    const logged = client.logMark();
    await client.request('workspace/executeCommand', { command: 'imageAware.refreshRegistry', arguments: [] });
    // The refresh runs a registry round for each open document; a round ends after every request it made was answered.
    for (const document of [uri, 'untitled:offline.yaml']) await client.waitForLog(`registry diagnostics ${document}, asked afresh: `, logged);
    assert.deepEqual(registryDiagnostics(published), []);
    assert.equal(
      client.publications.some((p) => registryDiagnostics(p).length > 0),
      false,
    );
    assert.equal(front.requests.length, 0, `requests: ${JSON.stringify(front.requests.map((r) => r.url))}`);
    assert.equal(client.appliedEdits.length, 0);
  } finally {
    const code = await client.shutdown().catch(() => client.kill());
    assert.equal(code, 0, client.serverLog());
  }
});

test('after a push the client names the tag, and the image it pins never shows a false stale-pin', { timeout: 60_000 }, async () => {
  const workspace = join(root, 'push-workspace');
  mkdirSync(workspace);
  const host = front.host;
  const before = await pushImage(registry, 'team/pushed', '1.0');
  // `0.0` does not exist: its tag-not-found shows which publications carry registry answers.
  const fileText = (image: string) =>
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      'spec:',
      '  containers:',
      `    - image: ${image}`,
      `    - image: ${host}/team/pushed:0.0`,
      '',
    ].join('\n');
  const pinnedUri = fileUri(join(workspace, 'pinned.yaml'));
  const otherUri = fileUri(join(workspace, 'other.yaml'));
  const client = LspClient.start('stdio', { env: env() });
  try {
    await client.initialize(workspace, { storagePath: join(root, 'push-storage') });
    const since = client.mark();
    await client.open(pinnedUri, fileText(`${host}/team/pushed:1.0`));
    await client.open(otherUri, fileText(`${host}/team/pushed:1.0@${before.digest}`));
    for (const uri of [pinnedUri, otherUri]) await client.waitForDiagnostics(uri, since, (p) => p.diagnostics.some((d) => d.code === 'tag-not-found'), 30_000);

    // What Build, Push and Pin does: push, tell the server the tag, then pin the pushed digest in the file.
    const pushed = await moveTag(registry, 'team/pushed', '1.0');
    front.resetRequests();
    const told = client.mark();
    await client.request('workspace/executeCommand', { command: 'imageAware.refreshRegistry', arguments: [{ image: `${host}/team/pushed:1.0` }] });
    const pinnedText = fileText(`${host}/team/pushed:1.0@${pushed.digest}`);
    await client.notify('textDocument/didChange', { textDocument: { uri: pinnedUri, version: 2 }, contentChanges: [{ text: pinnedText }] });

    const first = await client.waitForDiagnostics(pinnedUri, told, (p) => p.version === 2);
    const second = await client.waitForDiagnostics(pinnedUri, client.publications.indexOf(first) + 1, (p) => p.version === 2, 30_000);
    for (const published of [first, second]) {
      assert.deepEqual(summary(pinnedText, registryDiagnostics(published)), [`tag-not-found/${ERROR} 0.0`]);
    }
    // The file still pinned to the digest before the push is told at once that the tag moved.
    const other = await client.waitForDiagnostics(otherUri, told, (p) => p.diagnostics.some((d) => d.code === 'stale-pin'), 30_000);
    const stale = other.diagnostics.filter((d) => d.code === 'stale-pin');
    assert.deepEqual(summary(fileText(`${host}/team/pushed:1.0@${before.digest}`), stale), [`stale-pin/${WARNING} ${before.digest}`]);
    // One HEAD for the pushed tag, which both files then read from the server's cache.
    assert.deepEqual(
      manifestRequests().filter((r) => r.endsWith('/manifests/1.0')),
      ['HEAD /v2/team/pushed/manifests/1.0'],
    );
  } finally {
    const code = await client.shutdown().catch(() => client.kill());
    assert.equal(code, 0, client.serverLog());
  }
});

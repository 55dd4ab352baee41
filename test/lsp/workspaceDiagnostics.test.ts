/**
 * The bundled server over JSON-RPC (dist/server.js, stdio) on a real workspace folder:
 * - the background pass publishes the offline findings of files that are not open (YAML and
 *   Dockerfiles), skips files over the size limit, skipped folders and files past the cap, gives a
 *   closed document its file's diagnostics back and clears a deleted file's; `openFiles` clears them all;
 * - a registry's problem is one imageAware/registryStatus entry (host as written, state, reason in
 *   words), never a registry-unreachable diagnostic in the files that name it; a registry that
 *   answers is `reachable`; "Ask again" for one registry asks it again; the pull rate limit a registry
 *   announces (RateLimit-Limit, RateLimit-Remaining) is in its entry.
 * Registries are real: CNCF distribution on loopback for the one that answers, a closed loopback port
 * for the one that refuses the connection, and a loopback proxy in front of distribution that adds
 * RateLimit headers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import { fileUri, LspClient } from '../helpers/lspClient';
import { proxy, pushImage, startMisbehavingServer, startRegistry, withHeaders } from '../helpers/registry';
import type { RunningRegistry } from '../helpers/registry';
import type { RegistryStatusParams } from '../../server/src/lsp';

let root: string;
let registry: RunningRegistry;
let closedHost: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'image-aware-workspace-diagnostics-'));
  registry = await startRegistry();
  await pushImage(registry, 'team/app', '1.0');
  const closed = await startMisbehavingServer();
  closedHost = closed.host;
  await closed.stop();
});

after(async () => {
  await registry?.stop();
  rmSync(root, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(root, 'home-'));
  return { HOME: home, DOCKER_CONFIG: join(home, '.docker'), PATH: process.env.PATH };
}

const pod = (image: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: ${image}\n`;

function codes(params: lsp.PublishDiagnosticsParams): string[] {
  return params.diagnostics.map((d) => String(d.code)).sort();
}

function write(folder: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
}

test('files that are not open get their offline findings; closed, deleted and openFiles do what they say', { timeout: 60_000 }, async () => {
  const folder = join(root, 'background');
  write(folder, {
    'app/deploy.yaml': pod('nginx'),
    'app/Dockerfile': 'FROM Envoyproxy/envoy:v1.30.1\n',
    'big.yaml': `${pod('redis')}# ${'x'.repeat(4096)}\n`,
    'node_modules/dep/x.yaml': pod('busybox'),
    'notes.txt': 'image: nginx\n',
  });
  const client = LspClient.start('stdio', { env: env() });
  client.settings = { registry: { online: false }, limits: { maxFileSizeMB: 0.002 } };
  const deploy = fileUri(join(folder, 'app/deploy.yaml'));
  const dockerfile = fileUri(join(folder, 'app/Dockerfile'));
  try {
    const since = client.mark();
    await client.initialize(folder);
    assert.deepEqual(codes(await client.waitForDiagnostics(deploy, since)), ['implicit-latest']);
    const fromDockerfile = await client.waitForDiagnostics(dockerfile, since);
    assert.deepEqual(codes(fromDockerfile), ['not-pinned', 'uppercase-registry']);
    assert.equal(fromDockerfile.diagnostics.find((d) => d.code === 'uppercase-registry')?.range.start.character, 5);
    await client.waitForLog('Workspace diagnostics: 2 files in ', 0);
    const published = new Set(client.publications.map((p) => p.uri));
    for (const skipped of ['big.yaml', 'node_modules/dep/x.yaml', 'notes.txt']) assert.ok(!published.has(fileUri(join(folder, skipped))), skipped);

    // Open: the editor's text counts; closed: the file's findings come back.
    let mark = client.mark();
    await client.open(deploy, pod('nginx:1.27'));
    assert.deepEqual(codes(await client.waitForDiagnostics(deploy, mark)), ['not-pinned']);
    mark = client.mark();
    await client.notify('textDocument/didClose', { textDocument: { uri: deploy } });
    assert.deepEqual(codes(await client.waitForDiagnostics(deploy, mark, (p) => p.diagnostics.length > 0)), ['implicit-latest']);

    // Deleted on disk: cleared.
    mark = client.mark();
    unlinkSync(join(folder, 'app/Dockerfile'));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: dockerfile, type: 3 }] });
    assert.deepEqual((await client.waitForDiagnostics(dockerfile, mark)).diagnostics, []);

    // Created on disk: published.
    mark = client.mark();
    write(folder, { 'app/more.yaml': pod('nginx:latest') });
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(join(folder, 'app/more.yaml')), type: 1 }] });
    assert.deepEqual(codes(await client.waitForDiagnostics(fileUri(join(folder, 'app/more.yaml')), mark)), ['latest-tag']);

    // Open files only: what the pass published is cleared.
    mark = client.mark();
    client.settings = { ...client.settings, workspace: { diagnostics: 'openFiles' } };
    await client.notify('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual((await client.waitForDiagnostics(deploy, mark)).diagnostics, []);
    assert.deepEqual((await client.waitForDiagnostics(fileUri(join(folder, 'app/more.yaml')), mark)).diagnostics, []);
  } finally {
    const code = await client.shutdown().catch(() => client.kill());
    assert.equal(code, 0, client.serverLog());
  }
});

test('the pass stops at imageAware.workspace.maxFiles', { timeout: 60_000 }, async () => {
  const folder = join(root, 'capped');
  write(folder, Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${String(i).padStart(2, '0')}.yaml`, pod('nginx')])));
  const client = LspClient.start('stdio', { env: env() });
  client.settings = { registry: { online: false }, workspace: { maxFiles: 5 } };
  try {
    await client.initialize(folder);
    await client.waitForLog('Workspace diagnostics: 5 files in ', 0);
    assert.equal(new Set(client.publications.map((p) => p.uri)).size, 5);
  } finally {
    await client.shutdown().catch(() => client.kill());
  }
});

test(
  'a registry problem is one registryStatus entry with its reason, not a diagnostic in each file; Ask again asks it again',
  { timeout: 60_000 },
  async () => {
    const folder = join(root, 'registries');
    mkdirSync(folder, { recursive: true });
    const client = LspClient.start('stdio', { env: { ...env(), IMAGE_AWARE_TRACE: '1' } });
    client.settings = { workspace: { diagnostics: 'openFiles' } };
    const first = fileUri(join(folder, 'first.yaml'));
    const second = fileUri(join(folder, 'second.yaml'));
    const third = fileUri(join(folder, 'third.yaml'));
    try {
      await client.initialize(folder, { storagePath: join(root, 'storage') });
      let since = client.notifications.length;
      const mark = client.mark();
      await client.open(first, pod(`${closedHost}/team/app:1.0`) + `---\n${pod(`${registry.host}/team/app:1.0`)}`);
      await client.open(second, pod(`${closedHost}/team/other:2.0`));
      await client.open(third, pod(`${registry.host}/team/app:1.0`));
      const status = await client.waitForNotification<RegistryStatusParams>(
        'imageAware/registryStatus',
        since,
        (p) => p.registries.length === 2 && p.registries.some((r) => r.state === 'reachable'),
      );
      assert.deepEqual(
        status.registries.map(({ host, state, reason }) => ({ host, state, reason })).sort((a, b) => a.state.localeCompare(b.state)),
        [
          { host: registry.host, state: 'reachable', reason: null },
          { host: closedHost, state: 'unreachable', reason: `${closedHost} refused the connection.` },
        ],
      );
      assert.ok(status.registries.every((r) => !Number.isNaN(Date.parse(r.when))));
      // Both files were published after their registry rounds; none names the registry's problem.
      await client.waitForDiagnostics(second, mark, (p) => p.diagnostics.length > 0);
      const registryCodes = client.publications
        .flatMap((p) => p.diagnostics.map((d) => d.code))
        .filter((c) => c === 'registry-unreachable' || c === 'unauthorized');
      assert.deepEqual(registryCodes, []);

      // Ask again for the unreachable registry: the documents that name it are asked afresh, the other one is not.
      // Traced, each registry round logs its end and whether it asked afresh; the rounds of one refresh start together.
      const logged = client.logMark();
      await client.request('workspace/executeCommand', { command: 'imageAware.refreshRegistry', arguments: [{ registry: closedHost }] });
      for (const uri of [first, second]) await client.waitForLog(`registry diagnostics ${uri}, asked afresh: `, logged);
      assert.deepEqual(client.logsSince(`registry diagnostics ${third}, asked afresh`, logged), []);

      // Closing every document that names it removes its entry.
      since = client.notifications.length;
      for (const uri of [first, second, third]) await client.notify('textDocument/didClose', { textDocument: { uri } });
      const empty = await client.waitForNotification<RegistryStatusParams>('imageAware/registryStatus', since, (p) => p.registries.length === 0);
      assert.deepEqual(empty.registries, []);
    } finally {
      const code = await client.shutdown().catch(() => client.kill());
      assert.equal(code, 0, client.serverLog());
    }
  },
);

test('a registry that announces a pull rate limit has it in its registryStatus entry', { timeout: 60_000 }, async () => {
  const folder = join(root, 'rate-limited');
  mkdirSync(folder, { recursive: true });
  const limited = await startMisbehavingServer(
    withHeaders({ 'RateLimit-Limit': '100;w=21600', 'RateLimit-Remaining': '3;w=21600' }, proxy({ url: registry.url })),
  );
  const client = LspClient.start('stdio', { env: env() });
  client.settings = { workspace: { diagnostics: 'openFiles' } };
  try {
    await client.initialize(folder, { storagePath: join(root, 'storage-rate-limited') });
    const since = client.notifications.length;
    await client.open(fileUri(join(folder, 'pod.yaml')), pod(`${limited.host}/team/app:1.0`) + `---\n${pod(`${registry.host}/team/app:1.0`)}`);
    const status = await client.waitForNotification<RegistryStatusParams>('imageAware/registryStatus', since, (p) => p.registries.length === 2);
    assert.deepEqual(
      status.registries.map(({ host, state, rateLimit }) => ({ host, state, rateLimit: rateLimit && { ...rateLimit, at: typeof rateLimit.at } })),
      [
        { host: limited.host, state: 'reachable', rateLimit: { limit: 100, remaining: 3, windowSeconds: 21600, at: 'number' } },
        { host: registry.host, state: 'reachable', rateLimit: undefined },
      ].sort((a, b) => (a.host < b.host ? -1 : 1)),
    );
    assert.ok(limited.count() > 0, 'the registry was asked through the proxy');
  } finally {
    const code = await client.shutdown().catch(() => client.kill());
    await limited.stop();
    assert.equal(code, 0, client.serverLog());
  }
});

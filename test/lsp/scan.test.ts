/**
 * Scan Image in the language server (dist/server.js over stdio), with a real registry on loopback
 * and a stand-in trivy (test/helpers/standInScanners.ts) first on the server's PATH, printing
 * trivy's real report: the code action on an image, the imageAware.scanImage command it runs (an
 * image by tag is scanned by the digest its tag points to), then vulnerable-image and the counts by
 * severity in the hover; a second Scan Image reads the cache, and a new server recalls the result
 * from disk without running the scanner.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as lsp from 'vscode-languageserver/node';
import { LspClient } from '../helpers/lspClient';
import { pushImage, startRegistry } from '../helpers/registry';
import type { PushedImage, RunningRegistry } from '../helpers/registry';
import { standInScanner } from '../helpers/standInScanners';
import type { StandInScanner } from '../helpers/standInScanners';
import type { ScanImageResult } from '../../server/src/lsp/protocol';

let registry: RunningRegistry;
let image: PushedImage;
let root: string;
let trivy: StandInScanner;

before(async () => {
  registry = await startRegistry();
  image = await pushImage(registry, 'team/app', '1.0');
  root = mkdtempSync(join(tmpdir(), 'image-aware-lsp-scan-'));
  for (const dir of ['home', 'docker', 'scanners', 'workspace']) mkdirSync(join(root, dir));
  trivy = standInScanner(join(root, 'scanners'), 'trivy', { report: 'trivy-alpine-39.json' });
});

after(async () => {
  await registry?.stop();
  rmSync(root, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  return {
    PATH: `${join(root, 'scanners')}:${process.env.PATH}`,
    HOME: join(root, 'home'),
    DOCKER_CONFIG: join(root, 'docker'),
    XDG_CACHE_HOME: join(root, 'home', '.cache'),
  };
}

const URI = 'untitled:pod.yaml';

function podText(): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: ${registry.host}/team/app:1.0\n`;
}

function at(text: string): lsp.Position {
  return TextDocument.create(URI, 'yaml', 0, text).positionAt(text.indexOf('team/app') + 2);
}

const vulnerable = (p: lsp.PublishDiagnosticsParams) => p.diagnostics.some((d) => d.code === 'vulnerable-image');

async function hoverMarkdown(client: LspClient, text: string): Promise<string> {
  const hover = await client.request<lsp.Hover>('textDocument/hover', { textDocument: { uri: URI }, position: at(text) });
  return (hover.contents as lsp.MarkupContent).value;
}

test('Scan Image: the code action runs trivy on the digest of the tag, then the finding and the hover show what it found', async () => {
  const client = LspClient.start('stdio', { env: env() });
  const text = podText();
  try {
    await client.initialize(join(root, 'workspace'));
    const since = client.mark();
    await client.open(URI, text);
    await client.waitForDiagnostics(URI, since, (p) => p.diagnostics.some((d) => d.source === 'image-aware/registry' || d.code === 'not-pinned'), 30_000);
    // The tag's digest is known once the registry answered; the action is offered with or without it.
    const actions = await client.request<lsp.CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: { start: at(text), end: at(text) },
      context: { diagnostics: [] },
    });
    const scan = actions.find((action) => action.command?.command === 'imageAware.scanImage');
    assert.ok(scan, `a Scan action among ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(scan.title, `Scan ${registry.host}/team/app:1.0 for vulnerabilities`);

    const before = client.mark();
    const result = await client.request<ScanImageResult>('workspace/executeCommand', { command: 'imageAware.scanImage', arguments: scan.command!.arguments });
    const scanned = `${registry.host}/team/app@${image.digest}`;
    assert.equal(result.image, scanned);
    assert.equal(result.cached, false);
    assert.deepEqual(result.scan?.counts, { critical: 2, high: 0, medium: 4, low: 0, negligible: 0, unknown: 0 });
    assert.equal(result.message, `trivy found 2 critical and 4 medium vulnerabilities in ${scanned}.`);
    assert.deepEqual(trivy.calls(), [['image', '--format', 'json', '--quiet', '--scanners', 'vuln', scanned]]);

    const published = await client.waitForDiagnostics(URI, before, vulnerable, 30_000);
    const finding = published.diagnostics.find((d) => d.code === 'vulnerable-image')!;
    assert.match(finding.message as string, /^trivy found 2 critical vulnerabilities \(threshold: high\) in the image its tag points to now/);
    const markdown = await hoverMarkdown(client, text);
    assert.match(markdown, /\*\*Vulnerabilities\*\* in the image `:1\.0` points to \(`sha256:[0-9a-f]{64}`\): 6, found by trivy on /);
    assert.match(
      markdown,
      /\| Critical \| High \| Medium \| Low \| Negligible \| Unknown \|\n\|---:\|---:\|---:\|---:\|---:\|---:\|\n\| 2 \| 0 \| 4 \| 0 \| 0 \| 0 \|/,
    );
    assert.match(markdown, /- `CVE-2019-14697` \(critical\) in `musl` `1\.1\.20-r4`, fixed in `1\.1\.20-r5`/);

    const again = await client.request<ScanImageResult>('workspace/executeCommand', { command: 'imageAware.scanImage', arguments: scan.command!.arguments });
    assert.equal(again.cached, true);
    assert.equal(trivy.calls().length, 1, 'the second Scan Image reads the cache');
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
  }

  // A new session: the result is recalled from the cache on disk, and no scanner runs.
  const next = LspClient.start('stdio', { env: env() });
  try {
    await next.initialize(join(root, 'workspace'));
    const since = next.mark();
    await next.open(URI, text);
    await next.waitForDiagnostics(URI, since, vulnerable, 30_000);
    assert.match(await hoverMarkdown(next, text), /\| 2 \| 0 \| 4 \| 0 \| 0 \| 0 \|/);
    assert.equal(trivy.calls().length, 1);
    assert.equal(await next.shutdown(), 0);
  } finally {
    next.kill();
  }
});

/**
 * The node options the VS Code client launches the server with (package.json `imageAware.serverExecArgv`)
 * keep its young generation small for memory, and must still leave the old generation room for the
 * analysis of large files: with too little, V8 runs a major collection at every step of it, and a
 * 1 MB file cost 2.5 times the CPU.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateVaried } from '../../bench/varied';
import { GC_COUNTER_PATH, LspClient } from '../helpers/lspClient';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const MB = 1024 * 1024;

function clientLaunchFlags(): string[] {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).imageAware.serverExecArgv;
}

test('with the client launch flags, two 1 MB files are diagnosed without a major garbage collection', async (t) => {
  const client = LspClient.start('stdio', { execArgv: [...clientLaunchFlags(), '--require', GC_COUNTER_PATH] });
  client.settings = { registry: { online: false } };
  t.after(() => client.kill());
  await client.initialize(null);
  for (const [i, seed] of [1, 2].entries()) {
    const uri = `file:///large-${i}.yaml`;
    const since = client.mark();
    await client.open(uri, generateVaried(MB, seed).text);
    const published = await client.waitForDiagnostics(uri, since, undefined, 60_000);
    assert.ok(published.diagnostics.length > 0);
  }
  assert.equal(await client.majorGcs(), 0);
  assert.equal(await client.shutdown(), 0);
});

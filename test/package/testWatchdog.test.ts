/**
 * The test runner's watchdog (scripts/test-watchdog.mjs), run as scripts/test.mjs runs it, over two test files
 * that never end: one waiting on a server's socket, one spinning in JavaScript. Before the runner's timeout ends
 * them, it must say of each what its process does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const watchdog = resolve(__dirname, '../../../scripts/test-watchdog.mjs');

test('a test file that does not end is described before the timeout: its state, CPU time and what it waits for', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-watchdog-'));
  try {
    const waiting = join(dir, 'waiting.test.js');
    const spinning = join(dir, 'spinning.test.js');
    writeFileSync(waiting, "require('node:test').test('waits', () => new Promise(() => require('node:net').createServer().listen(0, '127.0.0.1')));\n");
    writeFileSync(spinning, "require('node:test').test('spins', () => { for (;;); });\n");
    const runner = `
      import { execFileSync, spawn } from 'node:child_process';
      import { reportFlags, watchTestFiles } from ${JSON.stringify(watchdog)};
      const args = [...reportFlags(${JSON.stringify(dir)}), '--test', '--test-concurrency=2', '--test-timeout=8000', ${JSON.stringify(waiting)}, ${JSON.stringify(spinning)}];
      const run = spawn(process.execPath, args, { stdio: 'ignore' });
      const stop = watchTestFiles(run.pid, ${JSON.stringify(dir)}, { afterMs: 1500, pollMs: 250, print: (text) => console.log(text) });
      run.on('exit', stop);`;
    // Without NODE_TEST_CONTEXT, which would make the inner `node --test` report to this test's runner.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_TEST_CONTEXT'));
    const child = spawn(process.execPath, ['--input-type=module', '-e', runner], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise((done) => child.on('close', done));

    const about = (file: string): string => {
      const start = output.indexOf(`# still running after 2 s: ${file}`);
      assert.ok(start >= 0, `${file} is described:\n${output}`);
      const next = output.indexOf('# still running', start + 1);
      return output.slice(start, next < 0 ? undefined : next);
    };
    const waitingText = about(waiting);
    assert.match(waitingText, /^ {2}\d+ S [\d.]+ s CPU: \S*node /m, 'the waiting process sleeps');
    assert.match(waitingText, /waits for:\n {2}tcp 127\.0\.0\.1:\d+$/m, 'on the socket it listens on');
    const spinningText = about(spinning);
    assert.match(spinningText, /^ {2}\d+ R [\d.]+ s CPU: \S*node /m, 'the spinning process runs');
    assert.match(spinningText, /no report: the process did not return to its event loop/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a report cut off while written, or not of the shape Node writes, is said to be unreadable; the watchdog goes on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-watchdog-'));
  try {
    writeFileSync(join(dir, 'report.20261207.160813.101.0.001.json'), '{"header": {"commandLine": ["node"');
    writeFileSync(join(dir, 'report.20261207.160813.102.0.001.json'), '{"libuv": {"type": "tcp"}}');
    writeFileSync(join(dir, 'report.20261207.101.103.0.001.json'), '{"libuv": []}');
    const read = `
      import { handlesOf } from ${JSON.stringify(watchdog)};
      console.log(JSON.stringify([101, 102, 103, 104].map((pid) => handlesOf(${JSON.stringify(dir)}, pid))));`;
    const [cut, shapeless, empty, none] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', read], { encoding: 'utf8' })) as string[][];
    assert.equal(cut.length, 1);
    assert.match(cut[0], /^ {2}\(the report could not be read: .*JSON.*\)$/);
    assert.deepEqual(shapeless, ['  (the report lists no handles)']);
    assert.deepEqual(empty, [], 'the pid is the fourth field of the name, not a time that reads the same');
    assert.deepEqual(none, ['  (no report: the process did not return to its event loop)']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

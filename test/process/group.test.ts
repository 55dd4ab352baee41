/**
 * runInGroup with small real programs (shell scripts that record the pids they start): a timeout
 * ends the whole group even when it ignores SIGTERM, what a program leaves running after it exits
 * is ended after the leftover period (whether it holds the pipes or not), stdout is bounded, and a
 * program that cannot start says why. Each check reads /proc: nothing started may still run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEnding } from '../../server/src/process/describe';
import { runInGroup } from '../../server/src/process/group';
import { deferred, within } from '../helpers/events';
import { groupMembers, killRecorded, recordedPids, running, writeScript } from '../helpers/standInPrograms';

let dir: string;
let files = 0;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-aware-group-'));
});

after(() => {
  for (let i = 1; i <= files; i++) killRecorded(join(dir, `pids-${i}`));
  rmSync(dir, { recursive: true, force: true });
});

const env = { PATH: '/usr/bin:/bin' };

/** A script whose first line records its pid in a file of its own; returns the script and that file. */
function program(body: string): { path: string; pids: string } {
  files += 1;
  const pids = join(dir, `pids-${files}`);
  return { path: writeScript(dir, `program-${files}`, `echo $$ >> ${pids}\n${body.replaceAll('PIDS', pids)}`), pids };
}

function assertAllGone(pids: string): void {
  const [leader] = recordedPids(pids);
  assert.ok(leader !== undefined, 'the program ran');
  assert.deepEqual(running(recordedPids(pids)), []);
  assert.deepEqual(groupMembers(leader), []);
}

test('the timeout ends the whole group, SIGKILL for what ignores SIGTERM, within timeout and grace', { timeout: 10_000 }, async () => {
  const { path, pids } = program("trap '' TERM\nsleep 30 &\necho $! >> PIDS\nsleep 30 > /dev/null 2>&1 &\necho $! >> PIDS\nwait");
  const started = Date.now();
  const ending = await runInGroup([path], { env, timeoutMs: 200, killGraceMs: 200 });
  const took = Date.now() - started;
  assert.deepEqual(ending, { kind: 'timed-out', afterMs: 200 });
  assert.equal(describeEnding(ending), 'it did not answer within 200 ms and was stopped');
  assert.ok(took >= 380 && took < 200 + 200 + 1000, `settled after ${took} ms`);
  assertAllGone(pids);
});

test('after the program exits, what it left holding stdout is ended once the leftover period is over', { timeout: 10_000 }, async () => {
  const { path, pids } = program('sleep 30 &\necho $! >> PIDS\necho answer');
  let stdout = '';
  const started = Date.now();
  const ending = await runInGroup([path], { env, onStdout: (text) => (stdout += text), timeoutMs: 5000, killGraceMs: 200, leftoverMs: 100 });
  const took = Date.now() - started;
  assert.deepEqual(ending, { kind: 'exited', code: 0, signal: null });
  assert.equal(stdout, 'answer\n');
  assert.ok(took < 1500, `settled after ${took} ms, not at the timeout`);
  assertAllGone(pids);
});

test('what the program left running without its pipes is ended too', { timeout: 10_000 }, async () => {
  const { path, pids } = program('sleep 30 > /dev/null 2>&1 &\necho $! >> PIDS\nexit 3');
  const ending = await runInGroup([path], { env, killGraceMs: 200, leftoverMs: 100 });
  assert.deepEqual(ending, { kind: 'exited', code: 3, signal: null });
  assert.equal(describeEnding(ending), 'it exited with code 3');
  assertAllGone(pids);
});

test('a program that exited in time is judged by its exit even when the timeout ends what it left', { timeout: 10_000 }, async () => {
  const { path, pids } = program('sleep 30 &\necho $! >> PIDS\necho done');
  const ending = await runInGroup([path], { env, timeoutMs: 300, killGraceMs: 200 });
  assert.deepEqual(ending, { kind: 'exited', code: 0, signal: null });
  assertAllGone(pids);
});

test('stdout past its bound ends the run as overflow; stdin is written and closed', { timeout: 10_000 }, async () => {
  const { path, pids } = program('exec yes');
  const ending = await runInGroup([path], { env, maxStdoutBytes: 64 * 1024, killGraceMs: 200 });
  assert.deepEqual(ending, { kind: 'overflow', limitBytes: 64 * 1024 });
  assert.equal(describeEnding(ending), 'it printed more than 64 KiB');
  assertAllGone(pids);

  let echoed = '';
  const cat = await runInGroup(['/bin/cat'], { env, stdin: 'server.example', onStdout: (text) => (echoed += text) });
  assert.deepEqual(cat, { kind: 'exited', code: 0, signal: null });
  assert.equal(echoed, 'server.example');
});

test('a signal ends the run as cancelled; a program that cannot start says why', async () => {
  const { path, pids } = program('sleep 30 &\necho $! >> PIDS\necho started\nwait');
  const controller = new AbortController();
  const started = deferred();
  let printed = '';
  const onStdout = (text: string): void => {
    printed += text;
    if (printed.includes('started\n')) started.resolve();
  };
  const running = runInGroup([path], { env, signal: controller.signal, killGraceMs: 200, onStdout });
  await within(started.promise, 'The program starting its sleep');
  controller.abort();
  assert.deepEqual(await running, { kind: 'cancelled' });
  assertAllGone(pids);
  assert.deepEqual(await runInGroup([path], { env, signal: AbortSignal.abort() }), { kind: 'cancelled' });

  const missing = await runInGroup([join(dir, 'missing')], { env });
  assert.equal(missing.kind, 'not-started');
  assert.equal(describeEnding(missing), 'it could not be started (ENOENT)');
  const notExecutable = await runInGroup([join(dir, 'pids-1')], { env });
  assert.equal(describeEnding(notExecutable), 'it could not be started (EACCES)');
});

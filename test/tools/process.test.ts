/**
 * runProcess with small real processes standing in for a tool (`sh -c …`): lines streamed as they
 * come, stdin, the environment given, errors carrying the tool's own last words, a missing program,
 * and cancellation that takes the whole process group down (SIGKILL for what ignores SIGTERM).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LINE, meaningfulLines } from '../../server/src/process/lines';
import { runProcess } from '../../server/src/tools/process';
import { ToolError } from '../../server/src/tools/types';
import type { RunIo } from '../../server/src/tools/types';
import { processesWith } from '../helpers/buildTools';
import { Changes } from '../helpers/events';

function collect(signal?: AbortSignal): RunIo & { lines: string[]; printed(line: string): Promise<void> } {
  const lines: string[] = [];
  const changes = new Changes();
  return {
    lines,
    output: (line) => {
      lines.push(line);
      changes.notify();
    },
    signal,
    printed: (line) => changes.until(() => lines.includes(line), `The line "${line}"`),
  };
}

const env = { PATH: process.env.PATH };

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ToolError, String(error));
  return error;
}

test('streams stdout and stderr line by line (LF, CRLF, CR), without colours, and resolves with the stdout tail', async () => {
  const io = collect();
  const result = await runProcess(['sh', '-c', 'printf "one\\r\\ntwo\\rthree\\n"; printf "\\033[91mred\\033[0m\\n" >&2; printf "last"'], {
    tool: 'podman',
    env,
    io,
  });
  assert.deepEqual(io.lines.sort(), ['last', 'one', 'red', 'three', 'two']);
  assert.deepEqual(result.stdout, ['one', 'two', 'three', 'last']);
});

test('writes stdin and closes it; runs with exactly the environment given, in cwd', async () => {
  const io = collect();
  const result = await runProcess(['sh', '-c', 'read secret; echo "got $secret $MARK $HOME"; pwd'], {
    tool: 'docker',
    env: { PATH: process.env.PATH, MARK: 'given' },
    cwd: '/tmp',
    stdin: 's3cret',
    io,
  });
  assert.deepEqual(result.stdout, ['got s3cret given ', '/tmp']);
});

test("a failure rejects with the tool's own last lines and its exit code", async () => {
  const script = 'echo progress; echo "Copying blob 1" >&2; echo "Error: pushing image: unauthorized" >&2; echo "  detail line" >&2; exit 125';
  const error = await rejection(runProcess(['sh', '-c', script], { tool: 'buildah', env, io: collect() }));
  assert.equal(error.message, 'Error: pushing image: unauthorized\n  detail line');
  assert.equal(error.exitCode, 125);
  assert.equal(error.cancelled, false);
  assert.equal(error.tool, 'buildah');
  assert.deepEqual(error.argv, ['sh', '-c', script]);
});

test('a failure that says nothing on stderr uses stdout, and one that says nothing at all names the exit code', async () => {
  const quietErr = await rejection(runProcess(['sh', '-c', 'echo "only on stdout"; exit 2'], { tool: 'nerdctl', env, io: collect() }));
  assert.equal(quietErr.message, 'only on stdout');
  const silent = await rejection(runProcess(['sh', '-c', 'exit 3'], { tool: 'nerdctl', env, io: collect() }));
  assert.equal(silent.message, 'nerdctl exited with code 3 and printed no reason');
});

test('a program that is not there is "not installed", and a missing folder is named', async () => {
  const missing = await rejection(runProcess(['/nonexistent/bin/podman', 'build'], { tool: 'podman', env, io: collect() }));
  assert.equal(missing.message, 'podman is not installed or not on PATH (tried to run /nonexistent/bin/podman)');
  assert.equal(missing.exitCode, null);
  const noFolder = await rejection(runProcess(['sh', '-c', 'true'], { tool: 'docker', env, cwd: '/nonexistent/ctx', io: collect() }));
  assert.equal(noFolder.message, 'the folder /nonexistent/ctx to run docker in does not exist');
});

test('cancelling kills the whole process group and settles once it is gone', async () => {
  const marker = `sleep 40.${process.pid}1`;
  const controller = new AbortController();
  const io = collect(controller.signal);
  const running = runProcess(['sh', '-c', `${marker} & ${marker} & echo started; wait`], { tool: 'buildah', env, io });
  await io.printed('started');
  assert.ok(processesWith(marker).length >= 2, 'both sleeps run');
  const started = Date.now();
  controller.abort();
  const error = await rejection(running);
  assert.equal(error.cancelled, true);
  assert.equal(error.message, 'buildah was cancelled');
  assert.ok(Date.now() - started < 1500, 'SIGTERM was enough');
  assert.deepEqual(processesWith(marker), []);
});

test('what ignores SIGTERM gets SIGKILL after the grace period', async () => {
  const marker = `sleep 40.${process.pid}2`;
  const controller = new AbortController();
  const io = collect(controller.signal);
  // The inner shell says "started" once it ignores SIGTERM too.
  const script = `trap "" TERM; sh -c 'trap "" TERM; echo started; ${marker}' & wait; wait`;
  const running = runProcess(['sh', '-c', script], { tool: 'podman', env, io, killGraceMs: 300 });
  await io.printed('started');
  const started = Date.now();
  controller.abort();
  const error = await rejection(running);
  const took = Date.now() - started;
  assert.equal(error.cancelled, true);
  assert.ok(took >= 250 && took < 2000, `settled after ${took} ms`);
  assert.deepEqual(processesWith(marker), []);
});

test('an already cancelled signal starts nothing', async () => {
  const marker = `sleep 40.${process.pid}3`;
  const error = await rejection(runProcess(['sh', '-c', marker], { tool: 'docker', env, io: collect(AbortSignal.abort()) }));
  assert.equal(error.cancelled, true);
  assert.deepEqual(processesWith(marker), []);
});

test('meaningfulLines: the last paragraph, from its last Error line, without logrus chatter or repeats', () => {
  // buildah: a RUN step failed; the step's own stderr comes before buildah's.
  assert.deepEqual(
    meaningfulLines(['to-stderr', 'subprocess exited with status 3', 'subprocess exited with status 3', 'Error: building at STEP "RUN x": exit status 3']),
    ['Error: building at STEP "RUN x": exit status 3'],
  );
  // docker 28 with the legacy builder: a deprecation notice, a blank line, then the reason.
  assert.deepEqual(
    meaningfulLines([
      'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.',
      '            Install the buildx component to build images with BuildKit:',
      '',
      "The command '/bin/sh -c false' returned a non-zero code: 1",
      '',
    ]),
    ["The command '/bin/sh -c false' returned a non-zero code: 1"],
  );
  assert.deepEqual(meaningfulLines(['time="2026-01-01T00:00:00Z" level=warning msg="chatter"', 'one', 'one', 'two', 'three', 'four', 'five', 'six']), [
    'two',
    'three',
    'four',
    'five',
    'six',
  ]);
  assert.deepEqual(meaningfulLines(['', '  ', '']), []);
});

test('a CRLF split between two chunks ends one line, not two: no empty line, and the error is not cut in half', async () => {
  const io = collect();
  // The \r and its \n arrive in separate writes, as from a Windows tool through a pipe.
  const error = await rejection(
    runProcess(['sh', '-c', 'printf "Error: denied\\r" >&2; sleep 0.2; printf "\\nrequested access to the resource is denied\\r\\n" >&2; exit 1'], {
      tool: 'docker',
      env,
      io,
    }),
  );
  assert.deepEqual(io.lines, ['Error: denied', 'requested access to the resource is denied']);
  assert.equal(error.message, 'Error: denied\nrequested access to the resource is denied');
});

test('output without line breaks is cut into bounded lines, none lost', async () => {
  const io = collect();
  const total = MAX_LINE * 5 + 123;
  await runProcess([process.execPath, '-e', `process.stdout.write('x'.repeat(${total}))`], { tool: 'docker', env, io });
  assert.ok(
    io.lines.every((line) => line.length <= MAX_LINE),
    `longest line ${Math.max(...io.lines.map((l) => l.length))}`,
  );
  assert.equal(io.lines.join('').length, total);
});

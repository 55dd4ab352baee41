// Runs every compiled *.test.js under out/test with node's own test runner.
// node --test does not expand globs on Node 20, so the list is built here.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { reportFlags, watchTestFiles } from './test-watchdog.mjs';

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const filter = process.argv.slice(2);
// tsc -b leaves the output of a deleted test behind: only compiled tests whose source still exists run.
const hasSource = (compiled) => existsSync(compiled.replace(/^out[\\/]/, '').replace(/\.js$/, '.ts'));
const files = findTests('out/test')
  .filter(hasSource)
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found under out/test');
  process.exit(1);
}
// No --test-force-exit: on Node 20 it drops results of tests that ran from the report, still exiting 0
// (nodejs/node#54327; 3 to 11 of diagnostics.test.js's 121 tests went missing in 2 of 6 runs here).
// --test-timeout bounds each file, and each test in it: a test that never settles or a handle left open
// (a socket, a watcher) fails its file after 3 minutes (the slowest file takes about 10 s here). Two
// minutes in, the watchdog prints where such a file waits. RUN_LIMIT_MS bounds the whole run. The run
// is a process group, so the test files' processes end with it.
const FILE_LIMIT_MS = 3 * 60 * 1000;
const RUN_LIMIT_MS = 10 * 60 * 1000;
const reportDir = mkdtempSync(join(tmpdir(), 'image-aware-test-reports-'));
const run = spawn(process.execPath, [...reportFlags(reportDir), '--test', '--test-concurrency=2', `--test-timeout=${FILE_LIMIT_MS}`, ...files], {
  stdio: 'inherit',
  detached: true,
});
const stopWatching = process.platform === 'linux' ? watchTestFiles(run.pid, reportDir, { afterMs: FILE_LIMIT_MS - 60_000 }) : () => undefined;
const limit = setTimeout(() => {
  console.error(`The tests did not end within ${RUN_LIMIT_MS / 60_000} minutes. Stopped.`);
  process.kill(-run.pid, 'SIGKILL');
}, RUN_LIMIT_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.kill(-run.pid, 'SIGKILL'));
run.on('exit', (code, signal) => {
  clearTimeout(limit);
  stopWatching();
  rmSync(reportDir, { recursive: true, force: true });
  process.exit(signal === null ? (code ?? 1) : 1);
});

// Runs every compiled *.test.js under out/test with node's own test runner.
// node --test does not expand globs on Node 20, so the list is built here.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

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
// --test-timeout bounds a test that never settles (10 minutes: the slowest, real build tools, take
// about two); a file that leaks a handle (a socket, a watcher) and so never ends is bounded by
// RUN_LIMIT_MS over the whole run, which then fails saying so. The run is a process group, so the
// test files' processes end with it.
const RUN_LIMIT_MS = 30 * 60 * 1000;
const run = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...files], { stdio: 'inherit', detached: true });
const limit = setTimeout(() => {
  console.error(
    `The tests did not end within ${RUN_LIMIT_MS / 60_000} minutes: a test file kept its process alive (a leaked socket, timer or child). Stopped.`,
  );
  process.kill(-run.pid, 'SIGKILL');
}, RUN_LIMIT_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.kill(-run.pid, 'SIGKILL'));
run.on('exit', (code, signal) => {
  clearTimeout(limit);
  process.exit(signal === null ? (code ?? 1) : 1);
});

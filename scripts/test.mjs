// Runs every compiled *.test.js under out/test with node's own test runner.
// node --test does not expand globs on Node 20, so the list is built here.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

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
// --test-force-exit: a test file whose tests have all finished ends even if a handle it leaked (a
// socket, a watcher) would keep its process alive, so a leak cannot hang the run; --test-timeout
// bounds a test that never settles (10 minutes: the slowest, real build tools, take about two).
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-force-exit', '--test-timeout=600000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);

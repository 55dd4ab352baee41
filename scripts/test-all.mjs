// The whole test run, as CI and README.md run it: lint, the unit, protocol and registry suites
// (`npm test`), then a real VS Code (code-server in Chromium): the extension-host suite and the UI
// tests on the packaged VSIX. Every stage runs even when an earlier one fails, and the last line
// adds them up, because each stage's runner prints its own summary.
import { spawn } from 'node:child_process';

const STAGES = [
  { name: 'lint (ESLint and Prettier)', command: 'npm', args: ['run', 'lint'] },
  { name: 'unit, protocol and registry suites', command: 'npm', args: ['test'] },
  { name: 'extension-host suite in code-server', command: process.execPath, args: ['scripts/e2e/run-extension-tests.mjs'] },
  { name: 'UI tests on the packaged VSIX', command: process.execPath, args: ['--test', '--test-reporter=spec', 'scripts/e2e/ui.test.mjs'] },
];

/** Runs a stage, passing its output through, and reads its counts from the summary it prints. */
function run(stage) {
  return new Promise((resolve) => {
    const child = spawn(stage.command, stage.args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (code) => {
      const count = (pattern) => [...output.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
      // node --test prints "# pass N" (TAP) or "ℹ pass N" (spec); the e2e runner prints "N passed, N failed".
      const passed = count(/^(?:#|ℹ) pass (\d+)$/gm) + count(/^(\d+) passed, \d+ failed$/gm);
      const failed = count(/^(?:#|ℹ) fail (\d+)$/gm) + count(/^\d+ passed, (\d+) failed$/gm);
      // A stage that exits non-zero without reporting a failure (it could not start) counts as one.
      resolve({ passed, failed: failed === 0 && code !== 0 ? 1 : failed, code });
    });
  });
}

let passed = 0;
let failed = 0;
for (const stage of STAGES) {
  console.log(`\n=== ${stage.name} ===`);
  const started = Date.now();
  const result = await run(stage);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`=== ${stage.name}: ${result.passed} passed, ${result.failed} failed (exit ${result.code}) in ${seconds} s ===`);
  passed += result.passed;
  failed += result.failed;
}
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

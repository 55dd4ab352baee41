/**
 * The extension-host entry point (`extensionTestsPath`): VS Code, or code-server through the URL
 * payload, loads out/e2e/suite.js (this file bundled with mocha by scripts/e2e/build-suite.mjs)
 * into the real extension host and awaits run(). The runner opens three workspaces, each in its own
 * window and extension host: the fixture workspace (offline) gets editor.suite.ts, the workspace
 * whose manifest points at the seeded loopback registry gets registry.suite.ts, and the one with a
 * Dockerfile and a manifest for the stub API server gets deploy.suite.ts. Results go to
 * `<IMAGE_AWARE_E2E_RESULTS_DIR>/<editor|registry|deploy>.json`, because a browser-driven extension
 * host has no console the runner reads.
 */
import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { whichWorkspace } from './helpers';

interface TestResult {
  readonly title: string;
  readonly state: 'passed' | 'failed';
  readonly durationMs: number;
  readonly error?: string;
}

function report(path: string | undefined, data: unknown): void {
  if (path) writeFileSync(path, JSON.stringify(data, null, 2));
}

export function run(): Promise<void> {
  const which = whichWorkspace();
  const resultsDir = process.env.IMAGE_AWARE_E2E_RESULTS_DIR;
  const resultsPath = resultsDir && join(resultsDir, `${which}.json`);
  report(resultsPath, { state: 'started', startedAt: new Date().toISOString() });
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  if (process.env.IMAGE_AWARE_E2E_GREP) mocha.grep(process.env.IMAGE_AWARE_E2E_GREP);
  // The spec files are bundled in; `pre-require` gives them the tdd globals (suite, test, …)
  // exactly as mocha does for files it loads itself.
  mocha.suite.emit('pre-require', globalThis, 'suite.js', mocha);
  // Static requires, so the bundler includes all; only the one for this workspace runs.
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (which === 'registry') require('./registry.suite');
  else if (which === 'deploy') require('./deploy.suite');
  else require('./editor.suite');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const results: TestResult[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = results.filter((r) => r.state === 'passed').length;
      report(resultsPath, { state: 'done', passed, failed: results.length - passed, tests: results });
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on('fail', (t, error: Error) =>
      results.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: String(error?.stack ?? error) }),
    );
  });
}

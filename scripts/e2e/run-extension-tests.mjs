#!/usr/bin/env node
// Runs the extension-host suite (test/e2e/suite, bundled to out/e2e/suite.js) inside a real VS Code
// against a scratch copy of test/e2e/workspace, with this repository as the extension under
// development (dist/ freshly built).
//
//   node scripts/e2e/run-extension-tests.mjs                   code-server + Debian chromium (default)
//   node scripts/e2e/run-extension-tests.mjs --vscode=electron desktop VS Code via @vscode/test-electron
//                                                              (needs to download VS Code, and a display)
//
// code-server has no --extensionTestsPath flag, but its workbench reads the same development options
// from the URL payload; a browser must be connected, because the extension host starts only when a
// workbench does. The suite writes its results to $IMAGE_AWARE_E2E_RESULTS. The last line printed is
// exactly `N passed, N failed`; the exit code is non-zero when anything failed, nothing ran, or
// VS Code / the browser could not start (with the reason).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSuite } from './build-suite.mjs';
import {
  copyWorkspace,
  ensureBuilt,
  launchBrowser,
  outDir,
  QUIET_SETTINGS,
  removeScratch,
  requireTool,
  root,
  scratchDir,
  startCodeServer,
  waitFor,
} from './lib.mjs';

const SUITE_TIMEOUT_MS = Number(process.env.IMAGE_AWARE_E2E_TIMEOUT_MS ?? 300_000);
const args = process.argv.slice(2);
const host = (args.find((a) => a.startsWith('--vscode='))?.slice('--vscode='.length) ?? process.env.IMAGE_AWARE_E2E_VSCODE ?? 'code-server').toLowerCase();

function readResults(path) {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null; // being written
  }
}

function printResults(results, seconds) {
  for (const t of results.tests) {
    if (t.state === 'passed') console.log(`  ✔ ${t.title} (${t.durationMs} ms)`);
    else console.log(`  ✘ ${t.title}\n${t.error.split('\n').map((l) => `      ${l}`).join('\n')}`);
  }
  console.log(`extension-host suite finished in ${seconds.toFixed(1)} s`);
}

async function runInCodeServer(suitePath, workspace, resultsPath) {
  const server = await startCodeServer({ name: 'extension-tests', env: { IMAGE_AWARE_E2E_RESULTS: resultsPath } });
  console.log(`code-server ${server.origin} (pid ${server.pid}, log ${server.logPath})`);
  let browser;
  const browserLog = [];
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && browserLog.push(`[console] ${m.text()}`));
    page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.message}`));
    const url = server.url(workspace, [
      ['extensionDevelopmentPath', server.remoteUri(root)],
      ['extensionTestsPath', server.remoteUri(suitePath)],
    ]);
    await page.goto(url);
    try {
      return await waitFor(
        'the extension-host suite to finish',
        () => {
          if (server.exited) throw new Error(`code-server exited: ${server.log().slice(-2000)}`);
          if (!browser.isConnected()) throw new Error('the browser went away');
          const results = readResults(resultsPath);
          return results?.state === 'done' ? results : null;
        },
        { timeoutMs: SUITE_TIMEOUT_MS, intervalMs: 250 },
      );
    } catch (error) {
      mkdirSync(join(outDir, 'screenshots'), { recursive: true });
      const shot = join(outDir, 'screenshots', 'extension-tests-failure.png');
      await page.screenshot({ path: shot }).catch(() => {});
      const started = readResults(resultsPath)?.state === 'started';
      throw new Error(
        `${error.message} (${started ? 'the suite started but did not finish' : 'the suite never started: the extension host did not load it'}; ` +
          `screenshot ${shot}; code-server log ${server.logPath})`,
      );
    }
  } finally {
    if (browserLog.length) writeFileSync(join(server.home, 'browser.log'), browserLog.join('\n'));
    await browser?.close().catch(() => {});
    await server.stop();
  }
}

async function runInElectron(suitePath, workspace, resultsPath) {
  const { runTests } = requireTool('@vscode/test-electron');
  const userData = join(scratchDir('electron'), 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2));
  await runTests({
    version: process.env.IMAGE_AWARE_E2E_VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: suitePath,
    extensionTestsEnv: { IMAGE_AWARE_E2E_RESULTS: resultsPath },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${userData}`],
  }).catch((error) => {
    // A failing suite makes VS Code exit non-zero; the results file says which tests failed.
    if (readResults(resultsPath)?.state !== 'done') throw new Error(`VS Code (@vscode/test-electron) did not run the suite: ${error.message ?? error}`);
  });
  const results = readResults(resultsPath);
  if (results?.state !== 'done') throw new Error(`the suite wrote no results to ${resultsPath}`);
  return results;
}

async function main() {
  const started = Date.now();
  if (!args.includes('--no-build')) ensureBuilt();
  const suitePath = await buildSuite();
  const workspace = copyWorkspace();
  const resultsPath = join(scratchDir('results'), 'results.json');
  console.log(`extension-host suite in ${host}: workspace ${workspace}`);
  let results;
  if (host === 'code-server') results = await runInCodeServer(suitePath, workspace, resultsPath);
  else if (host === 'electron') results = await runInElectron(suitePath, workspace, resultsPath);
  else throw new Error(`unknown --vscode=${host} (code-server or electron)`);
  printResults(results, (Date.now() - started) / 1000);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'extension-tests.json'), JSON.stringify(results, null, 2));
  return results;
}

try {
  const results = await main();
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exitCode = results.failed === 0 && results.passed > 0 ? 0 : 1;
  if (process.exitCode === 0 && !process.env.IMAGE_AWARE_E2E_KEEP) removeScratch();
} catch (error) {
  console.error(`extension-host tests could not run: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
}

#!/usr/bin/env node
// Runs the extension-host suite (test/e2e/suite, bundled to out/e2e/suite.js) inside a real VS Code,
// with this repository as the extension under development (dist/ freshly built), in three workspaces,
// each in its own window and extension host:
//   - a scratch copy of test/e2e/workspace, registry off: editor.suite.ts;
//   - a workspace whose deployment.yaml points at a real registry started here on 127.0.0.1 and
//     seeded with `team/app` (version tags, a multi-platform index, latest), with
//     imageAware.registry.online on for that workspace: registry.suite.ts;
//   - a copy of test/e2e/workspace-deploy (web/Dockerfile) with a deploy.yaml whose image is
//     `<that registry>/team/web:1.0`, KUBECONFIG pointing at the stub API server started here, and
//     a private containers storage for buildah: deploy.suite.ts.
//
//   node scripts/e2e/run-extension-tests.mjs                   code-server + Debian chromium (default)
//   node scripts/e2e/run-extension-tests.mjs --vscode=electron desktop VS Code via @vscode/test-electron
//                                                              (downloads VS Code, needs a display:
//                                                              xvfb-run -a on a headless Linux machine)
//
// code-server has no --extensionTestsPath flag, but its workbench reads the same development options
// from the URL payload; a browser must be connected, because the extension host starts only when a
// workbench does. The windows run one after the other in one code-server. The suite writes its
// results to $IMAGE_AWARE_E2E_RESULTS_DIR/<editor|registry|deploy>.json. The last line printed is exactly
// `N passed, N failed`; the exit code is non-zero when anything failed, nothing ran, or VS Code /
// the browser / the registry could not start (with the reason).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  startDeployStack,
  startSeededRegistry,
  waitFor,
  writeRegistryWorkspace,
} from './lib.mjs';

const SUITE_TIMEOUT_MS = Number(process.env.IMAGE_AWARE_E2E_TIMEOUT_MS ?? 300_000);
const args = process.argv.slice(2);
const host = (args.find((a) => a.startsWith('--vscode='))?.slice('--vscode='.length) ?? process.env.IMAGE_AWARE_E2E_VSCODE ?? 'code-server').toLowerCase();
/** Where @vscode/test-electron keeps the VS Code builds it downloads (out/ is not committed). */
const ELECTRON_CACHE = join(outDir, 'vscode-test');

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
    else
      console.log(
        `  ✘ ${t.title}\n${t.error
          .split('\n')
          .map((l) => `      ${l}`)
          .join('\n')}`,
      );
  }
  console.log(`extension-host suites finished in ${seconds.toFixed(1)} s`);
}

/**
 * Runs the suite in one code-server, one workspace after the other in the same browser page (each
 * navigation opens a new window with its own extension host). One after the other is faster than
 * side by side on a small machine: two workbenches starting at once compete for the same cores.
 */
async function runInCodeServer(suitePath, runs, env) {
  const server = await startCodeServer({ name: 'extension-tests', env });
  console.log(`code-server ${server.origin} (pid ${server.pid}, log ${server.logPath})`);
  let browser;
  const browserLog = [];
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let current = '';
    page.on('console', (m) => m.type() === 'error' && browserLog.push(`[${current} console] ${m.text()}`));
    page.on('pageerror', (e) => browserLog.push(`[${current} pageerror] ${e.message}`));
    const all = [];
    for (const run of runs) {
      current = run.name;
      const url = server.url(run.workspace, [
        ['extensionDevelopmentPath', server.remoteUri(root)],
        ['extensionTestsPath', server.remoteUri(suitePath)],
      ]);
      await page.goto(url);
      try {
        all.push(
          await waitFor(
            `the ${run.name} suite to finish`,
            () => {
              if (server.exited) throw new Error(`code-server exited: ${server.log().slice(-2000)}`);
              if (!browser.isConnected()) throw new Error('the browser went away');
              const results = readResults(run.resultsPath);
              return results?.state === 'done' ? results : null;
            },
            { timeoutMs: SUITE_TIMEOUT_MS, intervalMs: 250 },
          ),
        );
      } catch (error) {
        mkdirSync(join(outDir, 'screenshots'), { recursive: true });
        const shot = join(outDir, 'screenshots', `extension-tests-${run.name}-failure.png`);
        await page.screenshot({ path: shot }).catch(() => {});
        const started = readResults(run.resultsPath)?.state === 'started';
        throw new Error(
          `${error.message} (${started ? 'the suite started but did not finish' : 'the suite never started: the extension host did not load it'}; ` +
            `screenshot ${shot}; code-server log ${server.logPath})`,
        );
      }
    }
    return all;
  } finally {
    if (browserLog.length) writeFileSync(join(server.home, 'browser.log'), browserLog.join('\n'));
    await browser?.close().catch(() => {});
    await server.stop();
  }
}

/**
 * What desktop VS Code needs that code-server does not, checked before anything is built or started,
 * so a machine without it gets the reasons at once: a display (Xvfb on a headless Linux machine),
 * @vscode/test-electron, and a VS Code build: $IMAGE_AWARE_E2E_VSCODE_EXECUTABLE, one downloaded
 * before into out/e2e/vscode-test, or update.code.visualstudio.com reachable to download one.
 */
async function electronProblems() {
  const problems = [];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    problems.push(
      'desktop VS Code needs a display and DISPLAY is not set: on a headless machine run it under Xvfb (`apt-get install xvfb`, then `xvfb-run -a node scripts/e2e/run-extension-tests.mjs --vscode=electron`)',
    );
  }
  try {
    requireTool('@vscode/test-electron');
  } catch (error) {
    problems.push(error.message);
  }
  const executable = process.env.IMAGE_AWARE_E2E_VSCODE_EXECUTABLE;
  if (executable) {
    if (!existsSync(executable)) problems.push(`IMAGE_AWARE_E2E_VSCODE_EXECUTABLE=${executable} does not exist`);
  } else {
    const downloaded = existsSync(ELECTRON_CACHE) && readdirSync(ELECTRON_CACHE).some((name) => name.startsWith('vscode-'));
    if (!downloaded) {
      const api = 'https://update.code.visualstudio.com/api/releases/stable';
      try {
        const response = await fetch(api, { signal: AbortSignal.timeout(5_000) });
        if (!response.ok) throw new Error(`it answered ${response.status}`);
      } catch (error) {
        problems.push(
          `no VS Code build to run: none was downloaded into ${ELECTRON_CACHE} before, and ${api} cannot be reached to download one ` +
            `(${error.cause?.code ?? error.cause?.message ?? error.message}); set IMAGE_AWARE_E2E_VSCODE_EXECUTABLE to an installed VS Code, or run where it can be downloaded`,
        );
      }
    }
  }
  return problems;
}

/** Each run in its own desktop VS Code (one after the other), through @vscode/test-electron. */
async function runInElectron(suitePath, runs, env) {
  const { runTests } = requireTool('@vscode/test-electron');
  const all = [];
  for (const run of runs) {
    const userData = join(scratchDir(`electron-${run.name}`), 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(join(userData, 'User/settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2));
    await runTests({
      version: process.env.IMAGE_AWARE_E2E_VSCODE_VERSION ?? 'stable',
      vscodeExecutablePath: process.env.IMAGE_AWARE_E2E_VSCODE_EXECUTABLE,
      cachePath: ELECTRON_CACHE,
      extensionDevelopmentPath: root,
      extensionTestsPath: suitePath,
      extensionTestsEnv: env,
      launchArgs: [run.workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${userData}`],
    }).catch((error) => {
      // A failing suite makes VS Code exit non-zero; the results file says which tests failed.
      if (readResults(run.resultsPath)?.state !== 'done')
        throw new Error(`VS Code (@vscode/test-electron) did not run the ${run.name} suite: ${error.message ?? error}`);
    });
    const results = readResults(run.resultsPath);
    if (results?.state !== 'done') throw new Error(`the ${run.name} suite wrote no results to ${run.resultsPath}`);
    all.push(results);
  }
  return all;
}

async function main() {
  const started = Date.now();
  if (host !== 'code-server' && host !== 'electron') throw new Error(`unknown --vscode=${host} (code-server or electron)`);
  if (host === 'electron') {
    const problems = await electronProblems();
    if (problems.length > 0) throw new Error(`desktop VS Code cannot run here:\n  - ${problems.join('\n  - ')}`);
  }
  if (!args.includes('--no-build')) ensureBuilt();
  const suitePath = await buildSuite();
  const { registry, seed } = await startSeededRegistry();
  let deploy;
  let results;
  try {
    deploy = await startDeployStack(registry.host);
    const resultsDir = scratchDir('results');
    const runs = [
      { name: 'editor', workspace: copyWorkspace() },
      { name: 'registry', workspace: writeRegistryWorkspace(seed) },
      { name: 'deploy', workspace: deploy.seed.workspace },
    ].map((run) => ({ ...run, resultsPath: join(resultsDir, `${run.name}.json`) }));
    const env = {
      ...deploy.env,
      IMAGE_AWARE_E2E_RESULTS_DIR: resultsDir,
      IMAGE_AWARE_E2E_REGISTRY: JSON.stringify({ ...seed, workspace: runs[1].workspace }),
      IMAGE_AWARE_E2E_DEPLOY: JSON.stringify(deploy.seed),
    };
    console.log(
      `extension-host suites in ${host}: ${runs.map((r) => `${r.name} ${r.workspace}`).join(', ')}; registry ${registry.url}; API server ${deploy.apiserver.url}`,
    );
    const perRun = host === 'code-server' ? await runInCodeServer(suitePath, runs, env) : await runInElectron(suitePath, runs, env);
    const tests = perRun.flatMap((r) => r.tests);
    const passed = tests.filter((t) => t.state === 'passed').length;
    results = { state: 'done', passed, failed: tests.length - passed, tests };
  } finally {
    await deploy?.stop();
    await registry.stop();
  }
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

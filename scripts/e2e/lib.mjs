// Shared by the end-to-end runners, the UI tests and `npm run demo`: a real VS Code (code-server
// from test/e2e/tools) on 127.0.0.1 with its own user data, extensions and config, and Debian's
// chromium driven by playwright-core. Everything fails with the reason; nothing is skipped.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const toolsDir = join(root, 'test/e2e/tools');
export const fixtureWorkspace = join(root, 'test/e2e/workspace');
export const outDir = join(root, 'out/e2e');
export const vsixPath = join(root, 'image-aware-manifests.vsix');

const INSTALL_HINT = 'run `bash scripts/e2e/install.sh` (or `npm run test:e2e:install`) first';

/** Loads a package from test/e2e/tools/node_modules, or fails saying how to install it. */
export function requireTool(name) {
  const require = createRequire(join(toolsDir, 'package.json'));
  try {
    return require(name);
  } catch (error) {
    throw new Error(`cannot load ${name} from ${toolsDir}/node_modules: ${error.message.split('\n')[0]}; ${INSTALL_HINT}`);
  }
}

export function codeServerBin() {
  const bin = join(toolsDir, 'node_modules/.bin/code-server');
  if (!existsSync(bin)) throw new Error(`code-server is not installed (${bin} is missing); ${INSTALL_HINT}`);
  return bin;
}

/** Debian's chromium (or $IMAGE_AWARE_E2E_CHROMIUM): playwright-core downloads no browser. */
export function chromiumPath() {
  const configured = process.env.IMAGE_AWARE_E2E_CHROMIUM;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`IMAGE_AWARE_E2E_CHROMIUM=${configured} does not exist`);
    return configured;
  }
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no chromium found (/usr/bin/chromium); ${INSTALL_HINT}`);
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value; throws `what` with the last error on timeout. */
export async function waitFor(what, probe, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(intervalMs);
  }
}

const scratch = [];

/** A fresh temporary folder under out/e2e/tmp; removeScratch() deletes them (runs keep them when they fail). */
export function scratchDir(name) {
  const base = join(outDir, 'tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${name}-`));
  scratch.push(dir);
  return dir;
}

export function removeScratch() {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Copies the fixture workspace, so edits and saves never touch the repository. */
export function copyWorkspace(from = fixtureWorkspace, name = 'workspace') {
  const target = join(scratchDir(name), 'workspace');
  cpSync(from, target, { recursive: true });
  return target;
}

/** User settings that keep the workbench quiet and off the network. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'github.gitAuthentication': false,
  'npm.autoDetect': 'off',
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.colorTheme': 'Default Light Modern',
  'window.commandCenter': false,
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  'editor.fontSize': 15,
  'editor.inlayHints.enabled': 'on',
  'editor.hover.delay': 300,
  'editor.lightbulb.enabled': 'on',
  'files.autoSave': 'off',
  'remote.autoForwardPorts': false,
};

/** Installs a .vsix into `extensionsDir` with code-server's own `--install-extension`. */
export function installVsix(vsix, extensionsDir, userDataDir) {
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist: run \`npm run package\` first`);
  const result = spawnSync(
    codeServerBin(),
    ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--config', join(userDataDir, 'config.yaml'), '--install-extension', vsix],
    { encoding: 'utf8', env: codeServerEnv(), timeout: 60_000 },
  );
  if (result.status !== 0)
    throw new Error(`code-server --install-extension ${vsix} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

function codeServerEnv(extra = {}) {
  return {
    ...process.env,
    // The extension gallery stays on loopback (nothing listens on port 9): no Marketplace traffic.
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' }),
    ...extra,
  };
}

/**
 * Starts code-server on 127.0.0.1 in its own process group (setsid), so stop() ends its file
 * watcher and extension host too. `settings` become the user settings; `env` reaches the extension
 * host (code-server passes its environment on).
 */
export async function startCodeServer({ name = 'code-server', settings = {}, env = {}, extensionsDir, userDataDir, port } = {}) {
  const bin = codeServerBin();
  const home = scratchDir(name);
  userDataDir ??= join(home, 'user-data');
  extensionsDir ??= join(home, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  port ??= await freePort();
  const config = join(home, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logPath = join(home, 'code-server.log');
  const log = openSync(logPath, 'a');
  const args = [
    '--config',
    config,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', log, log], env: codeServerEnv(env) });
  let exited = null;
  let stopped = false;
  const exitPromise = new Promise((r) => child.on('exit', (code, signal) => r((exited = { code, signal }))));
  child.on('error', (error) => (exited = { code: null, signal: null, error }));
  const origin = `http://127.0.0.1:${port}`;
  const server = {
    origin,
    port,
    home,
    userDataDir,
    extensionsDir,
    logPath,
    pid: child.pid,
    get exited() {
      return exited;
    },
    log: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
    /** The workbench URL for `folder`, with an optional development payload. */
    url(folder, payload) {
      const query = new URLSearchParams({ folder });
      let url = `${origin}/?${query}`;
      if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
    /** A path on this machine as the remote URI the browser's workbench resolves. */
    remoteUri: (path) => `vscode-remote://127.0.0.1:${port}${path}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      const signalGroup = (signal) => {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // ESRCH: the whole group is gone
        }
      };
      if (!exited) {
        signalGroup('SIGTERM');
        await Promise.race([exitPromise, sleep(5_000)]);
      }
      // The group may outlive its leader (file watcher, extension host, language server).
      signalGroup('SIGKILL');
    },
  };
  try {
    await waitFor(
      `code-server to answer ${origin}/healthz (log: ${logPath})`,
      async () => {
        if (exited) throw new Error(`code-server exited (${exited.error?.message ?? exited.code ?? exited.signal}): ${server.log().slice(-2000)}`);
        const response = await fetch(`${origin}/healthz`);
        return response.ok;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Debian's chromium through playwright-core, headless unless IMAGE_AWARE_E2E_HEADED is set. */
export async function launchBrowser() {
  const { chromium } = requireTool('playwright-core');
  const executablePath = chromiumPath();
  const profile = scratchDir('chromium');
  try {
    return await chromium.launch({
      executablePath,
      headless: !process.env.IMAGE_AWARE_E2E_HEADED,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--password-store=basic'],
      // Chromium's dconf and font caches go to a scratch folder, not the user's home.
      env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    });
  } catch (error) {
    throw new Error(`chromium (${executablePath}) did not start: ${error.message.split('\n').slice(0, 5).join(' ')}`);
  }
}

/**
 * Test helpers from test/helpers (a file or a folder with an index.ts), as compiled to out/ by
 * `tsc -b`. tsc runs only when the compiled files are missing or older than their sources (`npm
 * test` has compiled them already).
 */
export function compiledHelpers(name) {
  const source = join(root, 'test/helpers', name);
  const compiledBase = join(root, 'out/test/helpers', name);
  const folder = statSync(source).isDirectory();
  const sources = folder
    ? readdirSync(source)
        .filter((file) => file.endsWith('.ts'))
        .map((file) => join(source, file))
    : [source];
  const compiledOf = (file) => join(dirname(compiledBase), relative(dirname(source), file)).replace(/\.ts$/, '.js');
  const entry = folder ? join(compiledBase, 'index.js') : compiledOf(source);
  const stale = sources.some((file) => {
    const js = compiledOf(file);
    return !existsSync(js) || statSync(js).mtimeMs < statSync(file).mtimeMs;
  });
  if (stale) {
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: root, stdio: 'inherit' });
    if (tsc.status !== 0 || !existsSync(entry)) throw new Error(`\`tsc -b\` failed, so ${entry} (test/helpers/${name}) is not up to date`);
  }
  return createRequire(import.meta.url)(entry);
}

/** The registry test helpers (test/helpers/registry: a real CNCF distribution registry on loopback, seeding over the distribution API). */
export function registryHelpers() {
  return compiledHelpers('registry');
}

/** The repository the e2e registry holds, and its tags in the order completion must offer them (written out, not computed). */
export const E2E_REPOSITORY = 'team/app';
export const E2E_TAGS_NEWEST_FIRST = ['2.0.0', '2.0.0-rc.1', '1.10.0', '1.9.3', '1.2.0', 'latest'];

/**
 * Starts a real registry on 127.0.0.1 (Debian's docker-registry) and seeds `team/app`: four
 * version tags on one single-platform image, `2.0.0` as a multi-platform OCI index (linux/amd64,
 * linux/arm64) and `latest`. Returns the registry (stop() it) and what a test needs to know about
 * the seed, as plain JSON (it travels to the extension host in an environment variable).
 */
export async function startSeededRegistry() {
  const { startRegistry, pushTags, pushIndex, pushImage, formatPlatform } = registryHelpers();
  const registry = await startRegistry();
  try {
    const target = { url: registry.url };
    // Pushed out of order: the registry lists tags in lexical order, completion must sort them.
    const versions = await pushTags(target, E2E_REPOSITORY, ['1.10.0', '1.2.0', '2.0.0-rc.1', '1.9.3']);
    const index = await pushIndex(target, E2E_REPOSITORY, '2.0.0', ['linux/amd64', 'linux/arm64']);
    const latest = await pushImage(target, E2E_REPOSITORY, 'latest');
    const seed = {
      host: registry.host,
      repository: `${registry.host}/${E2E_REPOSITORY}`,
      tagsNewestFirst: E2E_TAGS_NEWEST_FIRST,
      versionsDigest: versions.digest,
      latestDigest: latest.digest,
      index: { digest: index.digest, platforms: index.images.map((image) => ({ platform: formatPlatform(image.platform), digest: image.digest })) },
    };
    return { registry, seed };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}

/**
 * A workspace whose manifest points at the seeded registry, with imageAware.registry.online on for
 * this workspace only (the fixture workspace keeps it off): deployment.yaml with `team/app:2.0.0`
 * (the index) and `team/app:1.10.0`.
 */
export function writeRegistryWorkspace(seed, name = 'registry-workspace') {
  const workspace = join(scratchDir(name), 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(
    join(workspace, '.vscode/settings.json'),
    JSON.stringify({ 'imageAware.registry.online': true, 'files.eol': '\n', 'editor.inlayHints.enabled': 'on' }, null, 2) + '\n',
  );
  writeFileSync(join(workspace, 'deployment.yaml'), registryManifest(seed.repository));
  return workspace;
}

/** The registry workspace's deployment.yaml, for the repository `repository` (`127.0.0.1:PORT/team/app`). */
export function registryManifest(repository) {
  return `# Images from the loopback registry the end-to-end tests start.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
        - name: app
          image: ${repository}:2.0.0
        - name: worker
          image: ${repository}:1.10.0
          args: ["--queue", "jobs"]
`;
}

export const deployWorkspaceFixture = join(root, 'test/e2e/workspace-deploy');

/**
 * The deploy workspace: test/e2e/workspace-deploy (web/Dockerfile, settings) plus a deploy.yaml
 * whose Deployment runs `<registry>/team/web:1.0`, the image web/Dockerfile builds (by the
 * folder-name convention: deploy.yaml is in the folder above web/), and a Service; and
 * other/web.yaml, whose `<registry>/other/web:2.4.1` also ends in /web but is no image of
 * web/Dockerfile (other/ is not above web/).
 */
export function writeDeployWorkspace(registryHost) {
  const workspace = copyWorkspace(deployWorkspaceFixture, 'deploy-workspace');
  writeFileSync(join(workspace, 'deploy.yaml'), deployManifest(`${registryHost}/team/web`));
  mkdirSync(join(workspace, 'other'));
  writeFileSync(join(workspace, OTHER_WEB_MANIFEST), workloadManifest('other-web', `${registryHost}/other/web:2.4.1`, 1));
  return workspace;
}

/** The deploy workspace's manifest of an image that ends in /web but is built elsewhere. */
export const OTHER_WEB_MANIFEST = 'other/web.yaml';

export function deployManifest(repository) {
  return `# The web app: built from web/Dockerfile, applied to the loopback API server.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ${repository}:1.0 # pinned by Build, Push and Pin
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
`;
}

/** A Deployment of one container named `name`, for the apply scenarios the UI tests play. */
export function workloadManifest(name, image, replicas) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: ${image}
`;
}

/**
 * `<folder>/Dockerfile` whose last step sleeps a minute, FROM scratch with a static busybox (nothing
 * is pulled). The step's shell command line carries `marker`, so a test can find the process that
 * runs it (and see it gone after a cancel).
 */
export function writeSlowBuild(workspace, folder, marker) {
  const dir = join(workspace, folder);
  mkdirSync(dir, { recursive: true });
  cpSync('/bin/busybox', join(dir, 'busybox'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sh", "-c", "/bin/busybox sleep 60 && echo ${marker}"]\n`,
  );
}

/** The processes running now (other than this one): pid, process group and command line, from /proc as `ps` reads them. */
export function processes() {
  const found = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so count from the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      found.push({ pid: Number(pid), pgid, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Files under `dir` whose bytes contain `text` (binary files too: a state database counts). */
export function filesContaining(dir, text) {
  const needle = Buffer.from(text);
  const found = [];
  const walk = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (stat.isFile() && readFileSync(path).includes(needle)) {
      found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** The sandbox variables buildah and podman need here; HOME, PATH and TMPDIR stay the editor's. */
const CONTAINERS_VARIABLES = ['CONTAINERS_STORAGE_CONF', 'CONTAINERS_CONF', 'STORAGE_DRIVER', 'BUILDAH_ISOLATION', 'REGISTRY_AUTH_FILE'];

/**
 * What the deploy suite builds and applies against: the stub Kubernetes API server on 127.0.0.1
 * (test/helpers/apiserver, checked against real kubectl in test/cluster) with a deployment
 * controller that rolls Deployments out at once, two kubeconfig files on KUBECONFIG (context "stub"
 * with full access and the current context, "stub-reader" whose writes are forbidden), and a
 * private containers storage for buildah (vfs, chroot isolation, its own auth file).
 * `env` goes to code-server, which passes it on to the extension host.
 */
export async function startDeployStack(registryHost) {
  const { startApiServer } = compiledHelpers('apiserver');
  const { containersSandbox } = compiledHelpers('buildTools.ts');
  const apiserver = await startApiServer();
  let sandbox;
  try {
    apiserver.setController({ kind: 'rollout-ok', stepMs: 20 });
    const reader = apiserver.kubeconfigFor(apiserver.tokens.reader, { context: 'stub-reader', user: 'stub-reader' });
    sandbox = containersSandbox();
    const kubeconfig = [apiserver.kubeconfigPath, reader].join(delimiter);
    const env = { KUBECONFIG: kubeconfig, ...Object.fromEntries(CONTAINERS_VARIABLES.map((name) => [name, sandbox.env[name]])) };
    const workspace = writeDeployWorkspace(registryHost);
    const seed = { workspace, registryHost, repository: `${registryHost}/team/web`, apiserver: apiserver.url, kubeconfig };
    return {
      apiserver,
      env,
      seed,
      async stop() {
        await apiserver.close();
        sandbox.cleanup();
      },
    };
  } catch (error) {
    await apiserver.close();
    sandbox?.cleanup();
    throw error;
  }
}

/** Builds dist/ (the bundles the extension runs) when it is missing or older than the sources. */
export function ensureBuilt() {
  const result = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('node scripts/build.mjs failed');
}

/** Packages the VSIX unless it is newer than everything that goes into it. */
export function ensurePackaged() {
  const inputs = [
    ...['package.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'docs/icon.png', 'docs/diagnostics.md', 'docs/walkthrough'],
    ...['scripts/marketplace-readme.mjs', 'client/src', 'server/src'],
  ].map((p) => join(root, p));
  const newest = Math.max(...inputs.map(newestMtime));
  if (existsSync(vsixPath) && statSync(vsixPath).mtimeMs > newest && !process.env.IMAGE_AWARE_E2E_REPACKAGE) return false;
  const result = spawnSync('npm', ['run', 'package'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run package failed');
  return true;
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

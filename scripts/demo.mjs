#!/usr/bin/env node
// `npm run demo`: the packaged extension in a real VS Code (code-server) against a real registry,
// all on 127.0.0.1, to try by hand in a browser.
//   - a CNCF distribution registry (Debian's docker-registry) started and seeded with the test
//     helpers of test/helpers/registry: a multi-platform index, several semver tags, a tag that
//     moved after it was pinned, a pinned image;
//   - a scratch workspace: the repository's examples/ plus registry/ manifests (Deployment,
//     CronJob, kustomization) whose images point at that registry;
//   - the stub Kubernetes API server the deploy tests use (test/helpers/apiserver, checked against
//     real kubectl; its controller rolls Deployments out), on KUBECONFIG, and a private buildah
//     storage, so Build, Push and Pin and Apply work from deploy/ in the workspace;
//   - code-server with image-aware-manifests.vsix installed into a fresh extensions folder, beside
//     a small helper (scripts/demo/first-load) that opens registry/deployment.yaml and the
//     walkthrough on the first load of the window.
// It prints the URL and runs until Ctrl-C, then stops code-server (its whole process group: it was
// started with setsid), the registry, and removes the scratch folders.
//
//   npm run demo [-- --port 8080]
// Needs: `bash scripts/e2e/install.sh` (code-server) and Debian's docker-registry (README setup).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePackaged, installVsix, registryHelpers, removeScratch, root, scratchDir, startCodeServer, startDeployStack, vsixPath } from './e2e/lib.mjs';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : undefined;

// The registry helpers are TypeScript under test/helpers, compiled to out/ by `tsc -b` when stale.
const { startRegistry, pushImage, pushIndex, pushTags, moveTag } = registryHelpers();

ensurePackaged();

let registry;
let deploy;
let server;
let stopping = false;

async function stop(reason) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping code-server, the API server and the registry…`);
  await server?.stop();
  await deploy?.stop();
  await registry?.stop();
  removeScratch();
  console.log('stopped.');
  process.exit(0);
}
// Registered before the registry starts, so this runs first; the registry helpers' own last-resort
// handler then re-sends the signal, which lands here again and is ignored.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(signal));

function manifests(host, seeded) {
  const r = `${host}/demo`;
  return {
    'registry/deployment.yaml': `# Images from the demo registry on ${host} (started by npm run demo).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
        # A multi-platform index (linux/amd64, linux/arm64): hover it, or pin it with a quick fix.
        - name: web
          image: ${r}/web:2.4.1
          ports:
            - containerPort: 8080
        # Pinned, and the tag still points at this digest.
        - name: api
          image: ${r}/api:3.1.0@${seeded.api}
        # Pinned, but the tag 1.0 was pushed again since: a stale pin.
        - name: worker
          image: ${r}/worker:1.0@${seeded.workerBefore}
        # No such tag in the registry.
        - name: sidecar
          image: ${r}/web:9.9.9
`,
    'registry/cronjob.yaml': `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-export
spec:
  schedule: "30 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            # Type after the colon to complete the tags the registry has.
            - name: export
              image: ${r}/web:2.3.0
              args: ["export", "--since=24h"]
`,
    'registry/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - cronjob.yaml
images:
  - name: ${r}/web
    newTag: 2.4.0
  - name: ${r}/worker
    newTag: "1.0"
`,
  };
}

/** Packages the first-load helper into `home` with vsce, for code-server's --install-extension (which takes a .vsix only). */
function packageFirstLoad(home) {
  const vsix = join(home, 'demo-first-load.vsix');
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix];
  const result = spawnSync(process.execPath, args, { cwd: join(root, 'scripts/demo/first-load'), encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`packaging scripts/demo/first-load failed: ${result.stderr || result.stdout}`);
  return vsix;
}

async function main() {
  registry = await startRegistry();
  const target = { url: registry.url };
  await pushTags(target, 'demo/web', ['2.3.0', '2.3.1', '2.4.0'], { labels: { 'org.opencontainers.image.version': '2.3' } });
  const web = await pushIndex(target, 'demo/web', '2.4.1', ['linux/amd64', 'linux/arm64'], { attestations: true });
  await pushIndex(target, 'demo/web', 'latest', ['linux/amd64', 'linux/arm64']);
  const api = await pushImage(target, 'demo/api', '3.1.0');
  const workerBefore = await pushImage(target, 'demo/worker', '1.0', { created: '2024-05-01T12:00:00Z' });
  const workerAfter = await moveTag(target, 'demo/worker', '1.0', { created: '2024-06-15T08:30:00Z' });

  const home = scratchDir('demo');
  const workspace = join(home, 'workspace');
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  for (const [path, text] of Object.entries(manifests(registry.host, { api: api.digest, workerBefore: workerBefore.digest }))) {
    mkdirSync(join(workspace, path, '..'), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }

  // The deploy tests' stack: web/Dockerfile builds <registry>/team/web, deploy.yaml runs it.
  deploy = await startDeployStack(registry.host);
  cpSync(deploy.seed.workspace, join(workspace, 'deploy'), { recursive: true });

  const extensionsDir = join(home, 'extensions');
  const userDataDir = join(home, 'user-data');
  installVsix(vsixPath, extensionsDir, userDataDir);
  installVsix(packageFirstLoad(home), extensionsDir, userDataDir);
  server = await startCodeServer({
    name: 'demo',
    extensionsDir,
    userDataDir,
    port,
    env: deploy.env,
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });

  console.log(`
registry   ${registry.url}  demo/web: 2.3.0 2.3.1 2.4.0 2.4.1 (linux/amd64 + linux/arm64 index ${web.digest.slice(0, 19)}…) latest
                            demo/api: 3.1.0 (${api.digest.slice(0, 19)}…)
                            demo/worker: 1.0 moved ${workerBefore.digest.slice(0, 19)}… → ${workerAfter.digest.slice(0, 19)}…
cluster    ${deploy.apiserver.url}  a stub API server (contexts "stub" and the read-only "stub-reader", KUBECONFIG given to the editor)
workspace  ${workspace}
code-server log ${server.logPath}

Open ${server.url(workspace)}
(the first load opens registry/deployment.yaml, which talks to the registry, and the walkthrough beside it;
deploy/: Build, Push and Pin above web/Dockerfile's FROM, then Apply File on deploy/deploy.yaml;
examples from the repository are beside them.)
Ctrl-C stops everything.`);
}

try {
  await main();
} catch (error) {
  console.error(`demo failed: ${error.message}`);
  await server?.stop();
  await deploy?.stop();
  await registry?.stop();
  process.exit(1);
}

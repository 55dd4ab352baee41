/**
 * From Dockerfile to running workload in a real extension host: the runner started a CNCF
 * distribution registry and the stub Kubernetes API server on 127.0.0.1 (checked against real
 * kubectl in test/cluster), set KUBECONFIG to its kubeconfig files ("stub", the current context,
 * and "stub-reader", read-only) and gave buildah a private storage. The commands run with argument
 * objects, as tasks and keybindings run them; what they did is read back independently: the digest
 * from the registry over HTTP, the live objects with the real kubectl.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { httpRequest, MANIFEST_ACCEPT } from '../../helpers/registry/http';
import { deploySeed, diskText, EXTENSION_ID, openEditor, poll, positionAfter, rangeOf, workspaceUri } from './helpers';
import type { DeploySeed } from './helpers';

const MANIFEST = 'deploy.yaml';
const DOCKERFILE = 'web/Dockerfile';
/** An image that also ends in /web, in a folder that is not above web/ (scripts/e2e/lib.mjs writeDeployWorkspace). */
const OTHER_MANIFEST = 'other/web.yaml';

interface PushReport {
  readonly image: string;
  readonly digest: string;
  readonly pinned: number;
  readonly repinned: number;
  readonly files: number;
  readonly replaced: string | null;
  readonly saved: readonly string[];
  readonly unsaved: readonly string[];
}

interface KubeObject {
  readonly metadata: { readonly managedFields?: ReadonlyArray<{ readonly manager: string; readonly operation: string }>; readonly [key: string]: unknown };
  readonly spec: {
    readonly replicas?: number;
    readonly template?: { readonly spec: { readonly containers: ReadonlyArray<{ readonly name: string; readonly image: string }> } };
  };
}

/** The real kubectl, with the KUBECONFIG the extension host has. */
function kubectl(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', args, { env: process.env, timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

async function live(kind: string, name: string): Promise<KubeObject> {
  return JSON.parse(await kubectl('--context', 'stub', 'get', kind, name, '--namespace', 'default', '--show-managed-fields', '--output', 'json')) as KubeObject;
}

/** What the registry serves for a tag, asked with every manifest type (a HEAD as `docker pull` resolves it). */
async function servedDigest(seed: DeploySeed, tag: string): Promise<string> {
  const response = await httpRequest(`http://${seed.registryHost}/v2/team/web/manifests/${tag}`, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } });
  assert.equal(response.status, 200, `HEAD team/web:${tag}`);
  const digest = response.header('docker-content-digest');
  assert.ok(digest, 'the registry names the digest');
  return digest;
}

/** Build, Push and Pin of web/Dockerfile as `<registry>/team/web:1.0` with buildah, as a task runs it: every question answered by the arguments. */
function buildPushPin(more: { overwrite?: boolean } = {}): Thenable<PushReport | undefined> {
  return vscode.commands.executeCommand<PushReport | undefined>('imageAware.buildPushPin', {
    dockerfile: DOCKERFILE,
    context: 'web',
    tag: `${deploySeed()?.repository}:1.0`,
    buildArgs: {},
    target: null,
    platform: null,
    tool: 'buildah',
    ...more,
  });
}

interface ClusterStatus {
  readonly text: string;
}

suite('Build, push, pin and deploy (buildah, a loopback registry, the stub API server)', () => {
  const seed = deploySeed() as DeploySeed;
  let status: ClusterStatus;

  suiteSetup(async () => {
    assert.ok(seed, 'the runner passes the deploy stack in IMAGE_AWARE_E2E_DEPLOY');
    assert.equal(process.env.KUBECONFIG, seed.kubeconfig, "code-server passes the runner's KUBECONFIG to the extension host");
    await openEditor(MANIFEST);
    const extension = await poll('the extension to be installed', () => vscode.extensions.getExtension(EXTENSION_ID));
    const api = await poll('the extension to activate on a YAML file', () =>
      extension.isActive ? (extension.exports as { clusterStatus: ClusterStatus }) : undefined,
    );
    status = api.clusterStatus;
  });

  test("the status bar shows the kubeconfig's current context and its namespace: stub/default", async () => {
    // Its first reading comes just after activation, once the cluster adapter has loaded.
    await poll('the status bar to show stub/default', () => (status.text === '' ? undefined : true), 5_000);
    assert.equal(status.text, '$(cloud) stub/default');
  });

  test('code lenses: "Build image" above FROM in the Dockerfile, "Build & push & pin from web/Dockerfile" on the image field', async () => {
    const dockerfile = (await openEditor(DOCKERFILE)).document;
    const fromLine = dockerfile
      .getText()
      .split('\n')
      .findIndex((line) => line.startsWith('FROM '));
    const dockerLenses = await poll('the Dockerfile lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', dockerfile.uri);
      return found.some((lens) => lens.command?.command === 'imageAware.buildImage') ? found : undefined;
    });
    assert.deepEqual(
      dockerLenses.filter((lens) => lens.command?.command.startsWith('imageAware.')).map((lens) => [lens.range.start.line, lens.command?.title]),
      [
        [fromLine, '$(package) Build image'],
        [fromLine, '$(cloud-upload) Build, push and pin'],
      ],
    );
    const manifest = (await openEditor(MANIFEST)).document;
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', manifest.uri);
    const ours = lenses.filter((lens) => lens.command?.command === 'imageAware.buildPushPin');
    assert.equal(ours.length, 1, 'one image field, built by web/Dockerfile');
    assert.equal(ours[0].command?.title, '$(cloud-upload) Build & push & pin from web/Dockerfile');
    assert.equal(ours[0].range.start.line, positionAfter(manifest, 'image: ').line);
    assert.deepEqual(ours[0].command?.arguments, [{ dockerfile: workspaceUri(DOCKERFILE).toString(), tag: `${seed.repository}:1.0` }]);
    // other/web.yaml's image also ends in /web, but other/ is not above web/: web/Dockerfile does not build it.
    const other = (await openEditor(OTHER_MANIFEST)).document;
    const otherLenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', other.uri);
    assert.deepEqual(
      otherLenses.filter((lens) => lens.command?.command.startsWith('imageAware.')),
      [],
    );
  });

  test('Build, Push and Pin with buildah: a new tag, pushed without a question; the image field becomes repo:1.0@<the digest the registry serves>, comment kept, saved', async () => {
    const editor = await openEditor(MANIFEST);
    const before = editor.document.getText();
    const result = await buildPushPin();
    assert.ok(result, 'the command reports what it pushed (undefined means it failed: see the output channel)');
    const served = await servedDigest(seed, '1.0');
    assert.deepEqual(
      { image: result.image, digest: result.digest, pinned: result.pinned, files: result.files, replaced: result.replaced },
      { image: `${seed.repository}:1.0`, digest: served, pinned: 1, files: 1, replaced: null },
    );
    const pinned = before.replace(`image: ${seed.repository}:1.0 # pinned`, `image: ${seed.repository}:1.0@${served} # pinned`);
    assert.equal(editor.document.getText(), pinned);
    assert.deepEqual([result.saved, result.unsaved, editor.document.isDirty], [[MANIFEST], [], false], 'a file without unsaved changes is saved with its pin');
    assert.equal(await diskText(MANIFEST), pinned);
  });

  test('a tag that names an image: overwrite: false pushes nothing; overwrite: true pushes over it, re-pins and reports the digest it replaced', async () => {
    const first = await servedDigest(seed, '1.0');
    const pinnedFirst = await diskText(MANIFEST);
    // A change to the image, so the push over the tag is a different image.
    await vscode.workspace.fs.writeFile(workspaceUri('web/hello.txt'), new TextEncoder().encode(`rebuilt at ${Date.now()}\n`));

    const declined = await buildPushPin({ overwrite: false });
    assert.equal(declined, undefined, 'not pushed');
    assert.equal(await servedDigest(seed, '1.0'), first, 'the registry still serves the first push');
    assert.equal(await diskText(MANIFEST), pinnedFirst);

    const result = await buildPushPin({ overwrite: true });
    assert.ok(result, 'pushed over the tag');
    const served = await servedDigest(seed, '1.0');
    assert.notEqual(served, first);
    assert.deepEqual(
      { digest: result.digest, replaced: result.replaced, pinned: result.pinned, repinned: result.repinned, saved: result.saved },
      { digest: served, replaced: first, pinned: 1, repinned: 1, saved: [MANIFEST] },
    );
    assert.equal(await diskText(MANIFEST), pinnedFirst.replace(first, served));
  });

  test('Apply File without asking (confirm: false): both objects created by field manager "image-aware", the Deployment rolls out', async () => {
    const result = await vscode.commands.executeCommand<{
      confirmed: boolean;
      results: { ref: { kind: string; name: string; namespace: string | null }; outcome: string }[];
      rollouts: { done: boolean; message: string }[];
    }>('imageAware.applyFile', { uri: MANIFEST, confirm: false });
    assert.ok(result, 'the command reports what it applied');
    assert.deepEqual(
      result.results.map((r) => `${r.ref.kind} ${r.ref.namespace}/${r.ref.name} ${r.outcome}`),
      ['Deployment default/web created', 'Service default/web created'],
    );
    assert.deepEqual(
      result.rollouts.map((r) => r.done),
      [true],
      result.rollouts.map((r) => r.message).join('; '),
    );
    const deployment = await live('deployment', 'web');
    assert.ok(
      deployment.metadata.managedFields?.some((f) => f.manager === 'image-aware' && f.operation === 'Apply'),
      JSON.stringify(deployment.metadata.managedFields),
    );
    assert.equal(deployment.spec.template?.spec.containers[0].image, `${seed.repository}:1.0@${await servedDigest(seed, '1.0')}`);
    const service = await live('service', 'web');
    assert.ok(service.metadata.managedFields?.some((f) => f.manager === 'image-aware'));
  });

  test('Apply File again: the server dry run equals the live objects, so nothing is changed', async () => {
    const result = await vscode.commands.executeCommand<{ results: { outcome: string }[]; changes: { action: string }[] }>('imageAware.applyFile', {
      uri: MANIFEST,
      confirm: false,
    });
    assert.deepEqual(
      result?.changes.map((c) => c.action),
      ['unchanged', 'unchanged'],
    );
    assert.deepEqual(
      result?.results.map((r) => r.outcome),
      ['unchanged', 'unchanged'],
    );
  });

  test('Set Image on the container under the cursor: the live Deployment and the file both name the new image', async () => {
    const editor = await openEditor(MANIFEST);
    const at = positionAfter(editor.document, 'image: ');
    const image = `${seed.repository}:2.0`;
    const result = await vscode.commands.executeCommand<{ container: string; fileEdited: boolean }>('imageAware.setImage', {
      uri: MANIFEST,
      position: { line: at.line, character: at.character },
      image,
    });
    assert.deepEqual(result && { container: result.container, fileEdited: result.fileEdited }, { container: 'web', fileEdited: true });
    assert.equal((await live('deployment', 'web')).spec.template?.spec.containers[0].image, image);
    assert.ok(editor.document.getText().includes(`image: ${image} # pinned by Build, Push and Pin\n`), editor.document.getText());
    assert.ok(editor.document.isDirty, 'the file edit is left for the user to review and save');
    await editor.document.save();
  });

  test('Scale the Deployment at the cursor to 3: the live object has 3 replicas, the file keeps its 1', async () => {
    const result = await vscode.commands.executeCommand<{ replicas: number }>('imageAware.scale', {
      uri: MANIFEST,
      position: { line: 1, character: 0 },
      replicas: 3,
    });
    assert.deepEqual(result, { replicas: 3 });
    assert.equal((await live('deployment', 'web')).spec.replicas, 3);
    assert.ok((await diskText(MANIFEST)).includes('  replicas: 1\n'));
  });

  /** The targetPorts of the live Service web. */
  async function liveTargetPorts(): Promise<number[]> {
    const service = (await live('service', 'web')) as unknown as { spec: { ports: { targetPort: number }[] } };
    return service.spec.ports.map((p) => p.targetPort);
  }

  /** Apply Document on the Service of deploy.yaml, as a task runs it, with `more` arguments. */
  function applyService(editor: vscode.TextEditor, more: { dirty?: 'save' | 'editor' }) {
    const at = positionAfter(editor.document, 'kind: Service');
    return vscode.commands.executeCommand<{ results: { ref: { kind: string }; outcome: string }[] } | undefined>('imageAware.applyDocument', {
      uri: MANIFEST,
      position: { line: at.line, character: 0 },
      confirm: false,
      ...more,
    });
  }

  test('Apply Document with unsaved changes: confirm: false alone is refused; dirty: "editor" applies the editor\'s text and leaves the file unsaved', async () => {
    const editor = await openEditor(MANIFEST);
    const onDisk = await diskText(MANIFEST);
    assert.ok(await editor.edit((edit) => edit.replace(rangeOf(editor.document, 'targetPort: 8080', '8080'), '8081')));
    try {
      assert.equal(await applyService(editor, {}), undefined, 'refused: nothing says which text to apply');
      assert.deepEqual(await liveTargetPorts(), [8080], 'nothing was applied');
      const result = await applyService(editor, { dirty: 'editor' });
      assert.deepEqual(
        result?.results.map((r) => `${r.ref.kind} ${r.outcome}`),
        ['Service configured'],
      );
      assert.deepEqual(await liveTargetPorts(), [8081], 'the unsaved text in the editor is what gets applied');
      assert.ok(editor.document.isDirty, 'the file is not saved');
      assert.equal(await diskText(MANIFEST), onDisk);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  test('Apply Document with unsaved changes and dirty: "save": the file is saved, then applied', async () => {
    const editor = await openEditor(MANIFEST);
    const onDisk = await diskText(MANIFEST);
    assert.ok(await editor.edit((edit) => edit.replace(rangeOf(editor.document, 'targetPort: 8080', '8080'), '8082')));
    const result = await applyService(editor, { dirty: 'save' });
    assert.deepEqual(
      result?.results.map((r) => `${r.ref.kind} ${r.outcome}`),
      ['Service configured'],
    );
    assert.equal(editor.document.isDirty, false, 'saved');
    assert.equal(await diskText(MANIFEST), onDisk.replace('targetPort: 8080', 'targetPort: 8082'));
    assert.deepEqual(await liveTargetPorts(), [8082]);
  });

  test('Switch to the read-only context: the status bar follows, and Apply is refused with the verb and resource', async () => {
    const choice = await vscode.commands.executeCommand('imageAware.switchContext', { context: 'stub-reader', namespace: 'default' });
    assert.deepEqual(choice, { context: 'stub-reader', namespace: 'default' });
    await poll('the status bar to show stub-reader', () => (status.text === '$(cloud) stub-reader/default' ? true : undefined), 5_000);
    try {
      const result = await vscode.commands.executeCommand<{ refused: { message: string }[]; results: unknown[] }>('imageAware.applyFile', {
        uri: MANIFEST,
        confirm: false,
      });
      assert.ok(result, 'a refusal by the server is a result, not a crash');
      assert.equal(result.refused.length, 2, JSON.stringify(result.refused));
      assert.match(result.refused[0].message, /^You may not patch deployments\.apps "web" in namespace "default"/);
      assert.deepEqual(result.results, []);
    } finally {
      await vscode.commands.executeCommand('imageAware.switchContext', { context: 'stub', namespace: 'default' });
    }
    await poll('the status bar to show stub again', () => (status.text === '$(cloud) stub/default' ? true : undefined), 5_000);
  });
});

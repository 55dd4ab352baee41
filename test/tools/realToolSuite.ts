/**
 * One suite, run against each real build tool (buildah.real, podman.real, docker.real): build a
 * multi-stage image with a build arg and a target, push it to a real loopback registry, and check
 * that the digest pushImage returns is what the registry serves (HEAD with every manifest type, the
 * sha256 of the bytes, and skopeo's view); login with --password-stdin against a Basic-auth
 * registry; the tool's own error messages; and that cancelling a build leaves no process behind.
 * Durations are printed as test diagnostics (`build … ms, push … ms`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analysis';
import { applyEdits } from '../../server/src/core/edits/textEdit';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { pushedPinEdits, pushImage } from '../../server/src/engine';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient } from '../../server/src/registry';
import { createBuildTool, ToolError } from '../../server/src/tools';
import type { BuildRequest, BuildTool, RunIo, ToolName } from '../../server/src/tools';
import { findExecutable } from '../../server/src/tools/detect';
import { BUSYBOX_BASE, busyboxContext, containersSandbox, processesWith, servedDigest, skopeoConfig, skopeoDigest } from '../helpers/buildTools';
import { startRegistry } from '../helpers/registry';
import type { RunningRegistry } from '../helpers/registry';

export interface ToolUnderTest {
  /** The environment the tool runs with; the registry client reads the tool's credentials from it too. */
  readonly env: Record<string, string>;
  /** The file `login` writes credentials to (auth.json or docker's config.json; skopeo reads both). */
  readonly authFile: string;
  stop(): Promise<void>;
}

export interface ToolExpectations {
  /** What the tool says for a Dockerfile with an unknown instruction. */
  readonly unknownInstruction: RegExp;
  /** What it says when a push needs credentials it does not have. */
  readonly unauthorized: RegExp;
  /** What it says for a wrong password. */
  readonly wrongPassword: RegExp;
  /** True when RUN steps are child processes of the tool (buildah, podman); docker's run under its daemon. */
  readonly runStepsAreChildren: boolean;
}

function collect(signal?: AbortSignal): RunIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, output: (line) => lines.push(line), signal };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}

function request(context: { dir: string; dockerfile: string }, tag: string, more: Partial<BuildRequest> = {}): BuildRequest {
  return { dockerfile: context.dockerfile, context: context.dir, tag, buildArgs: {}, target: null, platform: null, ...more };
}

export function realToolSuite(name: ToolName, start: () => Promise<ToolUnderTest>, expect: ToolExpectations): void {
  let registry: RunningRegistry;
  let secured: RunningRegistry;
  let setup: ToolUnderTest;
  let tool: BuildTool;
  const clients: RegistryClient[] = [];
  const cleanups: Array<() => void> = [];

  before(async () => {
    [registry, secured, setup] = await Promise.all([startRegistry(), startRegistry({ auth: 'basic' }), start()]);
    const executable = findExecutable(name, setup.env);
    assert.ok(executable, `${name} is not on PATH (${setup.env.PATH}); scripts/setup.sh installs it`);
    tool = createBuildTool(name, executable, setup.env);
  });

  after(async () => {
    for (const client of clients) client.close();
    for (const cleanup of cleanups) cleanup();
    await Promise.all([registry?.stop(), secured?.stop(), setup?.stop()]);
  });

  function client(): RegistryClient {
    const created = createRegistryClient({ env: setup.env, fetchTimeoutMs: 5000, maxRetries: 0 });
    clients.push(created);
    return created;
  }

  function context(lines: readonly string[]): { dir: string; dockerfile: string } {
    const made = busyboxContext(lines.join('\n') + '\n');
    cleanups.push(made.cleanup);
    return made;
  }

  test(`${name}: build arg and target take effect; the pushed digest is what the registry serves`, async (t) => {
    const greeting = `hello from ${name}`;
    const ctx = context([
      ...BUSYBOX_BASE,
      'FROM base AS app',
      'ARG GREETING=unset',
      // Fails the build unless the build arg reached RUN.
      'RUN test "$GREETING" = "' + greeting + '" && echo "$GREETING" > /greeting',
      'LABEL greeting="$GREETING" stage=app',
      'FROM base AS other',
      'LABEL stage=other',
    ]);
    const image = `${registry.host}/tools/${name}:1.0`;
    const buildIo = collect();
    const [, buildMs] = await timed(() => tool.build(request(ctx, image, { buildArgs: { GREETING: greeting }, target: 'app' }), buildIo));
    assert.ok(buildIo.lines.length > 0, 'the build output was streamed');

    const pushIo = collect();
    const [pushed, pushMs] = await timed(() => pushImage(image, tool, client(), { tlsVerify: false, io: pushIo }));
    t.diagnostic(`${name}: build ${buildMs} ms, push ${pushMs} ms`);

    const served = await servedDigest(registry, `tools/${name}`, '1.0');
    assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(pushed.digest, served.header, 'Docker-Content-Digest with every Accept type');
    assert.equal(pushed.digest, served.body, 'sha256 of the manifest bytes');
    assert.equal(pushed.digest, skopeoDigest(image), 'skopeo inspect --raw');
    assert.equal(pushed.toolDigest, pushed.digest, `the digest ${name} reported`);
    assert.equal(pushed.manifest.mediaType, served.mediaType);

    const labels = skopeoConfig(image).config?.Labels ?? {};
    assert.equal(labels.stage, 'app', '--target chose the stage');
    assert.equal(labels.greeting, greeting, '--build-arg reached the stage');

    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: "${image}" # built here\n`;
    const [file] = pushedPinEdits([{ id: 'pod.yaml', analysis: analyze(text, { maxFileSize: 1 << 20 }) }], pushed, DEFAULT_SETTINGS.pin);
    assert.equal(
      applyEdits(
        text,
        file.pins.map((pin) => pin.edit),
      ),
      text.replace(`"${image}"`, `"${image}@${pushed.digest}"`),
    );
  });

  test(`${name}: a failing build rejects with the tool's own message`, async () => {
    const ctx = context(['FROM scratch', 'FROBNICATE x']);
    const error = await tool.build(request(ctx, `${registry.host}/tools/${name}:bad`), collect()).then(
      () => assert.fail('the build should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ToolError, String(error));
    assert.match(error.message, expect.unknownInstruction);
    assert.equal(error.cancelled, false);
    assert.notEqual(error.exitCode, 0);
    assert.equal(error.tool, name);
  });

  test(`${name}: a push needing credentials fails until login --password-stdin, then works`, async () => {
    const ctx = context(['FROM scratch', 'COPY busybox /bin/busybox', `LABEL tool=${name}`]);
    const image = `${secured.host}/tools/${name}:auth`;
    await tool.build(request(ctx, image), collect());

    const refused = await tool.push(image, { tlsVerify: false }, collect()).then(
      () => assert.fail('the push should be refused'),
      (e: unknown) => e,
    );
    assert.ok(refused instanceof ToolError, String(refused));
    assert.match(refused.message, expect.unauthorized);

    const login = { registry: secured.host, username: secured.username!, tlsVerify: false };
    const wrong = await tool.login({ ...login, password: 'not-the-password' }, collect()).then(
      () => assert.fail('a wrong password should be refused'),
      (e: unknown) => e,
    );
    assert.ok(wrong instanceof ToolError, String(wrong));
    assert.match(wrong.message, expect.wrongPassword);
    assert.ok(!wrong.argv.includes('not-the-password'), 'the password is not on the command line');

    await tool.login({ ...login, password: secured.password! }, collect());
    // The registry client finds the credentials the tool's login stored (auth.json or docker config.json).
    const pushed = await pushImage(image, tool, client(), { tlsVerify: false, io: collect() });
    const basic = `Basic ${Buffer.from(`${secured.username}:${secured.password}`).toString('base64')}`;
    const served = await servedDigest(secured, `tools/${name}`, 'auth', basic);
    assert.equal(pushed.digest, served.header);
    assert.equal(pushed.digest, served.body);
    assert.equal(pushed.digest, skopeoDigest(image, setup.authFile));
  });

  test(`${name}: cancelling a build kills its whole process tree`, async () => {
    // A unique sleep length marks the RUN step's process in /proc.
    const marker = `sleep 30.${process.pid}${Date.now() % 1000}`;
    const ctx = context([...BUSYBOX_BASE, `RUN ${marker}`]);
    const controller = new AbortController();
    const io = collect(controller.signal);
    const building = tool.build(request(ctx, `${registry.host}/tools/${name}:cancel`), io).then(
      () => assert.fail('the build should be cancelled'),
      (e: unknown) => e,
    );
    const deadline = Date.now() + 30_000;
    while (processesWith(marker).length === 0) {
      assert.ok(Date.now() < deadline, `the RUN step never started; output:\n${io.lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const abortedAt = Date.now();
    controller.abort();
    const error = await building;
    const cancelMs = Date.now() - abortedAt;
    assert.ok(error instanceof ToolError, String(error));
    assert.equal(error.cancelled, true);
    assert.ok(cancelMs < 5000, `cancelled after ${cancelMs} ms`);
    // The tool's own processes (their argv names the context folder) are gone when the call settles.
    assert.deepEqual(processesWith(ctx.dir), []);
    if (!expect.runStepsAreChildren) {
      // docker's RUN step runs under the daemon, which stops it once the client is gone.
      const gone = Date.now() + 10_000;
      while (processesWith(marker).length > 0 && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(processesWith(marker), [], 'the RUN step is gone');
  });
}

/** buildah and podman: the same sandbox (vfs storage, chroot isolation, private state and auth file) and the same messages. */
export function containersToolSuite(name: 'buildah' | 'podman'): void {
  realToolSuite(
    name,
    async () => {
      const sandbox = containersSandbox();
      return { env: sandbox.env, authFile: sandbox.authFile, stop: async () => sandbox.cleanup() };
    },
    {
      unknownInstruction: /^Error: building at STEP "FROBNICATE ": Build error: Unknown instruction: "FROBNICATE"/,
      unauthorized: /authentication required/,
      wrongPassword: /invalid username\/password/,
      runStepsAreChildren: true,
    },
  );
}

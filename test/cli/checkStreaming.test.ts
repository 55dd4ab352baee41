/**
 * `check` writes each file's findings as soon as they are final, reads each file only when its turn
 * comes, and gives the same output and result whether files are checked in this thread or in worker
 * threads (cli/checkWorkers.ts), pull secrets defined in a later file included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CliError } from '../../server/src/cli/args';
import type { CheckedFile } from '../../server/src/cli/checkFile';
import { checkSources, workerCount } from '../../server/src/cli/checkWorkers';
import type { ThreadShare } from '../../server/src/cli/checkWorkers';
import { check } from '../../server/src/cli/commands/check';
import type { CheckIo } from '../../server/src/cli/commands/check';
import { parseSettings } from '../../server/src/core';

const FORMATS = ['text', 'json', 'sarif'] as const;

function pod(name: string, image: string, secrets: readonly string[]): string {
  const pullSecrets = secrets.length === 0 ? '' : `  imagePullSecrets:\n${secrets.map((s) => `    - name: ${s}\n`).join('')}`;
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: ${image}\n${pullSecrets}`;
}

const SECRET = (name: string): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: kubernetes.io/dockerconfigjson\n`;

/** A folder with findings of every origin: pull secrets defined later or nowhere, a patch, a chart, a Dockerfile, broken YAML. */
function writeFolder(root: string, pods: number): void {
  for (let i = 0; i < pods; i += 1) {
    const image = ['nginx', 'nginx:latest', `registry.example/app:${i}`, 'redis@sha256:abc'][i % 4];
    const secrets = i % 3 === 0 ? ['defined-later'] : i % 5 === 0 ? ['defined-nowhere', 'defined-later'] : [];
    writeFileSync(join(root, `pod-${String(i).padStart(3, '0')}.yaml`), `${pod(`p${i}`, image, secrets)}---\n${pod(`q${i}`, 'busybox:1.36', [])}`);
  }
  writeFileSync(join(root, 'zz-secret.yaml'), SECRET('defined-later'));
  writeFileSync(join(root, 'broken.yaml'), 'kind: Pod\nspec: [\n');
  writeFileSync(join(root, 'Dockerfile'), 'FROM ubuntu\n');
  mkdirSync(join(root, 'overlay'));
  writeFileSync(join(root, 'overlay', 'kustomization.yaml'), 'resources: []\npatches:\n  - path: patch.yaml\n');
  writeFileSync(
    join(root, 'overlay', 'patch.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n',
  );
  mkdirSync(join(root, 'chart'));
  writeFileSync(join(root, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: "1.2.3"\n');
  writeFileSync(join(root, 'chart', 'values.yaml'), 'image:\n  repository: nginx\n  tag: ""\n');
}

interface Run {
  readonly failed: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function checkIo(cwd: string, overrides: Partial<CheckIo>, out: string[], err: string[]): CheckIo {
  return {
    env: {},
    home: cwd,
    cwd,
    toolVersion: () => '0.0.0-test',
    diagnosticsPage: 'https://example.test/diagnostics.md',
    readStdin: () => Promise.reject(new Error('no standard input in this test')),
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    ...overrides,
  };
}

async function runCheck(args: string[], cwd: string, overrides: Partial<CheckIo> = {}): Promise<Run> {
  const [out, err]: string[][] = [[], []];
  const failed = await check(args, checkIo(cwd, overrides, out, err));
  return { failed, stdout: out.join(''), stderr: err.join('') };
}

function withFolder(pods: number, body: (root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const root = mkdtempSync(join(tmpdir(), 'check-streaming-'));
    try {
      writeFolder(root, pods);
      await body(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

test(
  'worker threads give the output and result of one thread, in every format',
  withFolder(120, async (root) => {
    for (const format of FORMATS) {
      const alone = await runCheck(['--jobs', '1', '--format', format, '.'], root);
      for (const jobs of ['2', '4']) assert.deepEqual(await runCheck(['--jobs', jobs, '--format', format, '.'], root), alone, `${format} in ${jobs} threads`);
    }
    const json = JSON.parse((await runCheck(['--jobs', '3', '--format', 'json', '.'], root)).stdout) as { file: string; code: string; message: string }[];
    const secrets = json.filter((f) => f.code === 'unknown-pull-secret');
    // Files 5, 10, 20, 25... name a Secret no file defines; the one zz-secret.yaml defines, after them all, is never reported.
    assert.equal(secrets.length, 16);
    assert.ok(secrets.every((f) => f.message.includes('"defined-nowhere"')));
    assert.ok(json.some((f) => f.file === 'Dockerfile') && json.some((f) => f.file === join('chart', 'values.yaml')));
    assert.ok(!json.some((f) => f.file === join('overlay', 'patch.yaml') && f.code === 'missing-image'));
    assert.deepEqual(
      json.map((f) => f.file),
      [...json.map((f) => f.file)].sort(),
      'files in sorted order',
    );
  }),
);

test(
  'JSON and SARIF are written as each file is checked: the first file is out before the second is read',
  withFolder(2, async (root) => {
    for (const format of FORMATS) {
      const out: string[] = [];
      let writtenBeforeRead = '';
      // The barrier: standard input, the second PATH, is read only when its turn comes; what is out by then was streamed.
      const readStdin = (): Promise<Uint8Array> => {
        writtenBeforeRead = out.join('');
        return Promise.resolve(new TextEncoder().encode(pod('stdin', 'alpine', [])));
      };
      const failed = await check(['--jobs', '1', '--format', format, 'pod-001.yaml', '-'], checkIo(root, { readStdin }, out, []));
      assert.equal(failed, true);
      assert.match(writtenBeforeRead, /pod-001\.yaml/, `${format}: pod-001.yaml's findings are written before standard input is read`);
      assert.doesNotMatch(writtenBeforeRead, /<stdin>|%3Cstdin%3E/);
      assert.match(out.join(''), /<stdin>|%3Cstdin%3E/, `${format}: standard input is reported too`);
    }
  }),
);

test(
  'a file naming a Secret defined in a later file waits for it, and later files wait behind it',
  withFolder(4, async (root) => {
    const out: string[] = [];
    let writtenBeforeRead = '';
    const readStdin = (): Promise<Uint8Array> => {
      writtenBeforeRead = out.join('');
      return Promise.resolve(new TextEncoder().encode(SECRET('defined-later')));
    };
    // pod-000 names defined-later, which only standard input defines: nothing can be written before it is read.
    await check(['--jobs', '1', '--format', 'json', 'pod-000.yaml', 'pod-001.yaml', '-'], checkIo(root, { readStdin }, out, []));
    assert.equal(writtenBeforeRead, '[');
    const findings = JSON.parse(out.join('')) as { file: string; code: string }[];
    assert.ok(!findings.some((f) => f.code === 'unknown-pull-secret'));
    assert.deepEqual(
      findings.map((f) => f.file).filter((file, i, all) => file !== all[i - 1]),
      ['pod-000.yaml', 'pod-001.yaml'],
    );
  }),
);

test('streamed JSON and SARIF are laid out as JSON.stringify lays them out, with findings and without', async () => {
  await withFolder(3, async (root) => {
    for (const format of ['json', 'sarif']) {
      for (const path of ['.', join('chart', 'Chart.yaml')]) {
        const { stdout } = await runCheck(['--jobs', '1', '--format', format, path], root);
        assert.equal(stdout, `${JSON.stringify(JSON.parse(stdout), null, 2)}\n`, `${format} of ${path}`);
      }
    }
  })();
});

test('a file that cannot be read fails the run with the same error in one thread and in workers', async () => {
  const root = mkdtempSync(join(tmpdir(), 'check-streaming-'));
  try {
    writeFileSync(join(root, 'a.yaml'), pod('a', 'nginx', []));
    const sources = [
      { path: 'a.yaml', absolutePath: join(root, 'a.yaml'), size: 1 },
      { path: 'gone.yaml', absolutePath: join(root, 'gone.yaml'), size: 1 },
      { path: 'b.yaml', absolutePath: join(root, 'a.yaml'), size: 1 },
    ];
    const plan = { settings: parseSettings({}), configText: null, configPath: null, patches: new Set<string>() };
    for (const workers of [0, 2]) {
      const seen: CheckedFile[] = [];
      await assert.rejects(
        async () => {
          for await (const file of checkSources(sources, plan, workers, () => Promise.reject(new Error('no stdin')))) seen.push(file);
        },
        (error: unknown) => error instanceof CliError && /^cannot read gone\.yaml: ENOENT/.test(error.message),
      );
      assert.deepEqual(
        seen.map((f) => f.path),
        ['a.yaml'],
        `${workers} workers`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a worker checks its share of the files: this thread lets the answers in between the files it checks itself', async () => {
  const root = mkdtempSync(join(tmpdir(), 'check-streaming-'));
  try {
    const pods = Array.from({ length: 40 }, (_, i) => pod(`p${i}`, `registry.example/app:${i}`, [])).join('---\n');
    const sources = Array.from({ length: 600 }, (_, i) => {
      const path = join(root, `f${String(i).padStart(3, '0')}.yaml`);
      writeFileSync(path, pods);
      return { path: basename(path), absolutePath: path, size: pods.length };
    });
    const plan = { settings: parseSettings({}), configText: null, configPath: null, patches: new Set<string>() };
    const share: ThreadShare = { here: 0, workers: 0 };
    let files = 0;
    for await (const file of checkSources(sources, plan, 1, () => Promise.reject(new Error('no stdin')), share))
      files += file.path === sources[files].path ? 1 : 0;
    assert.equal(files, 600, 'every file, in order');
    assert.equal(share.here + share.workers, 600);
    // Kept from its answers while this thread checks one file after another, a worker gets only its first batches (66 files).
    assert.ok(share.workers >= 120, `the worker checked ${share.workers} of 600 files, this thread ${share.here}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('workers start only when each thread gets a few megabytes, one thread per CPU but one, at most eight threads', () => {
  const files = (count: number, size: number): { path: string; absolutePath: string; size: number }[] =>
    Array.from({ length: count }, (_, i) => ({ path: `${i}.yaml`, absolutePath: `/f/${i}.yaml`, size }));
  assert.equal(workerCount(files(10_000, 100), 2), 0, '1 MB in many small files');
  assert.equal(workerCount(files(1, 50 << 20), 4), 0, 'one big file');
  assert.equal(workerCount(files(10_000, 4096), 2), 0, 'two CPUs: one thread, and one CPU for V8');
  assert.equal(workerCount(files(10_000, 4096), 4), 2);
  assert.equal(workerCount(files(10_000, 4096), 9), 7);
  assert.equal(workerCount(files(10_000, 4096), 64), 7);
  assert.equal(workerCount(files(3, 10 << 20), 16), 2);
  assert.equal(workerCount(files(1100, 4096), 16), 1, 'just over 4 MB: two threads');
});

test('--jobs takes a whole number of threads from 1 to 8, and says so otherwise', async () => {
  for (const jobs of ['0', '9', '1.5', 'all'])
    await assert.rejects(runCheck(['--jobs', jobs, '.'], tmpdir()), { message: `--jobs must be a whole number from 1 to 8 (got "${jobs}").` });
});

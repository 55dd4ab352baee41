/**
 * `image-aware check`, run as a real process over test/fixtures/cli: output formats, workspace facts
 * across files, folder search, standard input and exit codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_RULES } from '../../server/src/core/diagnostics/catalog';
import { REPO_ROOT, runCli } from './runCli';

const FOLDER = 'test/fixtures/cli/manifests';
const DEPLOYMENT = `${FOLDER}/deployment.yaml`;
const KUSTOMIZATION = `${FOLDER}/kustomize/kustomization.yaml`;

interface JsonFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

function unknownSecret(line: number, name: string): JsonFinding {
  return {
    file: DEPLOYMENT,
    line,
    column: 17,
    endLine: line,
    endColumn: 17 + name.length,
    severity: 'information',
    code: 'unknown-pull-secret',
    message: `No file in the workspace defines Secret "${name}", so pulls from a private registry fail with ErrImagePull unless it is created another way (kubectl create secret docker-registry).`,
  };
}

/** deployment.yaml's findings apart from pull secrets, which depend on the other files checked with it. */
const DEPLOYMENT_FINDINGS: readonly JsonFinding[] = [
  {
    file: DEPLOYMENT,
    line: 14,
    column: 18,
    endLine: 14,
    endColumn: 23,
    severity: 'warning',
    code: 'implicit-latest',
    message: '"nginx" has no tag, so it means "nginx:latest": whatever was pushed last, pulled on every pod start (imagePullPolicy defaults to Always).',
  },
  {
    file: DEPLOYMENT,
    line: 16,
    column: 22,
    endLine: 16,
    endColumn: 28,
    severity: 'warning',
    code: 'latest-tag',
    message: '":latest" moves with every push, so nodes can run different images; use a version tag or pin a digest.',
  },
  {
    file: DEPLOYMENT,
    line: 17,
    column: 28,
    endLine: 17,
    endColumn: 34,
    severity: 'error',
    code: 'invalid-pull-policy',
    message: 'imagePullPolicy "always" is not one of Always, IfNotPresent, Never; the API server rejects it (the value is case-sensitive: "Always").',
  },
  {
    file: DEPLOYMENT,
    line: 19,
    column: 18,
    endLine: 19,
    endColumn: 25,
    severity: 'hint',
    code: 'not-pinned',
    message: '"app:1.2" is not pinned to a digest: if tag "1.2" is pushed again, new pods run different bytes.',
  },
  {
    file: DEPLOYMENT,
    line: 21,
    column: 39,
    endLine: 21,
    endColumn: 43,
    severity: 'error',
    code: 'invalid-reference',
    message: 'Repository name must be lowercase: "Team" has uppercase letters.',
  },
  {
    file: DEPLOYMENT,
    line: 22,
    column: 11,
    endLine: 22,
    endColumn: 15,
    severity: 'warning',
    code: 'missing-image',
    message: 'Container "no-image" has no image; the API server rejects a Deployment whose container has none (fine only in a patch).',
  },
];

/** Checked alone, deployment.yaml sees no Secret at all, so both pull secrets are unknown. */
const DEPLOYMENT_ALONE = [unknownSecret(10, 'regcred'), unknownSecret(11, 'missing-secret'), ...DEPLOYMENT_FINDINGS];

/** Checked as a folder, secret.yaml defines regcred, stack.yaml (not named like a Compose file) and notes.txt add nothing, and the kustomization adds two. */
const FOLDER_FINDINGS: readonly JsonFinding[] = [
  unknownSecret(11, 'missing-secret'),
  ...DEPLOYMENT_FINDINGS,
  {
    file: KUSTOMIZATION,
    line: 5,
    column: 13,
    endLine: 5,
    endColumn: 19,
    severity: 'warning',
    code: 'latest-tag',
    message: 'newTag "latest" moves with every push, so nodes can run different images; use a version tag or a digest.',
  },
  {
    file: KUSTOMIZATION,
    line: 8,
    column: 13,
    endLine: 8,
    endColumn: 18,
    severity: 'hint',
    code: 'not-pinned',
    message: 'newTag "2.0" is not pinned: add a digest so the build always runs the same bytes.',
  },
];

/** The text format's line for a finding: `file:line:col: severity code: message`. */
function textLine(f: JsonFinding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`;
}

function lines(output: string): string[] {
  return output.split('\n').filter((line) => line !== '');
}

function pod(image: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
}

test('text output lists every finding of one file, in line order, and a summary on stderr', () => {
  const run = runCli(['check', DEPLOYMENT]);
  assert.equal(run.stdout.split('\n')[0], `${DEPLOYMENT}:10:17: information unknown-pull-secret: ${DEPLOYMENT_ALONE[0].message}`);
  assert.deepEqual(lines(run.stdout), DEPLOYMENT_ALONE.map(textLine));
  assert.equal(run.stderr, '1 file checked: 2 errors, 3 warnings, 2 information, 1 hint\n');
  assert.equal(run.status, 1);
});

test('a folder is searched recursively; pull secrets defined in any file count; non-Kubernetes YAML is silent', () => {
  const run = runCli(['check', FOLDER]);
  assert.deepEqual(lines(run.stdout), FOLDER_FINDINGS.map(textLine));
  assert.equal(run.stderr, '4 files checked: 2 errors, 4 warnings, 1 information, 2 hints\n');
  assert.equal(run.status, 1);
});

test('YAML that is neither Kubernetes nor named like a Compose file has no findings and exits 0', () => {
  const run = runCli(['check', `${FOLDER}/stack.yaml`]);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, '1 file checked: 0 errors, 0 warnings, 0 information, 0 hints\n');
  assert.equal(run.status, 0);
});

test('JSON output is the array of findings with 1-based positions', () => {
  const run = runCli(['check', '--format', 'json', DEPLOYMENT]);
  assert.deepEqual(JSON.parse(run.stdout), DEPLOYMENT_ALONE);
  assert.equal(run.stderr, '');
  assert.equal(run.status, 1);
});

test('JSON output is an empty array when nothing is found', () => {
  const run = runCli(['check', '--format=json', `${FOLDER}/stack.yaml`]);
  assert.deepEqual(JSON.parse(run.stdout), []);
  assert.equal(run.status, 0);
});

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: string;
  readonly message: { readonly text: string };
  readonly locations: ReadonlyArray<{
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string; readonly uriBaseId?: string };
      readonly region: { readonly startLine: number; readonly startColumn: number; readonly endLine: number; readonly endColumn: number };
    };
  }>;
}

/**
 * The SARIF log's form is the schema's business (sarifSchema.test.ts); here it must say what the JSON
 * output says: the catalog as rules, and each finding once, at the same place, with its rule's level.
 */
test('SARIF output says what the JSON output says: the catalog as rules, one result per finding', () => {
  const run = runCli(['check', '--format', 'sarif', FOLDER]);
  assert.equal(run.status, 1);
  assert.equal(run.stderr, '');
  const [sarifRun] = JSON.parse(run.stdout).runs;
  const { driver } = sarifRun.tool;
  assert.equal(driver.version, JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  assert.deepEqual(
    driver.rules.map((rule: { id: string }) => rule.id),
    DIAGNOSTIC_CODES,
  );
  for (const rule of driver.rules) assert.equal(rule.shortDescription.text, DIAGNOSTIC_RULES[rule.id as keyof typeof DIAGNOSTIC_RULES].summary);
  // SARIF has error, warning and note: information and hint are notes.
  const levels: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
  const base = sarifRun.originalUriBaseIds['%SRCROOT%'].uri;
  const asFindings = (sarifRun.results as SarifResult[]).map((result) => {
    const { artifactLocation, region } = result.locations[0].physicalLocation;
    assert.equal(driver.rules[result.ruleIndex].id, result.ruleId);
    const file = decodeURIComponent(new URL(artifactLocation.uri, artifactLocation.uriBaseId ? base : undefined).href.slice(base.length));
    return {
      file,
      line: region.startLine,
      column: region.startColumn,
      endLine: region.endLine,
      endColumn: region.endColumn,
      code: result.ruleId,
      message: result.message.text,
      level: result.level,
    };
  });
  const json = JSON.parse(runCli(['check', '--format', 'json', FOLDER]).stdout) as JsonFinding[];
  assert.deepEqual(
    asFindings,
    json.map(({ severity, ...finding }) => ({ ...finding, level: levels[severity] })),
  );
});

test('--fail-on sets the severity that makes the exit code 1', async (t) => {
  const digest = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
  const cases = [
    { image: 'Nginx:1.0', severity: 'error' },
    { image: 'nginx', severity: 'warning' },
    { image: '${IMAGE}', severity: 'information' },
    { image: 'nginx:1.25', severity: 'hint' },
    { image: `nginx:1.25@${digest}`, severity: null },
  ];
  const order = ['error', 'warning', 'information', 'hint'];
  for (const { image, severity } of cases) {
    await t.test(`${image} (${severity ?? 'no finding'})`, async (t) => {
      const found = JSON.parse(runCli(['check', '--format', 'json', '--fail-on', 'never', '-'], { input: pod(image) }).stdout);
      assert.deepEqual(
        found.map((f: JsonFinding) => f.severity),
        severity === null ? [] : [severity],
        'the case has exactly the one finding it names',
      );
      for (const failOn of [...order, 'never']) {
        const expected = severity !== null && failOn !== 'never' && order.indexOf(severity) <= order.indexOf(failOn) ? 1 : 0;
        await t.test(`--fail-on ${failOn} exits ${expected}`, () => {
          assert.equal(runCli(['check', '--fail-on', failOn, '-'], { input: pod(image) }).status, expected);
        });
      }
      await t.test('the default is --fail-on warning', () => {
        const expected = severity === 'error' || severity === 'warning' ? 1 : 0;
        assert.equal(runCli(['check', '-'], { input: pod(image) }).status, expected);
      });
    });
  }
});

test('--severity changes or silences one code', () => {
  const run = runCli(['check', '--format', 'json', '--severity', 'not-pinned=off', '--severity', 'unknown-pull-secret=error', DEPLOYMENT]);
  const expected = DEPLOYMENT_ALONE.filter((f) => f.code !== 'not-pinned').map((f) => (f.code === 'unknown-pull-secret' ? { ...f, severity: 'error' } : f));
  assert.deepEqual(JSON.parse(run.stdout), expected);
});

test('standard input is read for "-" and shares workspace facts with the files beside it', () => {
  const input = `${pod('nginx:1.25')}  imagePullSecrets:\n    - name: regcred\n`;
  const alone = runCli(['check', '--severity', 'not-pinned=off', '-'], { input });
  assert.deepEqual(lines(alone.stdout), [
    '<stdin>:10:13: information unknown-pull-secret: No file in the workspace defines Secret "regcred", so pulls from a private registry fail with ErrImagePull unless it is created another way (kubectl create secret docker-registry).',
  ]);
  const withSecret = runCli(['check', '--severity', 'not-pinned=off', '-', `${FOLDER}/secret.yaml`], { input });
  assert.equal(withSecret.stdout, '');
  assert.equal(withSecret.stderr, '2 files checked: 0 errors, 0 warnings, 0 information, 0 hints\n');
});

test('a byte-order mark does not shift columns', () => {
  const plain = runCli(['check', '-'], { input: pod('nginx') });
  const withBom = runCli(['check', '-'], { input: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(pod('nginx'))]) });
  assert.match(plain.stdout, /^<stdin>:8:14: warning implicit-latest: /);
  assert.equal(withBom.stdout, plain.stdout);
});

test('--max-file-size-mb stops the analysis early', () => {
  const run = runCli(['check', '--format', 'json', '--max-file-size-mb', '0.00001', '-'], { input: `${pod('nginx')}---\n${pod('nginx')}` });
  assert.deepEqual(
    JSON.parse(run.stdout).map((f: JsonFinding) => f.code),
    ['not-analysed'],
  );
});

test('folder search: sorted, *.yaml and *.yml only, no node_modules or .git, no symlink loop; outside paths get file URIs in SARIF', () => {
  const root = mkdtempSync(join(tmpdir(), 'image-aware-cli-'));
  try {
    for (const folder of ['a', 'node_modules', '.git']) mkdirSync(join(root, folder));
    writeFileSync(join(root, 'b.yaml'), pod('nginx'));
    writeFileSync(join(root, 'a', 'c.YML'), pod('nginx'));
    writeFileSync(join(root, 'a', 'd.json'), pod('nginx'));
    writeFileSync(join(root, 'node_modules', 'e.yaml'), pod('nginx'));
    writeFileSync(join(root, '.git', 'f.yaml'), pod('nginx'));
    symlinkSync(root, join(root, 'a', 'loop'));
    const text = runCli(['check', root]);
    assert.deepEqual(
      lines(text.stdout).map((line) => line.slice(0, line.indexOf(': '))),
      [`${join(root, 'a', 'c.YML')}:8:14`, `${join(root, 'b.yaml')}:8:14`],
    );
    assert.equal(text.stderr, '2 files checked: 0 errors, 2 warnings, 0 information, 0 hints\n');
    const sarif = JSON.parse(runCli(['check', '--format', 'sarif', join(root, 'b.yaml')]).stdout);
    assert.deepEqual(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation, { uri: pathToFileURL(join(root, 'b.yaml')).href });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('below a folder a symbolic link is followed only inside it; one out of it or that cannot be followed is told and skipped; named, it is read', () => {
  const root = mkdtempSync(join(tmpdir(), 'image-aware-cli-'));
  try {
    for (const folder of ['walked', join('walked', 'sub'), 'outside']) mkdirSync(join(root, folder));
    writeFileSync(join(root, 'walked', 'a.yaml'), pod('nginx'));
    writeFileSync(join(root, 'walked', 'sub', 'b.yaml'), pod('nginx'));
    writeFileSync(join(root, 'outside', 'c.yaml'), pod('nginx'));
    symlinkSync('sub', join(root, 'walked', 'in'));
    symlinkSync(join('..', 'outside', 'c.yaml'), join(root, 'walked', 'out.yaml'));
    symlinkSync(join('..', 'outside'), join(root, 'walked', 'outdir'));
    symlinkSync('..', join(root, 'walked', 'up'));
    symlinkSync('self.yaml', join(root, 'walked', 'self.yaml'));
    const files = (stdout: string): string[] => [...new Set(lines(stdout).map((line) => line.slice(0, line.indexOf(':'))))];

    const walked = runCli(['check', 'walked'], { cwd: root });
    assert.deepEqual(files(walked.stdout), ['walked/a.yaml', 'walked/in/b.yaml']);
    const out = (name: string, target: string): string => `walked/${name}: not followed, a symbolic link out of walked (to ${target}); name it to include it.`;
    assert.deepEqual(lines(walked.stderr), [
      out('out.yaml', join(root, 'outside', 'c.yaml')),
      out('outdir', join(root, 'outside')),
      'walked/self.yaml: skipped, a symbolic link that leads round in a loop.',
      out('up', root),
      '2 files checked: 0 errors, 2 warnings, 0 information, 0 hints',
    ]);

    const named = runCli(['check', 'walked/out.yaml', 'walked/outdir/c.yaml', 'walked'], { cwd: root });
    assert.deepEqual(files(named.stdout), ['walked/out.yaml', 'walked/a.yaml', 'walked/in/b.yaml']);
    assert.match(named.stderr, /^walked\/outdir: not followed/m);
    assert.doesNotMatch(named.stderr, /out\.yaml/, 'the link was named, so it is not told again');
    assert.match(named.stderr, /^3 files checked/m);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('check analyses whole files unless --max-file-size-mb limits it', () => {
  // 9 MB of comments before the pod: past the editor's default limit of 8 MB.
  const text = `${`# ${'x'.repeat(100)}\n`.repeat(90_000)}---\n${pod('nginx')}`;
  assert.ok(text.length > 9_000_000);
  const whole = runCli(['check', '--format', 'json', '-'], { input: text });
  assert.deepEqual(
    JSON.parse(whole.stdout).map((f: JsonFinding) => `${f.line} ${f.code}`),
    ['90009 implicit-latest'],
  );
  const limited = runCli(['check', '--format', 'json', '--max-file-size-mb', '1', '-'], { input: text });
  assert.deepEqual(
    JSON.parse(limited.stdout).map((f: JsonFinding) => `${f.line} ${f.code}`),
    ['1 not-analysed'],
  );
});

test('usage and read errors exit 2 with a message on stderr', async (t) => {
  const cases: [string[], RegExp][] = [
    [['check'], /^image-aware: check needs at least one PATH/],
    [['check', '--bogus', DEPLOYMENT], /^image-aware: Unknown option '--bogus'/],
    [['check', '--format', 'xml', DEPLOYMENT], /^image-aware: --format must be one of text, json, sarif \(got "xml"\)\.$/m],
    [['check', '--fail-on', 'fatal', DEPLOYMENT], /^image-aware: --fail-on must be one of error, warning, information, hint, never/],
    [['check', '--severity', 'latest-tag', DEPLOYMENT], /^image-aware: --severity expects CODE=LEVEL \(got "latest-tag"\)/],
    [['check', '--severity', 'no-such-code=error', DEPLOYMENT], /^image-aware: The code in --severity must be one of invalid-reference, /],
    [['check', '--severity', 'latest-tag=loud', DEPLOYMENT], /^image-aware: The level in --severity must be one of error, warning, information, hint, off/],
    [['check', '--max-file-size-mb', 'big', DEPLOYMENT], /^image-aware: --max-file-size-mb must be a positive number \(got "big"\)/],
    [['check', `${FOLDER}/no-such-file.yaml`], /^image-aware: cannot read test\/fixtures\/cli\/manifests\/no-such-file\.yaml: ENOENT/],
    [['lint'], /^image-aware: unknown command "lint"/],
    [[], /^Usage: image-aware <command>/],
  ];
  for (const [args, message] of cases) {
    await t.test(args.join(' ') || '(no arguments)', () => {
      const run = runCli(args);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
    });
  }
});

test('--help and --version print to stdout and exit 0', () => {
  const help = runCli(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: image-aware <command>/);
  const checkHelp = runCli(['check', '--help']);
  assert.equal(checkHelp.status, 0);
  assert.match(checkHelp.stdout, /^Usage: image-aware check \[options\] PATH\.\.\./);
  const version = runCli(['--version']);
  assert.equal(version.status, 0);
  assert.equal(version.stdout, `${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version}\n`);
});

/** A Deployment patch in the shape of kustomize's examples: the container names only what it changes. */
const PATCH =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources: {}\n';

function codesByFile(output: string): [string, string][] {
  return JSON.parse(output).map((f: JsonFinding) => [f.file, f.code]);
}

test('files a kustomization lists as patches get no missing-image (kustomize examples/springboot and api/krusty)', () => {
  // The two example trees with patches (the other kustomize fixtures are about builds: checkKustomize.test.ts).
  const run = runCli(['check', '--format', 'json', 'test/fixtures/kustomize/complex-composition', 'test/fixtures/kustomize/springboot']);
  assert.equal(run.status, 1, run.stderr);
  assert.deepEqual(codesByFile(run.stdout), [
    ['test/fixtures/kustomize/complex-composition/base/statefulset.yaml', 'implicit-latest'],
    ['test/fixtures/kustomize/springboot/base/deployment.yaml', 'implicit-latest'],
  ]);
  // Named alone, the patch is still known as one: the kustomization beside it is read.
  const alone = runCli(['check', '--format', 'json', 'test/fixtures/kustomize/springboot/overlays/production/healthcheck_patch.yaml']);
  assert.deepEqual([alone.status, JSON.parse(alone.stdout), alone.stderr], [0, [], '']);
  const strategic = runCli(['check', '--format', 'json', 'test/fixtures/kustomize/complex-composition/config/sts-patch.yaml']);
  assert.deepEqual([strategic.status, JSON.parse(strategic.stdout)], [0, []]);
});

test('kustomizations above a named path count up to the working directory, with ../ paths, and no further', () => {
  const root = mkdtempSync(join(tmpdir(), 'image-aware-cli-'));
  try {
    for (const folder of ['repo/overlay/patches', 'repo/shared', 'repo/plain']) mkdirSync(join(root, folder), { recursive: true });
    // Above the working directory (root/repo): never read, so other.yaml below is no patch.
    writeFileSync(join(root, 'kustomization.yaml'), 'patches:\n- path: repo/plain/other.yaml\n');
    writeFileSync(join(root, 'repo', 'Kustomization'), 'resources:\n- overlay\npatchesStrategicMerge:\n- overlay/patches/deep.yaml\n');
    writeFileSync(join(root, 'repo', 'overlay', 'kustomization.yaml'), 'resources:\n- ../base\npatches:\n- path: ../shared/patch.yaml\n');
    writeFileSync(join(root, 'repo', 'overlay', 'patches', 'deep.yaml'), PATCH);
    writeFileSync(join(root, 'repo', 'shared', 'patch.yaml'), PATCH);
    writeFileSync(join(root, 'repo', 'plain', 'other.yaml'), PATCH);
    const cwd = join(root, 'repo');
    const named = runCli(['check', '--format', 'json', 'overlay/patches/deep.yaml', 'shared/patch.yaml', 'plain/other.yaml'], { cwd });
    assert.deepEqual(codesByFile(named.stdout), [['plain/other.yaml', 'missing-image']]);
    const folder = runCli(['check', '--format', 'json', '.'], { cwd });
    assert.deepEqual(codesByFile(folder.stdout), [['plain/other.yaml', 'missing-image']]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a kustomization too large to be one is not read for patches, and stderr says so', () => {
  const root = mkdtempSync(join(tmpdir(), 'image-aware-cli-'));
  try {
    writeFileSync(join(root, 'Kustomization'), `patches:\n- path: patch.yaml\n#${'x'.repeat(1024 * 1024)}\n`);
    writeFileSync(join(root, 'patch.yaml'), PATCH);
    const run = runCli(['check', '--format', 'json', root]);
    assert.deepEqual(codesByFile(run.stdout), [[join(root, 'patch.yaml'), 'missing-image']]);
    assert.equal(run.stderr, `image-aware: ${join(root, 'Kustomization')} is larger than 1 MB, so the patches it lists are not known.\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

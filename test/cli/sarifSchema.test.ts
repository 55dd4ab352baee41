/**
 * `image-aware check --format sarif` validated against the SARIF 2.1.0 JSON schema of the OASIS
 * standard (test/fixtures/sarif: errata 01, draft-04), over findings of every kind the fixtures
 * give: relative paths, a file outside the working folder, standard input, and no findings at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { REPO_ROOT, runCli } from './runCli';

const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function assertValid(log: unknown): void {
  const valid = validate(log);
  assert.ok(valid, JSON.stringify(validate.errors, null, 2));
}

function sarifOf(args: readonly string[], input?: string): { log: { runs: Array<{ results: unknown[] }> } } {
  const run = runCli(['check', '--format', 'sarif', ...args], { input });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return { log: JSON.parse(run.stdout) };
}

test('findings in a folder of manifests make a valid SARIF log', () => {
  const { log } = sarifOf(['test/fixtures/cli/manifests']);
  assert.ok(log.runs[0].results.length > 5, 'the fixtures have findings');
  assertValid(log);
});

test('a file outside the working folder, standard input and a clean file make valid SARIF logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sarif-'));
  try {
    const outside = join(dir, 'pod with space.yaml');
    writeFileSync(outside, 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: NGINX:latest\n');
    assertValid(sarifOf([outside]).log);
    assertValid(sarifOf(['-'], 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    image: nginx\n').log);
    const clean = sarifOf(['-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n').log;
    assert.equal(clean.runs[0].results.length, 0);
    assertValid(clean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the schema check itself rejects what SARIF forbids', () => {
  const { log } = sarifOf(['test/fixtures/cli/manifests']);
  const broken = structuredClone(log) as { runs: Array<{ results: Array<{ level: string }> }> };
  broken.runs[0].results[0].level = 'information';
  assert.equal(validate(broken), false);
  assert.equal(validate({ ...log, version: '2.0.0' }), false);
});

test('every rule links its entry in docs/diagnostics.md (helpUri), and the page has that anchor once', () => {
  const { log } = sarifOf(['test/fixtures/cli/manifests']);
  const rules = (log as unknown as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri?: string }> } } }> }).runs[0].tool.driver.rules;
  const page = readFileSync(join(REPO_ROOT, 'docs/diagnostics.md'), 'utf8');
  assert.ok(rules.length > 20);
  for (const rule of rules) {
    assert.equal(rule.helpUri, `${pathToFileURL(join(REPO_ROOT, 'docs/diagnostics.md')).href}#${rule.id}`);
    assert.equal(page.split(`<a id="${rule.id}"></a>`).length - 1, 1, `docs/diagnostics.md has one anchor for ${rule.id}`);
  }
  assertValid(log);
});

/**
 * Golden files for whole-file edit results: test/fixtures/features/edits/<name>.before.yaml holds the
 * input and <name>.after.yaml the expected output, both compared byte for byte. With UPDATE_GOLDEN=1
 * both are rewritten from what the code produces; review the diff before committing it.
 * A missing golden is a failure, never a skip.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** This file compiles to out/test/helpers/golden.js, so the repository root is three levels up. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const EDIT_GOLDEN_DIR = join(REPO_ROOT, 'test', 'fixtures', 'features', 'edits');

const updating = process.env.UPDATE_GOLDEN === '1';

function compareFile(path: string, actual: string, what: string): void {
  if (!existsSync(path)) assert.fail(`Golden ${path} is missing; run the tests with UPDATE_GOLDEN=1 to create it.`);
  const expected = readFileSync(path);
  const actualBytes = Buffer.from(actual, 'utf8');
  if (!expected.equals(actualBytes)) {
    // The string comparison gives a readable diff; the byte comparison above decides.
    assert.equal(actual, expected.toString('utf8'), `${what} differs from ${path} (UPDATE_GOLDEN=1 rewrites it)`);
    assert.fail(`${what} differs from ${path} in its bytes (UPDATE_GOLDEN=1 rewrites it)`);
  }
}

/** Checks (or, with UPDATE_GOLDEN=1, writes) the golden pair `<name>.before.yaml` / `<name>.after.yaml`. */
export function checkGolden(name: string, before: string, after: string): void {
  const beforePath = join(EDIT_GOLDEN_DIR, `${name}.before.yaml`);
  const afterPath = join(EDIT_GOLDEN_DIR, `${name}.after.yaml`);
  if (updating) {
    mkdirSync(EDIT_GOLDEN_DIR, { recursive: true });
    writeFileSync(beforePath, before);
    writeFileSync(afterPath, after);
    return;
  }
  compareFile(beforePath, before, 'The test input');
  compareFile(afterPath, after, 'The edited file');
}

/** Golden names on disk that start with prefix, so a test file can find goldens it no longer checks. */
export function goldenNamesOnDisk(prefix: string): string[] {
  if (!existsSync(EDIT_GOLDEN_DIR)) return [];
  const names = new Set<string>();
  for (const file of readdirSync(EDIT_GOLDEN_DIR)) {
    const match = /^(.*)\.(before|after)\.yaml$/.exec(file);
    if (match && match[1].startsWith(prefix)) names.add(match[1]);
  }
  return [...names].sort();
}

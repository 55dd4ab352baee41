/**
 * kustomize as the oracle for the kustomize tests: `kubectl kustomize DIR` (kubectl 1.32 embeds
 * kustomize v5.5.0, and builds offline), and the image fields of what it builds, read with the same
 * locator the analysis uses, so both sides name the same fields. A missing kubectl fails the test.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { analyze } from '../../server/src/core/analysis';
import type { Analysis } from '../../server/src/core/analysis';
import type { LocationTable } from '../../server/src/core/manifest/locations';

/** This file compiles to out/test/helpers/, so the repository root is three levels up. */
export const KUSTOMIZE_FIXTURES = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'kustomize');

export interface KubectlBuild {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function kubectlKustomize(folder: string): KubectlBuild {
  const result = spawnSync('kubectl', ['kustomize', folder], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.error, undefined, `kubectl kustomize could not run (kubectl 1.32 is part of the test machine): ${String(result.error)}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The output of a build that must succeed. */
export function kubectlBuilds(folder: string): string {
  const built = kubectlKustomize(folder);
  assert.equal(built.status, 0, `kubectl kustomize ${folder} failed: ${built.stderr}`);
  return built.stdout;
}

/**
 * `kind path image` for every image field the locator finds, sorted. kustomize writes `List` items as
 * documents of their own, so the `items[n].` a source path starts with is left out.
 */
export function imageFieldsOf(analyses: readonly Analysis[]): string[] {
  const found: string[] = [];
  for (const analysis of analyses) {
    for (const { analysis: doc } of analysis.documents) {
      for (const c of doc.fields.containers) {
        if (c.image?.value) found.push(`${c.workloadKind} ${c.path.replace(/^(items\[\d+\]\.)+/, '')} ${c.image.value.value}`);
      }
    }
  }
  return found.sort();
}

export function analyzeBuilt(text: string, locations?: LocationTable): Analysis {
  return analyze(text, { maxFileSize: 64 * 1024 * 1024, fileName: 'built.yaml', locations });
}

/**
 * The fixtures of test/fixtures/manifests/crds/: documents of the custom resources the location table
 * knows, each file written from its project's documented examples and citing them in its first lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** This file compiles to out/test/helpers/, so the repository root is three levels up. */
export const CRD_FIXTURES = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'manifests', 'crds');

export const CRD_FIXTURE_NAMES: readonly string[] = readdirSync(CRD_FIXTURES)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

export function crdFixture(name: string): string {
  return readFileSync(join(CRD_FIXTURES, name), 'utf8');
}

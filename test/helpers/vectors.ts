/**
 * Finds and reads the shared test vectors (shared/vectors/*.json).
 * The shared folder sits beside the repository: /work/shared next to /work/main here, and a copy of
 * shared/ next to the clone in CI. IMAGE_AWARE_VECTORS names another vectors folder.
 * A missing file is an error, never a skip, so a broken checkout cannot pass by running nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** This file compiles to out/test/helpers/vectors.js, so the repository root is three levels up. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** IMAGE_AWARE_VECTORS, when set, comes first, so another vector set (a holdout) can be swapped in. */
function candidateFolders(): string[] {
  const fromEnv = process.env.IMAGE_AWARE_VECTORS;
  const beside = resolve(REPO_ROOT, '..', 'shared', 'vectors');
  return fromEnv !== undefined && fromEnv !== '' ? [resolve(fromEnv), beside] : [beside];
}

/** Reads shared/vectors/<name> as JSON; throws with every path it tried when the file is missing. */
export function loadVector(name: string): unknown {
  const tried = candidateFolders().map((folder) => join(folder, name));
  const found = tried.find((file) => existsSync(file));
  if (found === undefined) {
    throw new Error(
      `Test vectors ${name} not found. Tried:\n  ${tried.join('\n  ')}\n` +
        'Put a copy of shared/ beside the repository, or set IMAGE_AWARE_VECTORS to the vectors folder.',
    );
  }
  return JSON.parse(readFileSync(found, 'utf8'));
}

/** One entry of image-references.json; the optional fields are present when `valid` says so. */
export interface ReferenceVector {
  readonly input: string;
  readonly valid: boolean;
  readonly domain?: string;
  readonly path?: string;
  readonly tag?: string | null;
  readonly digest?: string | null;
  readonly familiar?: string;
  readonly canonical?: string;
  readonly normalized?: string;
  readonly error?: string;
}

/** One entry of pull-policy-defaults.json. */
export interface PullPolicyVector {
  readonly image: string;
  readonly imagePullPolicy: string | null;
  readonly expectedEffective: string;
  readonly note?: string;
}

/** Reads a vector file that must be a non-empty array whose entries have the given typed fields. */
function readArray<T>(name: string, required: Readonly<Record<string, string>>): T[] {
  const data = loadVector(name);
  if (!Array.isArray(data) || data.length === 0) throw new Error(`${name} must be a non-empty array`);
  for (const entry of data) {
    for (const [field, type] of Object.entries(required)) {
      if (typeof entry[field] !== type) throw new Error(`${name}: every entry needs a ${type} ${field}: ${JSON.stringify(entry)}`);
    }
  }
  return data as T[];
}

export function referenceVectors(): ReferenceVector[] {
  return readArray<ReferenceVector>('image-references.json', { input: 'string', valid: 'boolean' });
}

export function pullPolicyVectors(): PullPolicyVector[] {
  return readArray<PullPolicyVector>('pull-policy-defaults.json', { image: 'string', expectedEffective: 'string' });
}

/**
 * A failed registry question, sorted for the facts: the answer it gives (not found, or failed with a problem kind)
 * and its registry's problem with a reason for people (problemReason.ts). Shared by every collection of registry facts.
 */
import type { ManifestAnswer, RegistryProblem } from '../core';
import { asErrorLike, problemOf } from './problemReason';

/** A question that failed: the answer it gives (null when it gives none) and its registry's problem. */
export interface Failure {
  readonly ok: false;
  readonly answer: ManifestAnswer | null;
  readonly problem: RegistryProblem | null;
}

/**
 * Sorts an error into an answer for the question and a problem for its registry; both null when it
 * was cancelled, asked something malformed, or is no registry error.
 */
export function classify(registry: string, error: unknown): Failure {
  const known = asErrorLike(error);
  if (!known || known.code === 'ABORTED' || known.code === 'NAME_INVALID' || known.code === 'TAG_INVALID') return { ok: false, answer: null, problem: null };
  if (known.code === 'MANIFEST_UNKNOWN' || known.code === 'BLOB_UNKNOWN')
    return { ok: false, answer: { status: 'not-found', unknown: 'manifest' }, problem: null };
  if (known.code === 'NAME_UNKNOWN') return { ok: false, answer: { status: 'not-found', unknown: 'repository' }, problem: null };
  const problem = problemOf(registry, known);
  return { ok: false, answer: { status: 'failed', problem: problem.kind }, problem };
}

/**
 * The digests an in-toto statement is about (in-toto attestation spec v1, Statement: `subject[].digest` maps an
 * algorithm to a lowercase hex digest), written `alg:hex`. cosign signs an image keylessly as a Sigstore bundle
 * holding a DSSE envelope of such a statement whose subject is the image's manifest digest (sigstore/cosign
 * specs/BUNDLE_SPEC.md): a valid signature over a statement about another digest signs another image.
 */
import { isRecord } from '../json';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** Subjects read per statement: cosign writes one. */
const MAX_SUBJECTS = 64;

export type SubjectsReading = { readonly ok: true; readonly digests: readonly string[] } | { readonly ok: false; readonly reason: string };

/** The `alg:hex` digests of a statement's subjects (its text), or why it is no statement. */
export function readStatementSubjects(text: string): SubjectsReading {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the signed statement is not JSON' };
  }
  const subjects = isRecord(body) ? body.subject : undefined;
  if (!Array.isArray(subjects) || subjects.length === 0) return { ok: false, reason: 'the signed statement has no subject' };
  const digests = subjects
    .slice(0, MAX_SUBJECTS)
    .flatMap((subject) => (isRecord(subject) && isRecord(subject.digest) ? Object.entries(subject.digest) : []))
    // Both sides end up in messages: an algorithm is a short name (sha256, sha512, gitCommit), a digest lowercase hex.
    .filter((entry): entry is [string, string] => /^[A-Za-z0-9_-]{1,32}$/.test(entry[0]) && typeof entry[1] === 'string' && /^[a-f0-9]{32,128}$/.test(entry[1]))
    .map(([algorithm, hex]) => `${algorithm}:${hex}`);
  return { ok: true, digests };
}

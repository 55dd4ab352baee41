/**
 * The subject digests of an in-toto statement (in-toto attestation spec v1), as a keyless bundle's DSSE envelope
 * carries it: what the signature is about. Hostile statements (not JSON, no subject, odd algorithm names or
 * digests) yield no digest, so a signature over them signs nothing this image is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readStatementSubjects } from '../../../server/src/core';

const HEX = 'ab'.repeat(32);

test('every subject digest of a statement, written alg:hex', () => {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [
      { name: 'image', digest: { sha256: HEX, sha512: 'cd'.repeat(64) } },
      { name: 'other', digest: { sha256: 'ef'.repeat(32) } },
    ],
    predicateType: 'https://sigstore.dev/cosign/sign/v1',
  };
  assert.deepEqual(readStatementSubjects(JSON.stringify(statement)), {
    ok: true,
    digests: [`sha256:${HEX}`, `sha512:${'cd'.repeat(64)}`, `sha256:${'ef'.repeat(32)}`],
  });
});

test('a statement that is not JSON or has no subject says so', () => {
  assert.deepEqual(readStatementSubjects('{'), { ok: false, reason: 'the signed statement is not JSON' });
  assert.deepEqual(readStatementSubjects('{"subject": []}'), { ok: false, reason: 'the signed statement has no subject' });
  assert.deepEqual(readStatementSubjects('[1]'), { ok: false, reason: 'the signed statement has no subject' });
});

test('odd algorithm names and digests are left out, so they never reach a message', () => {
  const digest = {
    [`[link](https://evil)${'x'.repeat(100)}`]: HEX,
    'sha256 ': HEX,
    sha256: HEX.toUpperCase(),
    sha384: 'ab'.repeat(100),
    sha1: 42,
    md5: 'abc',
  };
  assert.deepEqual(readStatementSubjects(JSON.stringify({ subject: [{ digest }, 'image', { digest: 'sha256' }] })), { ok: true, digests: [] });
});

/**
 * Runs every case in shared/vectors/image-references.json through parseReference, one subtest per input.
 * The expectations were computed with distribution/reference v0.6.0 and go-digest v1.0.0 themselves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference } from '../../../server/src/core/reference/reference';
import { referenceVectors } from '../../helpers/vectors';
import type { ReferenceVector } from '../../helpers/vectors';

test('image-references.json', async (t) => {
  for (const vector of referenceVectors()) {
    await t.test(JSON.stringify(vector.input), () => check(vector));
  }
});

function check(vector: ReferenceVector): void {
  const result = parseReference(vector.input);
  if (!vector.valid) {
    assert.equal(result.ok, false, 'expected a parse error');
    if (result.ok) return;
    assert.equal(result.error.category, vector.error);
    return;
  }
  assert.ok(result.ok, result.ok ? '' : `expected a reference, got: ${result.error.message}`);
  const { value } = result;
  assert.deepEqual(
    {
      domain: value.domain,
      path: value.path,
      tag: value.tag,
      digest: value.digest,
      familiar: value.familiar,
      canonical: value.canonical,
      normalized: value.canonical,
    },
    {
      domain: vector.domain,
      path: vector.path,
      tag: vector.tag,
      digest: vector.digest,
      familiar: vector.familiar,
      canonical: vector.canonical,
      normalized: vector.normalized,
    },
  );
}

/**
 * Runs every case in shared/vectors/pull-policy-defaults.json through effectivePullPolicy, one subtest
 * per case. The expectations follow kubernetes SetDefaults_Container and ParseImageName.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectivePullPolicy } from '../../../server/src/core/policy/pullPolicy';
import { loadVector } from '../../helpers/vectors';

interface PullPolicyVector {
  readonly image: string;
  readonly imagePullPolicy: string | null;
  readonly expectedEffective: string;
  readonly note?: string;
}

function readVectors(): PullPolicyVector[] {
  const data = loadVector('pull-policy-defaults.json');
  assert.ok(Array.isArray(data) && data.length > 0, 'pull-policy-defaults.json must be a non-empty array');
  for (const entry of data as PullPolicyVector[]) {
    assert.equal(typeof entry.image, 'string', `every case needs a string image: ${JSON.stringify(entry)}`);
    assert.equal(typeof entry.expectedEffective, 'string', `every case needs expectedEffective: ${JSON.stringify(entry)}`);
  }
  return data as PullPolicyVector[];
}

test('pull-policy-defaults.json', async (t) => {
  for (const vector of readVectors()) {
    const name = `${JSON.stringify(vector.image)} with imagePullPolicy ${JSON.stringify(vector.imagePullPolicy)}`;
    await t.test(name, () => {
      const decision = effectivePullPolicy(vector.image, vector.imagePullPolicy);
      assert.ok(decision !== null, 'expected a decision');
      assert.equal(decision.policy, vector.expectedEffective, vector.note);
      assert.equal(decision.source, vector.imagePullPolicy === null ? 'default' : 'explicit');
    });
  }
});

/**
 * Runs every case in shared/vectors/pull-policy-defaults.json through effectivePullPolicy, one subtest
 * per case. The expectations follow kubernetes SetDefaults_Container and ParseImageName.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectivePullPolicy } from '../../../server/src/core/policy/pullPolicy';
import { pullPolicyVectors } from '../../helpers/vectors';

test('pull-policy-defaults.json', async (t) => {
  for (const vector of pullPolicyVectors()) {
    const name = `${JSON.stringify(vector.image)} with imagePullPolicy ${JSON.stringify(vector.imagePullPolicy)}`;
    await t.test(name, () => {
      const decision = effectivePullPolicy(vector.image, vector.imagePullPolicy);
      assert.ok(decision !== null, 'expected a decision');
      assert.equal(decision.policy, vector.expectedEffective, vector.note);
      assert.equal(decision.source, vector.imagePullPolicy === null ? 'default' : 'explicit');
    });
  }
});

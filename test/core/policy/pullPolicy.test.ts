/**
 * Tests for effectivePullPolicy and defaultPullPolicy beyond the shared vectors: every defaulting case
 * has its own reason for the hover, explicit values are kept, and unknown values are left to the caller.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PULL_POLICIES, defaultPullPolicy, effectivePullPolicy, type PullPolicy } from '../../../server/src/core/policy/pullPolicy';

const HEX64 = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

/** One image per defaulting case, with the policy Kubernetes picks and words its reason must use. */
const defaultCases: Array<{ name: string; image: string; policy: PullPolicy; mentions: string[] }> = [
  { name: 'no tag', image: 'nginx', policy: 'Always', mentions: ['no tag', ':latest'] },
  { name: ':latest tag', image: 'nginx:latest', policy: 'Always', mentions: [':latest'] },
  { name: 'other tag', image: 'nginx:1.25', policy: 'IfNotPresent', mentions: [':1.25'] },
  { name: 'digest only', image: `nginx@sha256:${HEX64}`, policy: 'IfNotPresent', mentions: ['digest'] },
  { name: 'tag and digest with latest', image: `nginx:latest@sha256:${HEX64}`, policy: 'Always', mentions: [':latest', 'digest'] },
  { name: 'unparseable', image: 'Nginx:latest', policy: 'IfNotPresent', mentions: ['cannot parse'] },
];

test('every defaulting case has a distinct reason that names the rule', () => {
  const reasons = defaultCases.map(({ name, image, policy, mentions }) => {
    const decision = defaultPullPolicy(image);
    assert.equal(decision.policy, policy, name);
    assert.equal(decision.source, 'default', name);
    assert.ok(decision.reason.includes('SetDefaults_Container'), `${name}: ${decision.reason}`);
    assert.ok(decision.reason.includes(policy), `${name}: ${decision.reason}`);
    for (const word of mentions) assert.ok(decision.reason.includes(word), `${name}: ${JSON.stringify(word)} not in ${decision.reason}`);
    return decision.reason;
  });
  const explicit = effectivePullPolicy('nginx', 'Always');
  assert.ok(explicit !== null);
  reasons.push(explicit.reason);
  assert.equal(new Set(reasons).size, reasons.length, `reasons repeat:\n${reasons.join('\n')}`);
});

test('a tag that only looks like latest is not latest', () => {
  for (const image of ['nginx:Latest', 'nginx:LATEST', 'nginx:latest-alpine', `nginx:Latest@sha256:${HEX64}`]) {
    assert.equal(defaultPullPolicy(image).policy, 'IfNotPresent', image);
  }
  assert.match(defaultPullPolicy('nginx:Latest').reason, /exact lowercase "latest"/);
});

const KUBELET_BEHAVIOUR = { Always: 'always', IfNotPresent: 'ifNotPresent', Never: 'never' } as const;

test('explicit policies are kept whatever the image', () => {
  for (const policy of PULL_POLICIES) {
    for (const image of ['nginx', 'nginx:latest', 'nginx:1', `nginx@sha256:${HEX64}`, 'Not A Reference', '']) {
      assert.deepEqual(
        { ...effectivePullPolicy(image, policy), reason: undefined },
        { policy, behaviour: KUBELET_BEHAVIOUR[policy], source: 'explicit', reason: undefined },
        `${image} with ${policy}`,
      );
    }
  }
});

test('an absent or empty policy is defaulted', () => {
  for (const written of [null, undefined, '']) {
    assert.deepEqual(effectivePullPolicy('nginx', written), defaultPullPolicy('nginx'), String(written));
  }
});

test('an unknown policy returns null for the caller to report', () => {
  for (const written of ['always', 'ALWAYS', 'IfNotpresent', ' Always', 'Always ', 'Sometimes', 'null', 'constructor']) {
    assert.equal(effectivePullPolicy('nginx', written), null, written);
  }
});

test('PULL_POLICIES lists the three Kubernetes values', () => {
  assert.deepEqual([...PULL_POLICIES], ['Always', 'IfNotPresent', 'Never']);
});

/**
 * policyFindings: the opt-in policy on what is attached to images. Only repositories a pattern names are judged
 * (the most specific pattern wins, an empty list turns it off); nothing is said where the referrers were not
 * listed; an index passes when it, or each of its platforms, has the kind; signatures count unchecked where no key
 * is trusted, and must verify where one is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import { policyFindings } from '../../../server/src/core/diagnostics/policyFindings';
import type { ReferrerFact, ReferrersAnswer } from '../../../server/src/core/facts';
import { parseSettings } from '../../../server/src/core/settings';
import { found, foundIndex, referrer, referrersFound, registryFacts } from '../../helpers/facts';
import { pod } from '../../helpers/manifests';

const D = (n: number): string => `sha256:${String(n).repeat(64)}`;
const IMAGE = 'ghcr.io/org/app:v1';
const analysis = analyze(pod(`    - name: app\n      image: ${IMAGE}\n`), { maxFileSize: 1 << 20 });

function codes(require: Record<string, string[]>, referrers: Record<string, ReferrersAnswer>, platforms = 0): string[] {
  const manifest =
    platforms === 0
      ? found(D(1))
      : foundIndex(
          D(1),
          Array.from({ length: platforms }, (_, i) => ({ os: 'linux', architecture: `arch${i}`, digest: D(i + 2), size: 500 })),
        );
  const facts = registryFacts({ manifests: { [IMAGE]: manifest }, referrers });
  return policyFindings(analysis, facts, parseSettings({ signatures: { require } }).signatures).map((finding) => finding.code);
}

const on = (digest: string, ...referrers: ReferrerFact[]): Record<string, ReferrersAnswer> => ({ [`ghcr.io/org/app@${digest}`]: referrersFound(referrers) });
const SIGNED = referrer('signature', 'cosign key');
const SBOM = referrer('sbom', 'SPDX');

test('only repositories a pattern names are judged; the most specific pattern wins and [] turns the policy off', () => {
  assert.deepEqual(codes({}, on(D(1))), []);
  assert.deepEqual(codes({ 'ghcr.io/other/*': ['signature'] }, on(D(1))), []);
  assert.deepEqual(codes({ 'ghcr.io/*': ['signature', 'sbom'] }, on(D(1))), ['unsigned-image', 'no-sbom']);
  assert.deepEqual(codes({ 'ghcr.io/*': ['signature', 'sbom'], 'ghcr.io/org/app': [] }, on(D(1))), []);
});

test('nothing is said where the referrers were not listed or could not be', () => {
  assert.deepEqual(codes({ '*': ['signature'] }, {}), []);
  assert.deepEqual(codes({ '*': ['signature'] }, { [`ghcr.io/org/app@${D(1)}`]: { status: 'failed', reason: 'The registry is down.' } }), []);
});

test('an index passes when it has the kind, or every platform has it', () => {
  const platforms = { ...on(D(1), SIGNED), ...on(D(2), SBOM), ...on(D(3), SBOM) };
  assert.deepEqual(codes({ '*': ['signature', 'sbom'] }, platforms, 2), []);
  assert.deepEqual(codes({ '*': ['signature', 'sbom'] }, { ...platforms, ...on(D(3)) }, 2), ['no-sbom']);
});

test('signatures count unchecked where no key is trusted, and must verify where one is', () => {
  assert.deepEqual(codes({ '*': ['signature'] }, on(D(1), SIGNED)), []);
  const verified = referrer('signature', 'cosign key', { verification: { status: 'verified', key: 'ci' } });
  const keyless = referrer('signature', 'cosign (bundle)', { verification: { status: 'unverified', reason: 'only keyed cosign signatures are verified' } });
  const forged = referrer('signature', 'cosign key', { verification: { status: 'invalid', reason: 'no trusted key (ci) verifies it' } });
  assert.deepEqual(codes({ '*': ['signature'] }, on(D(1), keyless, verified)), []);
  assert.deepEqual(codes({ '*': ['signature'] }, on(D(1), keyless, forged)), ['signature-invalid']);
  assert.deepEqual(codes({ '*': ['signature'] }, on(D(1), keyless)), ['signature-invalid']);
});

/** signatureRepositoryFor: patterns from the setting, the most specific first, COSIGN_REPOSITORY as `*`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signatureRepositoryFor } from '../../../server/src/core/attachments/signatureRepository';

test('no pattern and no COSIGN_REPOSITORY: signatures are beside the image', () => {
  assert.equal(signatureRepositoryFor('ghcr.io/org/app', {}), null);
  assert.equal(signatureRepositoryFor('ghcr.io/org/app', {}, '  '), null);
});

test('COSIGN_REPOSITORY stands for every image, normalized like an image name', () => {
  assert.deepEqual(signatureRepositoryFor('ghcr.io/org/app', {}, 'signatures'), { domain: 'docker.io', path: 'library/signatures' });
  assert.deepEqual(signatureRepositoryFor('docker.io/library/nginx', {}, 'ghcr.io/org/sigs'), { domain: 'ghcr.io', path: 'org/sigs' });
});

test('the most specific matching pattern wins, over COSIGN_REPOSITORY', () => {
  const patterns = { 'ghcr.io/*': 'ghcr.io/all/sigs', 'ghcr.io/org/*': 'ghcr.io/org/sigs', 'quay.io/*': 'quay.io/x/sigs' };
  assert.deepEqual(signatureRepositoryFor('ghcr.io/org/app', patterns, 'other/sigs'), { domain: 'ghcr.io', path: 'org/sigs' });
  assert.deepEqual(signatureRepositoryFor('ghcr.io/team/app', patterns), { domain: 'ghcr.io', path: 'all/sigs' });
  assert.deepEqual(signatureRepositoryFor('registry.lan/app', patterns, 'registry.lan/sigs'), { domain: 'registry.lan', path: 'sigs' });
});

test('a target with a tag or digest, or that is no name, is ignored; pattern characters are literal but for *', () => {
  assert.equal(signatureRepositoryFor('ghcr.io/org/app', { 'ghcr.io/org/*': 'ghcr.io/org/sigs:v1' }), null);
  assert.equal(signatureRepositoryFor('ghcr.io/org/app', { 'ghcr.io/org/*': 'Not A Name' }), null);
  assert.equal(signatureRepositoryFor('ghcrXio/org/app', { 'ghcr.io/org/*': 'ghcr.io/org/sigs' }), null);
});

test('a pattern of many stars is matched in linear time, not by backtracking', () => {
  // As a regular expression `^.*a.*a.*…b$` backtracks for minutes on a name of a's; a setting must not hang the server.
  const pattern = `*${'a*'.repeat(12)}b`;
  const started = process.hrtime.bigint();
  assert.equal(signatureRepositoryFor(`registry.example/${'a'.repeat(60)}`, { [pattern]: 'registry.example/sigs' }), null);
  assert.deepEqual(signatureRepositoryFor(`registry.example/${'a'.repeat(60)}b`, { [pattern]: 'registry.example/sigs' }), {
    domain: 'registry.example',
    path: 'sigs',
  });
  assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'matching took over a second');
});

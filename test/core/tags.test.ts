/**
 * orderTags and SemVer precedence: the order tag completion offers, newest semver first (the
 * SemVer 2.0.0 spec's own precedence examples included), then everything else in descending
 * natural order, then the moving tags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareSemVer, MOVING_TAGS, newestTags, orderTags, parseSemVer } from '../../server/src/core/tags';

test('SemVer 2.0.0 section 11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0', () => {
  const ascending = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
  for (let i = 0; i + 1 < ascending.length; i++) {
    const a = parseSemVer(ascending[i])!;
    const b = parseSemVer(ascending[i + 1])!;
    assert.ok(compareSemVer(a, b) < 0, `${ascending[i]} < ${ascending[i + 1]}`);
    assert.ok(compareSemVer(b, a) > 0, `${ascending[i + 1]} > ${ascending[i]}`);
  }
  assert.deepEqual(
    orderTags([...ascending].reverse().concat(ascending)).map((t) => t.tag),
    [...ascending].reverse(),
  );
});

test('numbers compare as numbers, in the core and in prereleases, with no size limit', () => {
  assert.deepEqual(
    orderTags(['1.9.0', '1.10.0', '1.2.10', '1.2.9', '10.0.0', '2.0.0', '1.0.0-rc.10', '1.0.0-rc.9', '99999999999999999999.0.0']).map((t) => t.tag),
    ['99999999999999999999.0.0', '10.0.0', '2.0.0', '1.10.0', '1.9.0', '1.2.10', '1.2.9', '1.0.0-rc.10', '1.0.0-rc.9'],
  );
});

test('what counts as SemVer: three numbers without leading zeros, an optional "v", dot-separated prerelease identifiers', () => {
  for (const tag of ['1.2.3', 'v1.2.3', '0.0.0', '1.2.3-alpine', '1.2.3-rc.1', '1.2.3-0.3.7', '1.2.3-x-y-z.--']) assert.ok(parseSemVer(tag), tag);
  for (const tag of ['1.2', '1', '01.2.3', '1.02.3', '1.2.3-01', '1.2.3-', '1.2.3.4', 'V1.2.3', 'latest', '1.2.3_build', '1.2.3-rc..1'])
    assert.equal(parseSemVer(tag), null, tag);
});

test('the order: semver newest first, then other versions newest first, then words, then moving tags', () => {
  const tags = [
    'latest',
    '1.25',
    'alpine',
    '1.25.3',
    '1.24.0',
    'stable',
    '1.25.3-alpine',
    'v1.26.0',
    '1.9',
    '1.10',
    'main',
    'dev',
    'edge',
    'nightly',
    '20240501',
    'sha-abc123',
    '1.26.0',
  ];
  const ordered = orderTags(tags);
  assert.deepEqual(
    ordered.map((t) => t.tag),
    [
      '1.26.0',
      'v1.26.0',
      '1.25.3',
      '1.25.3-alpine',
      '1.24.0',
      '20240501',
      '1.25',
      '1.10',
      '1.9',
      'alpine',
      'sha-abc123',
      'latest',
      'main',
      'stable',
      'edge',
      'nightly',
      'dev',
    ],
  );
  assert.deepEqual(
    ordered.filter((t) => t.moving).map((t) => t.tag),
    [...MOVING_TAGS],
  );
  assert.deepEqual(
    ordered.filter((t) => t.semver).map((t) => t.tag),
    ['1.26.0', 'v1.26.0', '1.25.3', '1.25.3-alpine', '1.24.0'],
  );
});

test('duplicates are dropped and an empty list stays empty', () => {
  assert.deepEqual(orderTags([]), []);
  assert.deepEqual(
    orderTags(['1.0.0', '1.0.0', 'x', 'x']).map((t) => t.tag),
    ['1.0.0', 'x'],
  );
});

test('260 tags come out complete and in descending precedence', () => {
  const tags = Array.from({ length: 260 }, (_, i) => `${i % 7}.${i % 13}.${i}`);
  const ordered = orderTags(tags).map((t) => t.tag);
  assert.deepEqual([...ordered].sort(), [...tags].sort());
  for (let i = 0; i + 1 < ordered.length; i++)
    assert.ok(compareSemVer(parseSemVer(ordered[i])!, parseSemVer(ordered[i + 1])!) > 0, `${ordered[i]} before ${ordered[i + 1]}`);
});

test('newestTags: no moving tags, SemVer releases before prereleases, then the rest in offered order, at most count', () => {
  const tags = ['latest', '2.0.0-rc.1', '1.10.0', 'stable', '1.9.3', '1.25', 'alpine'];
  assert.deepEqual(newestTags(tags, 3), ['1.10.0', '1.9.3', '1.25']);
  assert.deepEqual(newestTags(tags, 10), ['1.10.0', '1.9.3', '1.25', 'alpine', '2.0.0-rc.1']);
  assert.deepEqual(newestTags(['latest', 'main', '3.0.0-beta.2'], 3), ['3.0.0-beta.2']);
  assert.deepEqual(newestTags(['latest'], 3), []);
});

/**
 * The server's registry status (server/src/lsp/registryStatus.ts) and the pull rate limits in it: each entry
 * carries the limit its registry announced; a change of state is sent at once; a rate limit alone is sent
 * when it turns low (at once) or moves a step, and then at most once per interval, the latest one, so a
 * burst of pulls is not a burst of notifications. The facts are plain data, as collectFacts returns them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_FACTS } from '../../server/src/core';
import type { RateLimitFact, RegistryFacts } from '../../server/src/core';
import { RegistryStatus, rateLimitStep } from '../../server/src/lsp/registryStatus';
import type { RegistryStatusEntry } from '../../server/src/lsp';
import { ManualClock } from '../helpers/clock';

const HOST = 'registry-1.docker.io';
const limit = (remaining: number, at = 0): RateLimitFact => ({ limit: 100, remaining, windowSeconds: 21600, at });
const factsWith = (remaining: number | null): RegistryFacts =>
  remaining === null ? NO_FACTS : { ...NO_FACTS, rateLimits: new Map([[HOST, limit(remaining)]]) };

function watch(status: RegistryStatus): Array<readonly RegistryStatusEntry[]> {
  const sent: Array<readonly RegistryStatusEntry[]> = [];
  status.onDidChange((entries) => sent.push(entries));
  return sent;
}

test('steps: the twentieth of the limit, exact at ten and below, low apart; no limit is no step', () => {
  assert.equal(rateLimitStep(undefined), '');
  assert.equal(rateLimitStep(limit(87)), rateLimitStep(limit(85)));
  assert.notEqual(rateLimitStep(limit(85)), rateLimitStep(limit(84)));
  assert.notEqual(rateLimitStep(limit(11)), rateLimitStep(limit(10)));
  assert.notEqual(rateLimitStep(limit(4)), rateLimitStep(limit(3)));
  // A huge limit: still about twenty steps above ten.
  const huge = (remaining: number): RateLimitFact => ({ limit: 1_000_000, remaining, at: 0 });
  assert.equal(rateLimitStep(huge(999_999)), rateLimitStep(huge(950_001)));
});

test('each entry carries its rate limit; a step alone waits out the interval, turning low does not', () => {
  const clock = new ManualClock();
  const status = new RegistryStatus({ minRateIntervalMs: 300, clock });
  const sent = watch(status);
  try {
    status.record('file:///a.yaml', [HOST], factsWith(87), new Date(clock.now()));
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0], [{ host: HOST, state: 'reachable', reason: null, when: new Date(clock.now()).toISOString(), rateLimit: limit(87) }]);

    // The same step: nothing to send.
    clock.advance(1000);
    status.record('file:///a.yaml', [HOST], factsWith(86), new Date(clock.now()));
    assert.equal(sent.length, 1);

    // Another step, twice within the interval: one notification once it is over, with the latest count.
    clock.advance(1000);
    status.record('file:///a.yaml', [HOST], factsWith(70), new Date(clock.now()));
    clock.advance(50);
    status.record('file:///a.yaml', [HOST], factsWith(60), new Date(clock.now()));
    assert.equal(sent.length, 2, 'the first step after a quiet interval goes at once');
    assert.equal(sent[1][0].rateLimit?.remaining, 70);
    status.record('file:///a.yaml', [HOST], factsWith(50), new Date(clock.now()));
    assert.equal(sent.length, 2, 'a second step within the interval waits');
    clock.advance(249);
    assert.equal(sent.length, 2, 'not before the interval is over');
    clock.advance(1);
    assert.equal(sent.length, 3);
    assert.equal(sent[2][0].rateLimit?.remaining, 50);

    // Turning low goes at once, however soon.
    status.record('file:///a.yaml', [HOST], factsWith(9), new Date(clock.now()));
    assert.equal(sent.length, 4);
    assert.equal(sent[3][0].rateLimit?.remaining, 9);
    // A state change goes at once too, and a registry that announces nothing has no rateLimit.
    status.record(
      'file:///a.yaml',
      [HOST],
      { ...factsWith(null), problems: new Map([[HOST, { kind: 'unreachable', reason: `${HOST} refused the connection.` }]]) },
      new Date(clock.now()),
    );
    assert.equal(sent.length, 5);
    assert.equal(sent[4][0].state, 'unreachable');
    assert.equal('rateLimit' in sent[4][0], false);
  } finally {
    status.dispose();
  }
});

test('a step left waiting is dropped with the status: nothing fires after dispose', () => {
  const clock = new ManualClock();
  const status = new RegistryStatus({ minRateIntervalMs: 100, clock });
  const sent = watch(status);
  status.record('file:///a.yaml', [HOST], factsWith(87), new Date(clock.now()));
  status.record('file:///a.yaml', [HOST], factsWith(50), new Date(clock.now()));
  assert.equal(clock.pending, 1);
  status.dispose();
  assert.equal(clock.pending, 0);
  clock.advance(1000);
  assert.equal(sent.length, 1);
});

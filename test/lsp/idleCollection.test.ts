/**
 * The server's full garbage collection once it has gone quiet after validating: it runs once, after
 * the quiet period, is pushed back by new work, and runs again only after new work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdleCollection } from '../../server/src/lsp/idleCollection';
import { ManualClock } from '../helpers/clock';

const QUIET_MS = 1000;

function idle(): { clock: ManualClock; collections: number[]; idle: IdleCollection } {
  const clock = new ManualClock();
  const collections: number[] = [];
  return { clock, collections, idle: new IdleCollection(clock, QUIET_MS, () => collections.push(clock.now())) };
}

test('one collection runs once the quiet period after the last work has passed, and not again while idle', () => {
  const { clock, collections, idle: collection } = idle();
  const end = collection.begin();
  clock.advance(5000);
  assert.deepEqual(collections, [], 'nothing is collected while work runs');
  end();
  clock.advance(QUIET_MS - 1);
  assert.deepEqual(collections, []);
  clock.advance(1);
  assert.deepEqual(collections, [6000]);
  clock.advance(60_000);
  assert.deepEqual(collections, [6000], 'an idle server does not collect again');
  assert.equal(clock.pending, 0);
});

test('new work pushes the collection back, and it waits for every piece of work to end', () => {
  const { clock, collections, idle: collection } = idle();
  const first = collection.begin();
  first();
  clock.advance(QUIET_MS - 1);
  const second = collection.begin();
  const third = collection.begin();
  clock.advance(QUIET_MS);
  second();
  clock.advance(QUIET_MS);
  assert.deepEqual(collections, [], 'the third piece of work still runs');
  third();
  third();
  clock.advance(QUIET_MS - 1);
  assert.deepEqual(collections, []);
  clock.advance(1);
  assert.deepEqual(collections, [4 * QUIET_MS - 1]);
});

test('after a collection, the next runs only after new work', () => {
  const { clock, collections, idle: collection } = idle();
  collection.begin()();
  clock.advance(QUIET_MS);
  assert.equal(collections.length, 1);
  clock.advance(10 * QUIET_MS);
  collection.begin()();
  clock.advance(QUIET_MS);
  assert.deepEqual(collections, [QUIET_MS, 12 * QUIET_MS]);
});

test('after dispose, nothing is collected, not even for work that ends later', () => {
  const { clock, collections, idle: collection } = idle();
  collection.begin()();
  const running = collection.begin();
  collection.dispose();
  running();
  clock.advance(10 * QUIET_MS);
  assert.deepEqual(collections, []);
  assert.equal(clock.pending, 0);
});

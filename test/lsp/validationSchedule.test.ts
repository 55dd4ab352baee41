/**
 * When the server validates an open document: the first validation after didOpen starts at once (no
 * debounce before the first diagnostics), later ones after the document has been quiet, newest wins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationSchedule } from '../../server/src/lsp/validationSchedule';
import { ManualClock } from '../helpers/clock';

const QUIET_MS = 150;

function schedule(): { clock: ManualClock; runs: string[]; validations: ValidationSchedule } {
  const clock = new ManualClock();
  const runs: string[] = [];
  const validations = new ValidationSchedule(clock, QUIET_MS, (uri, version, fresh) => runs.push(`${uri}@${version}${fresh ? ' fresh' : ''}`));
  return { clock, runs, validations };
}

test('the first validation of an opened document starts at once, without waiting for a quiet period', () => {
  const { clock, runs, validations } = schedule();
  validations.schedule('file:///a.yaml', 1, false);
  clock.advance(0);
  assert.deepEqual(runs, ['file:///a.yaml@1']);
});

test('after the first validation, edits wait until the document has been quiet, and the newest version wins', () => {
  const { clock, runs, validations } = schedule();
  validations.schedule('file:///a.yaml', 1, false);
  clock.advance(0);
  validations.schedule('file:///a.yaml', 2, false);
  clock.advance(QUIET_MS - 1);
  validations.schedule('file:///a.yaml', 3, true);
  clock.advance(QUIET_MS - 1);
  assert.deepEqual(runs, ['file:///a.yaml@1'], 'nothing runs while typing goes on');
  clock.advance(1);
  assert.deepEqual(runs, ['file:///a.yaml@1', 'file:///a.yaml@3 fresh']);
  assert.equal(clock.pending, 0);
});

test("an edit's quiet period counts from when the change arrived, not from when it was scheduled", () => {
  const { clock, runs, validations } = schedule();
  validations.schedule('file:///a.yaml', 1, false);
  clock.advance(0);
  const arrived = clock.now();
  clock.advance(6); // applying the change to the document
  validations.schedule('file:///a.yaml', 2, false, arrived);
  clock.advance(QUIET_MS - 7);
  assert.deepEqual(runs, ['file:///a.yaml@1']);
  clock.advance(1);
  assert.deepEqual(runs, ['file:///a.yaml@1', 'file:///a.yaml@2']);
  validations.schedule('file:///a.yaml', 3, false, clock.now() - 2 * QUIET_MS);
  clock.advance(0);
  assert.deepEqual(runs, ['file:///a.yaml@1', 'file:///a.yaml@2', 'file:///a.yaml@3'], 'a change that arrived longer ago than the quiet period runs at once');
});

test('a refresh replaced by a later request before it ran still asks afresh, once', () => {
  const { clock, runs, validations } = schedule();
  validations.schedule('file:///a.yaml', 1, false);
  clock.advance(0);
  validations.schedule('file:///a.yaml', 1, true);
  validations.schedule('file:///a.yaml', 1, false);
  clock.advance(QUIET_MS);
  validations.schedule('file:///a.yaml', 2, false);
  clock.advance(QUIET_MS);
  assert.deepEqual(runs, ['file:///a.yaml@1', 'file:///a.yaml@1 fresh', 'file:///a.yaml@2']);
});

test('an edit that arrives before the first validation ran replaces it and still starts at once', () => {
  const { clock, runs, validations } = schedule();
  validations.schedule('file:///a.yaml', 1, false);
  validations.schedule('file:///a.yaml', 2, false);
  clock.advance(0);
  assert.deepEqual(runs, ['file:///a.yaml@2']);
});

test('each document has its own schedule, and a document opened again is validated at once again', () => {
  const { clock, runs, validations } = schedule();
  validations.schedule('file:///a.yaml', 1, false);
  clock.advance(0);
  validations.schedule('file:///a.yaml', 2, false);
  validations.schedule('file:///b.yaml', 1, false);
  clock.advance(0);
  assert.deepEqual(runs, ['file:///a.yaml@1', 'file:///b.yaml@1']);
  validations.forget('file:///a.yaml');
  clock.advance(QUIET_MS);
  assert.deepEqual(runs, ['file:///a.yaml@1', 'file:///b.yaml@1'], 'a closed document is not validated');
  validations.schedule('file:///a.yaml', 1, false);
  clock.advance(0);
  assert.deepEqual(runs, ['file:///a.yaml@1', 'file:///b.yaml@1', 'file:///a.yaml@1']);
});

test('dispose cancels every waiting validation', () => {
  const { clock, runs, validations } = schedule();
  validations.schedule('file:///a.yaml', 1, false);
  validations.dispose();
  clock.advance(QUIET_MS);
  assert.deepEqual(runs, []);
});

/**
 * The registry status bar item's words (client/src/registries/statusText.ts): one line counting the
 * registries with a problem, hidden when every registry answered; a tooltip naming each registry with
 * its reason and time, problems first; the Retry choices are exactly the registries with a problem.
 * A registry that announced a rate limit has its pulls left in its line; one low on pulls (the core's
 * rule: a tenth of the limit, or two) shows the item even when every registry answered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registryStatusText } from '../../client/src/registries/statusText';
import type { RegistryStatusEntry } from '../../server/src/lsp';

const WHEN = '2026-12-07T06:18:12.000Z';
const time = new Date(WHEN).toLocaleTimeString();
const answered = (host: string): RegistryStatusEntry => ({ host, state: 'reachable', reason: null, when: WHEN });
const refusedConnection: RegistryStatusEntry = { host: '127.0.0.1:5000', state: 'unreachable', reason: '127.0.0.1:5000 refused the connection.', when: WHEN };
const refusedAccess: RegistryStatusEntry = { host: 'ghcr.io', state: 'refused', reason: 'ghcr.io refused access (tried anonymous).', when: WHEN };

test('every registry answered, or none is asked: nothing to show', () => {
  assert.deepEqual(registryStatusText([]), { text: '', tooltip: '', problems: [] });
  assert.deepEqual(registryStatusText([answered('docker.io'), answered('ghcr.io')]), { text: '', tooltip: '', problems: [] });
});

test('one registry unreachable: one entry, the reason in words and when, the registries that answered after it', () => {
  const shown = registryStatusText([answered('docker.io'), refusedConnection]);
  assert.equal(shown.text, '$(warning) 1 registry unreachable');
  assert.equal(shown.tooltip, `127.0.0.1:5000 refused the connection. (${time})\ndocker.io: answered (${time}).\nClick to retry a registry.`);
  assert.deepEqual(shown.problems, [refusedConnection]);
});

test('registries with different problems are counted together; with one kind, the kind is named', () => {
  assert.equal(registryStatusText([refusedAccess]).text, '$(warning) 1 registry refusing access');
  assert.equal(registryStatusText([refusedConnection, { ...refusedConnection, host: 'Envoyproxy' }]).text, '$(warning) 2 registries unreachable');
  const mixed = registryStatusText([refusedConnection, refusedAccess]);
  assert.equal(mixed.text, '$(warning) 2 registries with problems');
  assert.deepEqual(
    mixed.problems.map((entry) => entry.host),
    ['127.0.0.1:5000', 'ghcr.io'],
  );
});

const withLimit = (entry: RegistryStatusEntry, remaining: number, limit = 100, windowSeconds: number | null = 21600): RegistryStatusEntry => ({
  ...entry,
  rateLimit: { limit, remaining, ...(windowSeconds === null ? {} : { windowSeconds }), at: Date.parse(WHEN) },
});

test('a rate limit with plenty left: its line says how many pulls are left, and the item stays hidden', () => {
  assert.deepEqual(registryStatusText([withLimit(answered('registry-1.docker.io'), 87)]), { text: '', tooltip: '', problems: [] });
  // Beside a problem, the tooltip shows it.
  const shown = registryStatusText([withLimit(answered('registry-1.docker.io'), 87), refusedConnection]);
  assert.equal(
    shown.tooltip,
    `127.0.0.1:5000 refused the connection. (${time})\nregistry-1.docker.io: answered (${time}); 87 of 100 pulls left per 6 h.\nClick to retry a registry.`,
  );
  assert.equal(
    registryStatusText([withLimit(refusedConnection, 50, 200, 90 * 60)]).tooltip.split('\n')[0],
    `127.0.0.1:5000 refused the connection. (${time}); 50 of 200 pulls left per 90 min`,
  );
  assert.equal(
    registryStatusText([withLimit(refusedConnection, 1, 1, null)]).tooltip.split('\n')[0],
    `127.0.0.1:5000 refused the connection. (${time}); 1 of 1 pull left`,
  );
});

test('a registry low on pulls shows the item though every registry answered; nothing to retry; what can wait is held back', () => {
  const shown = registryStatusText([withLimit(answered('docker.io'), 3), answered('ghcr.io')]);
  assert.equal(shown.text, '$(warning) docker.io: 3 pulls left');
  assert.deepEqual(shown.problems, []);
  assert.equal(
    shown.tooltip,
    `docker.io: answered (${time}); 3 of 100 pulls left per 6 h.\nghcr.io: answered (${time}).\n` +
      'Few pulls left at docker.io: requests that can wait (tag lists, anonymous-pull checks, referrers) are held back until more are left.',
  );
  assert.equal(registryStatusText([withLimit(answered('docker.io'), 1)]).text, '$(warning) docker.io: 1 pull left');
  // The rule's edge: a tenth of the limit is low, one more is not; with a small limit, two is low.
  assert.equal(registryStatusText([withLimit(answered('docker.io'), 10)]).text, '$(warning) docker.io: 10 pulls left');
  assert.equal(registryStatusText([withLimit(answered('docker.io'), 11)]).text, '');
  assert.equal(registryStatusText([withLimit(answered('docker.io'), 2, 5)]).text, '$(warning) docker.io: 2 pulls left');
  assert.equal(registryStatusText([withLimit(answered('docker.io'), 3, 5)]).text, '');
  assert.equal(registryStatusText([withLimit(answered('docker.io'), 0), withLimit(answered('ghcr.io'), 1)]).text, '$(warning) 2 registries low on pulls');
});

test('a problem outranks low pulls in the item; the tooltip has both, and a 429 line is not told its limit twice', () => {
  const tooMuch: RegistryStatusEntry = {
    host: 'docker.io',
    state: 'too-much',
    reason: 'docker.io has reached its pull rate limit (100 pulls per 6 hours, 0 left), so pulls come back within 6 hours.',
    when: WHEN,
  };
  const shown = registryStatusText([withLimit(tooMuch, 0)]);
  assert.equal(shown.text, '$(warning) 1 registry asking to slow down');
  assert.deepEqual(shown.tooltip.split('\n'), [
    `${tooMuch.reason} (${time})`,
    'Few pulls left at docker.io: requests that can wait (tag lists, anonymous-pull checks, referrers) are held back until more are left.',
    'Click to retry a registry.',
  ]);
  assert.equal(registryStatusText([refusedAccess, withLimit(answered('docker.io'), 3)]).text, '$(warning) 1 registry refusing access');
});

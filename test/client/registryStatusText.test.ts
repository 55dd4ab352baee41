/**
 * The registry status bar item's words (client/src/registries/statusText.ts): one line counting the
 * registries with a problem, hidden when every registry answered; a tooltip naming each registry with
 * its reason and time, problems first; the Retry choices are exactly the registries with a problem.
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

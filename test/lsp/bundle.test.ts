/**
 * The bundled server as V8 loads it: V8 keeps a script's source for the life of the process, one byte
 * per character only when every character is Latin-1, so a single "→" left in a comment or a regular
 * expression would double the 1.3 MB the server's source takes in its heap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SERVER_PATH } from '../helpers/lspClient';

test('dist/server.js is ASCII, so its source takes one byte per character in the heap', () => {
  const source = readFileSync(SERVER_PATH, 'utf8');
  const line = source.split('\n').findIndex((text) => /[^\x00-\x7f]/.test(text));
  assert.equal(line, -1, `line ${line + 1} of ${SERVER_PATH} has a character beyond ASCII`);
});

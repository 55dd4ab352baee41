/**
 * writePins, shared by `pin` and `push`: the files were read before the registry (and, for push, the
 * build tool) was asked, which can take minutes; a file changed on disk in the meantime is not
 * overwritten with the pinned old text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../server/src/cli/args';
import { readPinTargets, writePins } from '../../server/src/cli/pinFiles';
import type { PinnedImage } from '../../server/src/core/edits/pinEdits';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const PIN = { keepTag: true, platform: null };
const quiet = { stdout: () => undefined, stderr: () => undefined };

function pinOf(text: string, image: string): PinnedImage {
  const start = text.indexOf(image);
  return { edit: { start, end: start + image.length, newText: `${image}@${DIGEST}` }, site: { ref: { digest: null } }, choice: { platformMissing: false } } as unknown as PinnedImage;
}

test('a file changed on disk after it was read is not overwritten; files that did not change are written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-pinfiles-'));
  const text = 'spec:\r\n  containers:\r\n    - name: web\r\n      image: reg.example/web:1.0\r\n';
  writeFileSync(join(dir, 'a.yaml'), text);
  writeFileSync(join(dir, 'b.yaml'), `\ufeff${text}`);
  const targets = await readPinTargets('push', ['a.yaml', 'b.yaml'], dir);
  const edited = text.replace('name: web', 'name: web-2');
  writeFileSync(join(dir, 'a.yaml'), edited);

  const files = targets.map((t) => ({ id: t.id, pins: [pinOf(t.id.text, 'reg.example/web:1.0')] }));
  assert.throws(() => writePins(files, PIN, false, quiet), (error: unknown) => error instanceof CliError && /a\.yaml changed since it was read/.test(error.message));
  assert.equal(readFileSync(join(dir, 'a.yaml'), 'utf8'), edited, 'the edit made meanwhile is kept');
  assert.equal(readFileSync(join(dir, 'b.yaml'), 'utf8'), `\ufeff${text}`, 'nothing is written when a file changed');

  writeFileSync(join(dir, 'a.yaml'), text);
  const result = writePins(files, PIN, false, quiet);
  assert.deepEqual(result.changed, ['a.yaml', 'b.yaml']);
  assert.equal(readFileSync(join(dir, 'b.yaml'), 'utf8'), `\ufeff${text.replace('web:1.0', `web:1.0@${DIGEST}`)}`);
});

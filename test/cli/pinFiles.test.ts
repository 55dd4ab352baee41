/**
 * readPinTargets and writePins, shared by `pin` and `push`, on real files. The files were read before
 * the registry (and, for push, the build tool) was asked, which can take minutes; a file changed on
 * disk in the meantime is not overwritten with the pinned old text. A full disk (a real 64 KiB tmpfs)
 * or a file that cannot be written (the immutable attribute, a read-only bind mount: root ignores
 * modes) leaves every file as it was; mode, owner and symbolic links are kept; a link out of a folder
 * searched is not read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from '../../server/src/cli/args';
import { readPinTargets, writePins } from '../../server/src/cli/pinFiles';
import { BUILT_IN_LOCATIONS } from '../../server/src/core/manifest/builtInLocations';
import type { PinnedImage } from '../../server/src/core/edits/pinEdits';
import { fillDisk, immutableFile, readOnlyFolder, smallTmpfs } from '../helpers/fileSystems';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const PIN = { keepTag: true, platform: null };
const quiet = { stdout: () => undefined, stderr: () => undefined };
const WHOLE = { maxFileSize: Number.POSITIVE_INFINITY, notice: () => undefined, locations: BUILT_IN_LOCATIONS };

function pinOf(text: string, image: string): PinnedImage {
  const start = text.indexOf(image);
  return {
    edit: { start, end: start + image.length, newText: `${image}@${DIGEST}` },
    site: { ref: { digest: null } },
    choice: { platformMissing: false },
  } as unknown as PinnedImage;
}

test('a file changed on disk after it was read is not overwritten; files that did not change are written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-pinfiles-'));
  const text = 'spec:\r\n  containers:\r\n    - name: web\r\n      image: reg.example/web:1.0\r\n';
  writeFileSync(join(dir, 'a.yaml'), text);
  writeFileSync(join(dir, 'b.yaml'), `\ufeff${text}`);
  const targets = await readPinTargets('push', ['a.yaml', 'b.yaml'], dir, WHOLE);
  const edited = text.replace('name: web', 'name: web-2');
  writeFileSync(join(dir, 'a.yaml'), edited);

  const files = targets.map((t) => ({ id: t.id, pins: [pinOf(t.id.text, 'reg.example/web:1.0')] }));
  await assert.rejects(
    writePins(files, PIN, false, quiet),
    (error: unknown) => error instanceof CliError && /a\.yaml changed since it was read/.test(error.message),
  );
  assert.equal(readFileSync(join(dir, 'a.yaml'), 'utf8'), edited, 'the edit made meanwhile is kept');
  assert.equal(readFileSync(join(dir, 'b.yaml'), 'utf8'), `\ufeff${text}`, 'nothing is written when a file changed');

  writeFileSync(join(dir, 'a.yaml'), text);
  const result = await writePins(files, PIN, false, quiet);
  assert.deepEqual(result.changed, ['a.yaml', 'b.yaml']);
  assert.equal(readFileSync(join(dir, 'b.yaml'), 'utf8'), `\ufeff${text.replace('web:1.0', `web:1.0@${DIGEST}`)}`);
});

const IMAGE = 'reg.example/web:1.0';
const POD = `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: web\n      image: ${IMAGE}\n`;
const PINNED = POD.replace(IMAGE, `${IMAGE}@${DIGEST}`);

/** Reads `paths` below `dir` and pins IMAGE in each, as `pin` does once the registry answered. */
async function pinAll(dir: string, paths: readonly string[]): Promise<unknown> {
  const targets = await readPinTargets('pin', paths, dir, WHOLE);
  return writePins(
    targets.map((t) => ({ id: t.id, pins: [pinOf(t.id.text, IMAGE)] })),
    PIN,
    false,
    quiet,
  );
}

test('a full disk leaves every byte of the file as it was and no temporary file', async (t) => {
  const dir = smallTmpfs(t, 64);
  // One page exactly, so the pinned text needs a second one: rewritten in place it cannot fit either.
  const text = `${POD}#${'x'.repeat(4096 - POD.length - 2)}\n`;
  assert.equal(Buffer.byteLength(text), 4096);
  writeFileSync(join(dir, 'pod.yaml'), text);
  const filler = fillDisk(dir);

  await assert.rejects(pinAll(dir, ['pod.yaml']), (error: unknown) => error instanceof CliError && /^cannot write pod\.yaml: ENOSPC/.test(error.message));
  const after = readFileSync(join(dir, 'pod.yaml'));
  assert.ok(after.equals(Buffer.from(text)), `pod.yaml holds ${after.length} bytes that are not its 4096 original ones`);
  assert.deepEqual(readdirSync(dir).sort(), ['filler', 'pod.yaml']);

  rmSync(filler);
  await pinAll(dir, ['pod.yaml']);
  assert.equal(readFileSync(join(dir, 'pod.yaml'), 'utf8'), text.replace(IMAGE, `${IMAGE}@${DIGEST}`));
  assert.deepEqual(readdirSync(dir), ['pod.yaml']);
});

test('the second of three files cannot be written: none is written, and the message names it', async (t) => {
  for (const [name, deny, reason] of [
    ['b.yaml', (path: string) => immutableFile(t, path), /^cannot write b\.yaml: EPERM/],
    [join('ro', 'b.yaml'), (path: string) => readOnlyFolder(t, dirname(path)), /^cannot write ro\/b\.yaml: EROFS/],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'image-aware-pinfiles-'));
    mkdirSync(join(dir, 'ro'));
    const paths = ['a.yaml', name, 'c.yaml'];
    for (const path of paths) writeFileSync(join(dir, path), POD);
    deny(join(dir, name));
    // After hooks run in the order they were added: this one after the permission is given back.
    t.after(() => rmSync(dir, { recursive: true, force: true }));

    await assert.rejects(pinAll(dir, paths), (error: unknown) => error instanceof CliError && reason.test(error.message));
    for (const path of paths) assert.equal(readFileSync(join(dir, path), 'utf8'), POD, `${path} is unchanged`);
    assert.deepEqual(
      readdirSync(dir).sort(),
      ['a.yaml', 'b.yaml', 'c.yaml', 'ro'].filter((n) => n !== 'b.yaml' || name === 'b.yaml'),
    );
  }
});

test('a rewritten file keeps its mode and owner; a symbolic link is kept and its target rewritten', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-pinfiles-'));
  try {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'owned.yaml'), POD, { mode: 0o640 });
    chmodSync(join(dir, 'owned.yaml'), 0o640);
    // Needs root, like keeping the owner does.
    chownSync(join(dir, 'owned.yaml'), 1234, 2345);
    writeFileSync(join(dir, 'real', 'target.yaml'), POD);
    chmodSync(join(dir, 'real', 'target.yaml'), 0o604);
    symlinkSync(join('real', 'target.yaml'), join(dir, 'link.yaml'));

    await pinAll(dir, ['owned.yaml', 'link.yaml']);
    const owned = statSync(join(dir, 'owned.yaml'));
    assert.equal(owned.mode & 0o7777, 0o640);
    assert.deepEqual([owned.uid, owned.gid], [1234, 2345]);
    assert.equal(readFileSync(join(dir, 'owned.yaml'), 'utf8'), PINNED);
    assert.ok(lstatSync(join(dir, 'link.yaml')).isSymbolicLink(), 'the link is still a link');
    assert.equal(readlinkSync(join(dir, 'link.yaml')), join('real', 'target.yaml'));
    assert.equal(readFileSync(join(dir, 'real', 'target.yaml'), 'utf8'), PINNED);
    assert.equal(statSync(join(dir, 'real', 'target.yaml')).mode & 0o7777, 0o604);
    assert.deepEqual([readdirSync(dir).sort(), readdirSync(join(dir, 'real'))], [['link.yaml', 'owned.yaml', 'real'], ['target.yaml']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a symbolic link below a folder that points out of it is not read; named, it is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-pinfiles-'));
  try {
    for (const folder of ['walked', 'outside']) mkdirSync(join(dir, folder));
    writeFileSync(join(dir, 'walked', 'a.yaml'), POD);
    writeFileSync(join(dir, 'outside', 'b.yaml'), POD);
    symlinkSync(join('..', 'outside', 'b.yaml'), join(dir, 'walked', 'out.yaml'));
    symlinkSync(join('..', 'outside'), join(dir, 'walked', 'outdir'));
    symlinkSync('a.yaml', join(dir, 'walked', 'same.yaml'));
    const read = async (named: string[]): Promise<{ paths: string[]; notices: string }> => {
      let notices = '';
      const targets = await readPinTargets('pin', named, dir, { ...WHOLE, notice: (text) => (notices += text) });
      return { paths: targets.map((t) => t.id.path), notices };
    };
    const outside = (name: string, target: string): string =>
      `${join('walked', name)}: not followed, a symbolic link out of walked (to ${join(dir, 'outside', target)}); name it to include it.\n`;
    assert.deepEqual(await read(['walked']), { paths: [join('walked', 'a.yaml')], notices: outside('out.yaml', 'b.yaml') + outside('outdir', '') });
    assert.deepEqual((await read([join('walked', 'out.yaml'), 'walked'])).paths, [join('walked', 'out.yaml'), join('walked', 'a.yaml')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Reads a file the user names to say what to trust (a public key, a Sigstore trusted root): relative to `baseDir`,
 * a regular file, at most `maxBytes` read however large it has grown since it was looked at.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** The file's text; throws one sentence naming it when it is no file or is larger than `maxBytes`. */
export function readTrustFile(name: string, baseDir: string, maxBytes: number, what: string): string {
  // Non-blocking, so that a FIFO in its place does not hang the opening.
  const fd = openSync(isAbsolute(name) ? name : resolve(baseDir, name), constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${name} is not a file`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length <= maxBytes; length += read) read = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) throw new Error(`${name} is larger than ${Math.round(maxBytes / 1024)} KiB, too large for ${what}`);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

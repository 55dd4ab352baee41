/**
 * Replaces files so that a full disk, a crash or a kill leaves each one with its old bytes or its new
 * ones, never a mix. The new bytes go to a temporary file in the folder of the file (a rename is atomic
 * only within one file system), with the old file's mode, and its owner when running as root; the
 * temporary file is flushed, renamed over the file, and the folder is flushed so that the rename lasts.
 * A symbolic link is kept and the file it points to is replaced, as editors do.
 * Several files are first all checked (the file and its folder writable), then all staged, and only
 * then renamed, so a failure on any one of them leaves every one as it was. A temporary file is removed
 * when anything fails; one that a kill leaves behind starts with a dot and ends in .tmp, so no search for
 * manifests (*.yaml, *.yml, *.json) takes it for one.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { access, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface FileContent {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface WriteOptions {
  /** The mode of a file that does not exist yet, less the umask (default 0o666). */
  readonly newFileMode?: number;
  /** Runs once every file is staged, before the first rename. */
  readonly beforeRename?: () => Promise<void>;
}

/** A write that failed: the path as it was given, why, and the paths already replaced before it failed. */
export class FileWriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly written: readonly string[],
  ) {
    super(`cannot write ${path}: ${reason}`);
  }
}

interface Plan {
  readonly file: FileContent;
  /** The file the path names, through any symbolic links. */
  readonly target: string;
  /** Null when there is no file yet. */
  readonly stats: Stats | null;
}

interface Staged extends Plan {
  readonly temporary: string;
}

/** Runs a file-system step for `path`, turning a system error into a FileWriteError; anything else (one already, or a bug) passes. */
async function step<T>(path: string, written: readonly string[], action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
    throw new FileWriteError(path, (error as Error).message, written);
  }
}

async function plan(file: FileContent): Promise<Plan> {
  let target = file.path;
  let stats: Stats | null = null;
  try {
    target = await realpath(file.path);
    stats = await stat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (stats !== null && !stats.isFile()) throw new FileWriteError(file.path, `${target} is not a regular file`, []);
  if (stats !== null) await access(target, constants.W_OK);
  await access(dirname(target), constants.W_OK | constants.X_OK);
  return { file, target, stats };
}

async function stage(plan: Plan, options: WriteOptions): Promise<Staged> {
  const { target, stats } = plan;
  // The name is cut so that prefix and suffix never push it past the 255 bytes a name may have.
  const temporary = join(dirname(target), `.${basename(target).slice(0, 64)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', stats === null ? (options.newFileMode ?? 0o666) : 0o600);
  try {
    if (stats !== null) {
      const own = await handle.stat();
      if (process.getuid?.() === 0 && (own.uid !== stats.uid || own.gid !== stats.gid)) await handle.chown(stats.uid, stats.gid);
      // After chown, which clears the set-user-ID and set-group-ID bits.
      await handle.chmod(stats.mode & 0o7777);
    }
    await handle.writeFile(plan.file.bytes);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await discard(temporary);
    throw error;
  }
  return { ...plan, temporary };
}

/** Removes a temporary file; a failure here must not hide the one that made it necessary. */
function discard(temporary: string): Promise<void> {
  return rm(temporary, { force: true }).catch(() => undefined);
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces every file with its bytes, or, when one cannot be written, none (see the module comment); throws a FileWriteError. */
export async function writeFiles(files: readonly FileContent[], options: WriteOptions = {}): Promise<void> {
  const plans: Plan[] = [];
  for (const file of files) plans.push(await step(file.path, [], () => plan(file)));
  const staged: Staged[] = [];
  try {
    for (const planned of plans) staged.push(await step(planned.file.path, [], () => stage(planned, options)));
    await options.beforeRename?.();
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => discard(temporary)));
    throw error;
  }
  const written: string[] = [];
  for (const [index, { file, target, temporary }] of staged.entries()) {
    try {
      await step(file.path, written, () => rename(temporary, target));
    } catch (error) {
      await Promise.all(staged.slice(index).map((left) => discard(left.temporary)));
      throw error;
    }
    written.push(file.path);
  }
  // Windows cannot open a folder to flush it; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const folders = new Map(staged.map(({ file, target }) => [dirname(target), file.path]));
  for (const [dir, path] of folders) await step(path, written, () => syncFolder(dir));
}

/** Replaces one file with `bytes` (see the module comment); throws a FileWriteError. */
export function writeFileAtomic(path: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<void> {
  return writeFiles([{ path, bytes }], options);
}

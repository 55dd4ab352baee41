/**
 * A folder of cache entries on disk, one JSON file per key (`{ key, storedAt, value }`), named by the
 * sha256 of the key and replaced atomically (atomicWrite.ts), readable by the user alone. A file is
 * as hostile as a network answer: one that cannot be read, names another key, or whose value the
 * caller's guard refuses is ignored, and so is one larger than `maxBytes`, unread. Disk errors are
 * never thrown: a cache that cannot be written is a cache that misses.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomicWrite';

export interface StoredEntry<T> {
  readonly value: T;
  /** Milliseconds since the epoch. */
  readonly storedAt: number;
}

/** The default bound of one entry file: a tag list of 16 MiB (registry/tags.ts) with its JSON around it. */
export const MAX_ENTRY_BYTES = 20 * 1024 * 1024;

export class EntryFiles {
  private directoryReady?: Promise<boolean>;

  constructor(
    readonly dir: string,
    readonly maxBytes = MAX_ENTRY_BYTES,
  ) {}

  /** The entry for `key`, when its file exists, names `key`, and `valid` accepts its value. */
  async read<T>(key: string, valid: (value: unknown) => value is T): Promise<StoredEntry<T> | undefined> {
    try {
      const text = await this.readBounded(this.fileFor(key));
      if (text === undefined) return undefined;
      const parsed = JSON.parse(text) as { key?: unknown; storedAt?: unknown; value?: unknown };
      if (parsed.key !== key || typeof parsed.storedAt !== 'number' || !Number.isFinite(parsed.storedAt) || !valid(parsed.value)) return undefined;
      return { value: parsed.value, storedAt: parsed.storedAt };
    } catch {
      return undefined;
    }
  }

  /** Replaces the entry for `key`; resolves with whether it was written. */
  async write(key: string, entry: StoredEntry<unknown>): Promise<boolean> {
    this.directoryReady ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(
      () => true,
      () => false,
    );
    if (!(await this.directoryReady)) return false;
    const bytes = Buffer.from(JSON.stringify({ key, storedAt: entry.storedAt, value: entry.value }));
    return writeFileAtomic(this.fileFor(key), bytes, { newFileMode: 0o600 }).then(
      () => true,
      () => false,
    );
  }

  /** Removes the least recently written entries past the newest `max`. */
  async prune(max: number): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const entries = names.filter((name) => /^[0-9a-f]{64}\.json$/.test(name));
    if (entries.length <= max) return;
    const dated = await Promise.all(
      entries.map(async (name) => ({
        name,
        mtimeMs: await stat(join(this.dir, name)).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
      })),
    );
    dated.sort((a, b) => b.mtimeMs - a.mtimeMs || a.name.localeCompare(b.name));
    await Promise.all(dated.slice(max).map(({ name }) => rm(join(this.dir, name), { force: true }).catch(() => undefined)));
  }

  /** Removes every entry and the folder. */
  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    this.directoryReady = undefined;
  }

  /** The file's text, or undefined when it holds more than maxBytes; its size is read from the open file. */
  private async readBounded(file: string): Promise<string | undefined> {
    const handle = await open(file, 'r');
    try {
      if ((await handle.stat()).size > this.maxBytes) return undefined;
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  }

  private fileFor(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  }
}

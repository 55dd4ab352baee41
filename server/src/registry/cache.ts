/**
 * The registry cache: memory in front of an optional directory (the extension's storage, or
 * $XDG_CACHE_HOME/image-aware for the CLI). Entries remember when they were stored; the client decides freshness:
 * tag lists and tag → digest answers live `tagTtlMs` (5 minutes by default), manifests by digest forever, since their
 * content cannot change. Expired entries are kept so that an unreachable registry can be answered from them (stale).
 * On disk, one JSON file per entry (fs/entryFiles.ts); a file whose value fails the reader's guard (cacheValues.ts)
 * is ignored: a file on disk is as hostile as a registry answer. Memory holds only values this process checked.
 * Disk errors never fail a request.
 */
import { join } from 'node:path';
import { EntryFiles } from '../fs';
import type { StoredEntry } from '../fs';

export type CacheEntry<T> = StoredEntry<T>;

export interface CacheOptions {
  /** Where to keep entries across processes; memory only when absent. */
  readonly dir?: string;
  readonly maxMemoryEntries?: number;
  readonly now?: () => number;
}

const FORMAT = 'v1';

export class RegistryCache {
  private readonly memory = new Map<string, CacheEntry<unknown>>();
  private readonly maxMemoryEntries: number;
  private readonly files?: EntryFiles;
  readonly now: () => number;

  constructor(options: CacheOptions = {}) {
    this.files = options.dir === undefined ? undefined : new EntryFiles(join(options.dir, FORMAT));
    this.maxMemoryEntries = options.maxMemoryEntries ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** The entry for `key`; one read from disk is used only when `valid` accepts its value. */
  async get<T>(key: string, valid: (value: unknown) => value is T): Promise<CacheEntry<T> | undefined> {
    const held = this.memory.get(key);
    if (held !== undefined) {
      // Refresh the position for least-recently-used eviction.
      this.memory.delete(key);
      this.memory.set(key, held);
      return held as CacheEntry<T>;
    }
    const fromDisk = await this.files?.read(key, valid);
    if (fromDisk !== undefined) this.remember(key, fromDisk);
    return fromDisk;
  }

  async set<T>(key: string, value: T): Promise<CacheEntry<T>> {
    const entry: CacheEntry<T> = { value, storedAt: this.now() };
    this.remember(key, entry);
    await this.files?.write(key, entry);
    return entry;
  }

  isFresh(entry: CacheEntry<unknown>, ttlMs: number): boolean {
    const age = this.now() - entry.storedAt;
    return age >= 0 && age < ttlMs;
  }

  /** Forgets everything in memory and, when `disk` is true, on disk too. */
  async clear(disk = false): Promise<void> {
    this.memory.clear();
    if (disk) await this.files?.clear();
  }

  private remember(key: string, entry: CacheEntry<unknown>): void {
    this.memory.delete(key);
    this.memory.set(key, entry);
    while (this.memory.size > this.maxMemoryEntries) {
      const oldest = this.memory.keys().next().value as string;
      this.memory.delete(oldest);
    }
  }
}

/** The default cache directory for the CLI: $XDG_CACHE_HOME/image-aware, else ~/.cache/image-aware. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'image-aware');
}

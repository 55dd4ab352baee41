/**
 * The registry cache: memory in front of an optional directory (the extension's storage, or
 * $XDG_CACHE_HOME/image-aware for the CLI). Entries remember when they were stored; the client decides freshness:
 * tag lists and tag → digest answers live `tagTtlMs` (5 minutes by default), manifests by digest forever, since their
 * content cannot change. Expired entries are kept so that an unreachable registry can be answered from them (stale).
 * One JSON file per entry, named by the sha256 of its key and replaced atomically (fs/atomicWrite.ts); a file that
 * cannot be read, does not match its key, or whose value fails the reader's guard (cacheValues.ts) is ignored: a
 * file on disk is as hostile as a registry answer. Memory holds only values this process checked. Disk errors never
 * fail a request.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs';

export interface CacheEntry<T> {
  readonly value: T;
  /** Milliseconds since the epoch. */
  readonly storedAt: number;
}

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
  private readonly dir?: string;
  readonly now: () => number;
  private directoryReady?: Promise<boolean>;

  constructor(options: CacheOptions = {}) {
    this.dir = options.dir === undefined ? undefined : join(options.dir, FORMAT);
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
    const fromDisk = await this.readDisk(key, valid);
    if (fromDisk !== undefined) this.remember(key, fromDisk);
    return fromDisk;
  }

  async set<T>(key: string, value: T): Promise<CacheEntry<T>> {
    const entry: CacheEntry<T> = { value, storedAt: this.now() };
    this.remember(key, entry);
    await this.writeDisk(key, entry);
    return entry;
  }

  isFresh(entry: CacheEntry<unknown>, ttlMs: number): boolean {
    const age = this.now() - entry.storedAt;
    return age >= 0 && age < ttlMs;
  }

  /** Forgets everything in memory and, when `disk` is true, on disk too. */
  async clear(disk = false): Promise<void> {
    this.memory.clear();
    if (disk && this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.directoryReady = undefined;
  }

  private remember(key: string, entry: CacheEntry<unknown>): void {
    this.memory.delete(key);
    this.memory.set(key, entry);
    while (this.memory.size > this.maxMemoryEntries) {
      const oldest = this.memory.keys().next().value as string;
      this.memory.delete(oldest);
    }
  }

  private fileFor(key: string): string | undefined {
    if (this.dir === undefined) return undefined;
    return join(this.dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  private async readDisk<T>(key: string, valid: (value: unknown) => value is T): Promise<CacheEntry<T> | undefined> {
    const file = this.fileFor(key);
    if (file === undefined) return undefined;
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { key?: unknown; storedAt?: unknown; value?: unknown };
      if (parsed.key !== key || typeof parsed.storedAt !== 'number' || !Number.isFinite(parsed.storedAt) || !valid(parsed.value)) return undefined;
      return { value: parsed.value, storedAt: parsed.storedAt };
    } catch {
      return undefined;
    }
  }

  private async writeDisk(key: string, entry: CacheEntry<unknown>): Promise<void> {
    const file = this.fileFor(key);
    if (file === undefined || this.dir === undefined) return;
    const dir = this.dir;
    this.directoryReady ??= mkdir(dir, { recursive: true, mode: 0o700 }).then(
      () => true,
      () => false,
    );
    if (!(await this.directoryReady)) return;
    const bytes = Buffer.from(JSON.stringify({ key, storedAt: entry.storedAt, value: entry.value }));
    await writeFileAtomic(file, bytes, { newFileMode: 0o600 }).catch(() => undefined);
  }
}

/** The default cache directory for the CLI: $XDG_CACHE_HOME/image-aware, else ~/.cache/image-aware. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'image-aware');
}

/**
 * Scan results on disk, one entry per scanner and digest (fs/entryFiles.ts), in `scans/v1` of the
 * cache folder the registry cache uses, at most MAX_SCAN_ENTRIES of them: the least recently written
 * go first. The reader's guard decides what a file may hold; the engine decides how old a result may be.
 */
import { join } from 'node:path';
import { EntryFiles } from '../fs';

export const MAX_SCAN_ENTRIES = 500;
/** A result holds counts and the ten most severe findings with texts of 200 characters: a few kB. */
const MAX_SCAN_ENTRY_BYTES = 256 * 1024;

/** The store engine/scanImage reads and writes. */
export interface ScanCache {
  read<T>(key: string, valid: (value: unknown) => value is T): Promise<T | undefined>;
  write(key: string, value: unknown): Promise<void>;
}

/** Nothing kept: for `--no-cache`. */
export const NO_SCAN_CACHE: ScanCache = {
  read: () => Promise.resolve(undefined),
  write: () => Promise.resolve(),
};

/** The scan cache under `cacheDir` (the registry cache's folder), of at most `maxEntries` results. */
export function scanCache(cacheDir: string, now: () => number = Date.now, maxEntries = MAX_SCAN_ENTRIES): ScanCache {
  const files = new EntryFiles(join(cacheDir, 'scans', 'v1'), MAX_SCAN_ENTRY_BYTES);
  return {
    async read(key, valid) {
      return (await files.read(key, valid))?.value;
    },
    async write(key, value) {
      if (await files.write(key, { value, storedAt: now() })) await files.prune(maxEntries);
    },
  };
}

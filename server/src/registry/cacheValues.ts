/**
 * What each kind of cache entry holds, and the guards that check a value read back from disk before the client
 * uses it: the same rules as a registry answer (digests are digests, tags are tags, bounded like tags.ts and
 * manifest.ts bound them) plus the shape the client wrote. A value that fails is treated as no entry.
 */
import { MAX_INDEX_ENTRIES } from './manifest';
import { TAG_LIST_LIMITS } from './tags';
import type { ManifestInfo, PlatformInfo } from './types';
import { isValidDigest, isValidTag } from './validate';

/** A tag → digest answer (`tag|registry/path:tag`). */
export interface TagDigest {
  readonly digest: string;
  readonly mediaType?: string;
  readonly size?: number;
}

export type StoredManifest = Omit<ManifestInfo, 'fromCache' | 'stale'>;

/** A manifest by digest (`manifest|registry/path@digest`), with how much of it is known (client.ts LEVEL). */
export interface ManifestEntry {
  readonly level: number;
  readonly info: StoredManifest;
}

type Fields = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function optional(value: unknown, is: (value: unknown) => boolean): boolean {
  return value === undefined || is(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';

export function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

export function isTagList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= TAG_LIST_LIMITS.maxTags && value.every(isValidTag);
}

export function isTagDigest(value: unknown): value is TagDigest {
  return isObject(value) && isValidDigest(value.digest) && optional(value.mediaType, isString) && optional(value.size, isSize);
}

function isPlatform(value: unknown): value is PlatformInfo {
  return (
    isObject(value) &&
    isString(value.os) &&
    isString(value.architecture) &&
    optional(value.variant, isString) &&
    optional(value.osVersion, isString) &&
    isValidDigest(value.digest) &&
    isSize(value.size) &&
    optional(value.totalSize, isSize) &&
    optional(value.created, isString)
  );
}

function isLabels(value: unknown): boolean {
  return isObject(value) && Object.values(value).every(isString);
}

/** A guard for the manifest entry of `digest`: its info must describe that digest. */
export function isManifestEntryOf(digest: string): (value: unknown) => value is ManifestEntry {
  return (value: unknown): value is ManifestEntry => {
    if (!isObject(value) || !isSize(value.level) || !isObject(value.info)) return false;
    const info = value.info;
    return (
      info.digest === digest &&
      isString(info.mediaType) &&
      isSize(info.size) &&
      optional(info.isIndex, isBoolean) &&
      optional(info.totalSize, isSize) &&
      optional(info.platforms, (platforms) => Array.isArray(platforms) && platforms.length <= MAX_INDEX_ENTRIES && platforms.every(isPlatform)) &&
      optional(info.configMediaType, isString) &&
      optional(info.created, isString) &&
      optional(info.labels, isLabels) &&
      optional(info.os, isString) &&
      optional(info.architecture, isString) &&
      optional(info.variant, isString)
    );
  };
}

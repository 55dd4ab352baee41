/**
 * What each kind of cache entry holds, and the guards that check a value read back from disk before the client
 * uses it: the same rules as a registry answer (digests are digests, tags are tags, bounded like tags.ts and
 * manifest.ts bound them) plus the shape the client wrote. A value that fails is treated as no entry.
 */
import { MAX_INDEX_ENTRIES } from './manifest';
import { TAG_LIST_LIMITS } from './tags';
import { REFERRERS_LIMITS } from './referrers';
import { MAX_BUNDLE_BYTES, MAX_PAYLOAD_BYTES } from './signaturePayloads';
import type { ManifestInfo, PlatformInfo, ReferrerList } from './types';
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

function isAttestation(value: unknown): boolean {
  return isObject(value) && isValidDigest(value.digest) && isSize(value.size) && isValidDigest(value.subject);
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
      optional(info.attestations, (entries) => Array.isArray(entries) && entries.length <= MAX_INDEX_ENTRIES && entries.every(isAttestation)) &&
      optional(info.configMediaType, isString) &&
      optional(info.created, isString) &&
      optional(info.labels, isLabels) &&
      optional(info.os, isString) &&
      optional(info.architecture, isString) &&
      optional(info.variant, isString)
    );
  };
}

export type StoredReferrerList = Omit<ReferrerList, 'fromCache' | 'stale'>;

const REFERRER_SOURCES = new Set(['referrers-api', 'referrers-tag', 'cosign-tag', 'attestation-manifest']);
/** Entries one stored answer may hold: a listing's referrers plus the manifests read beside it. */
const MAX_STORED_REFERRERS = REFERRERS_LIMITS.maxReferrers + 64;

function isAnnotations(value: unknown): boolean {
  return isLabels(value);
}

function isLayer(value: unknown): boolean {
  return (
    isObject(value) &&
    isString(value.mediaType) &&
    isValidDigest(value.digest) &&
    isSize(value.size) &&
    isAnnotations(value.annotations) &&
    optional(value.payload, isPayload)
  );
}

/** A stored payload: base64 of at most MAX_PAYLOAD_BYTES (a simple-signing blob) or MAX_BUNDLE_BYTES (a bundle). */
function isPayload(value: unknown): boolean {
  return isString(value) && value.length <= Math.ceil(Math.max(MAX_PAYLOAD_BYTES, MAX_BUNDLE_BYTES) / 3) * 4 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);
}

function isReferrer(value: unknown): boolean {
  return (
    isObject(value) &&
    isValidDigest(value.digest) &&
    isString(value.mediaType) &&
    optional(value.artifactType, isString) &&
    isSize(value.size) &&
    isAnnotations(value.annotations) &&
    isValidDigest(value.subject) &&
    REFERRER_SOURCES.has(value.source as string) &&
    isString(value.repository) &&
    optional(value.tag, isValidTag) &&
    optional(value.configMediaType, isString) &&
    optional(value.layers, (layers) => Array.isArray(layers) && layers.length <= 64 && layers.every(isLayer))
  );
}

/** A guard for the referrers answer of `subject` (`referrers|registry/path@digest|artifactType`). */
export function isReferrerListOf(subject: string): (value: unknown) => value is StoredReferrerList {
  return (value: unknown): value is StoredReferrerList =>
    isObject(value) &&
    value.subject === subject &&
    (value.discovery === 'referrers-api' || value.discovery === 'referrers-tag') &&
    Array.isArray(value.notes) &&
    value.notes.length <= 64 &&
    value.notes.every(isString) &&
    Array.isArray(value.referrers) &&
    value.referrers.length <= MAX_STORED_REFERRERS &&
    value.referrers.every(isReferrer);
}

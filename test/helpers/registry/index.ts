/**
 * The registry test infrastructure in one import: real registries on loopback (./registryServer),
 * their token service (./tokenServer), seeding over the distribution API (./seed), image content
 * builders (./images) and a deliberately faulty server for failure tests (./misbehavingServer).
 * test/registry/infra.test.ts proves each piece against the real registry.
 */
export { startRegistry } from './registryServer';
export type { RegistryAuth, RegistryOptions, RunningRegistry } from './registryServer';
export { DEFAULT_GRANTS, DEFAULT_USERS, startTokenServer } from './tokenServer';
export type { Grant, TokenRequest, TokenServer, TokenServerOptions } from './tokenServer';
export { decodeJwt, libtrustKeyId } from './jwt';
export type { AccessEntry, KeyHeader } from './jwt';
export { deleteManifest, moveTag, pushImage, pushIndex, pushTags, SeedError } from './seed';
export {
  cosignSignature,
  cosignTag,
  cyclonedxLayer,
  dsseLayer,
  EMPTY_CONFIG,
  notationLayer,
  pushArtifact,
  pushCosignTag,
  putManifestBytes,
  putReferrersTag,
  sarifLayer,
  sigstoreBundleLayer,
  signingKey,
  simpleSigningLayer,
  simpleSigningPayload,
  spdxLayer,
  statement,
  TYPES,
} from './artifacts';
export type { Layer, PushedArtifact, Subject } from './artifacts';
export { startReferrersServer } from './referrersServer';
export type { ReferrersServer } from './referrersServer';
export type { IndexSpec, PushedImage, PushedIndex, PushResult } from './seed';
export { DEFAULT_CREATED, formatPlatform, parsePlatform, sha256Digest } from './images';
export type { ImageFormat, ImageSpec, Platform } from './images';
export { RegistrySession, parseChallenge } from './session';
export type { Challenge, RegistryTarget } from './session';
export { httpRequest, MANIFEST_ACCEPT, MEDIA_TYPES } from './http';
export type { HttpRequestOptions, HttpResponse } from './http';
export {
  delay,
  hang,
  json,
  proxy,
  pullRateLimit,
  redirect,
  registryError,
  respond,
  sequence,
  slowBody,
  startMisbehavingServer,
  tooManyRequests,
  withHeaders,
} from './misbehavingServer';
export type { Handler, MisbehavingServer, RecordedRequest, ServerTls } from './misbehavingServer';

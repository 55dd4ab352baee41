/**
 * The engine: async use cases over the pure core and four ports: RegistryClient (registry/),
 * BuildTool (tools/), Cluster (cluster/) and Scanner (scanners/). It knows no LSP, no VS Code and no concrete adapter:
 * it imports the core, and only types from the ports' folders. Front ends (lsp/, cli/, the client)
 * give it the adapters and get plain data back: RegistryFacts for the core features, edits for
 * pinning, and the outcomes of push, apply and rollout flows.
 */
export { collectAnonymousPull, collectFacts, collectTags, toManifestFound, uniqueByKey } from './collectFacts';
export type { CollectOptions, RepositoryQuery } from './collectFacts';
export { collectReferrers, MAX_PLATFORMS_ASKED, referrersQueries, toReferrerFact } from './collectReferrers';
export type { ReferrersOptions, ReferrersQuery } from './collectReferrers';
export { pinEdits, stoppedShort } from './pinEdits';
export type { PinOptions, PinReport, PinTarget, SkippedImage } from './pinEdits';
export { dockerfileFor, fromLines, stageNames } from './build/dockerfiles';
export type { FromLine } from './build/dockerfiles';
export { buildTagOf, dockerfileOfSite, tagCandidates } from './build/tagCandidates';
export type { ManifestOfWorkspace, TagCandidate } from './build/tagCandidates';
export { describeTag, guardPush, overwriteQuestion, sameTagState, tagBeforePush } from './build/overwrite';
export type { Guarded, GuardOptions, OverwriteQuestion, PushSource, TagBeforePush } from './build/overwrite';
export { pushedPinEdits, pushImage } from './build/push';
export type { PushedImage, PushImageOptions } from './build/push';
export { applyObjects, asClusterError, DEFAULT_FIELD_MANAGER, fieldManagerOrDefault, normalizedYaml, placeObject, tallyApply } from './cluster/apply';
export type {
  AppliedObject,
  ApplyFlowOptions,
  ApplyOutcome,
  ApplyPrompts,
  ApplyReport,
  ApplyTally,
  ChangeAction,
  ObjectChange,
  RefusedObject,
} from './cluster/apply';
export { displayName, manifestObjects, refOf } from './cluster/objects';
export type { ManifestObject } from './cluster/objects';
export { hasRolloutStatus, rolloutStatus } from './cluster/rolloutStatus';
export type { RolloutStatus } from './cluster/rolloutStatus';
export { pullFailures } from './cluster/pullFailures';
export { MAX_NODES, NodePlatformsCache, nodePlatforms } from './cluster/nodePlatforms';
export type { PullFailure, PullFailureCause } from './cluster/pullFailures';
export { selectorString } from './cluster/selector';
export { watchRollout } from './cluster/watchRollout';
export type { RolloutResult, WatchRolloutOptions } from './cluster/watchRollout';
export { systemClock } from './clock';
export type { Clock } from './clock';
export { scale } from './cluster/scale';
export { containersOf, setImage, setImageFileEdit, setImagePatch } from './cluster/setImage';
export { analyzeFile, isDockerfile, isDockerfileName } from './analyzeFile';
export type { AnalyzeFileOptions } from './analyzeFile';
export { readDockerfile } from './dockerfile/read';
export { cachedScan, SCAN_MAX_AGE_MS, scanImage, scanImages } from './scan/scanImage';
export type { ScanFailure, ScanImageOptions, ScanImagesResult, ScanOutcome } from './scan/scanImage';

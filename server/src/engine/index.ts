/**
 * The engine: async use cases over the pure core and the RegistryClient port.
 * It knows no LSP and no concrete adapter: it imports the core, and only types from registry/
 * (the RegistryClient interface and the error codes it reads). Front ends (lsp/, cli/) give it a
 * client and get plain data back: RegistryFacts for the core features, edits for pinning.
 */
export { collectAnonymousPull, collectFacts, collectTags, toManifestFound, uniqueByKey } from './collectFacts';
export type { CollectOptions, RepositoryQuery } from './collectFacts';
export { pinEdits } from './pinEdits';
export type { PinOptions, PinReport, PinTarget, SkippedImage } from './pinEdits';

/**
 * The analysis core's public surface: what the front ends (lsp/, cli/, the client) and the engine use.
 * The core imports nothing but `yaml` and itself; see ARCHITECTURE.md.
 */
export { analyze, documentAt } from './analysis';
export type { Analysis, AnalyzeOptions, AnalyzedDocument } from './analysis';
export { DIAGNOSTIC_CODES, DIAGNOSTIC_RULES, SEVERITIES, SEVERITY_SETTINGS } from './diagnostics/catalog';
export type { DiagnosticCode, Severity, SeveritySetting } from './diagnostics/catalog';
export { checkEdit } from './edits/checkEdits';
export { replaceScalar } from './edits/fieldEdits';
export { isRefused, pinFileEdits, pinSite, repinSite } from './edits/pinEdits';
export type { PinnedImage, RefusedPin } from './edits/pinEdits';
export { applyEdits } from './edits/textEdit';
export type { TextEdit } from './edits/textEdit';
export {
  NO_FACTS,
  digestKey,
  effectiveTag,
  isRateLimitLow,
  pullsLeftText,
  isSigned,
  mergeRegistryFacts,
  referenceQueries,
  referrersOf,
  repositoryKey,
  tagAnswer,
  tagKey,
  withTargets,
} from './facts';
export { MAX_TARGETS, parsePlatform, platformTargets } from './platforms';
export type { NodePlacement, Platform, PlatformTargets } from './platforms';
export { predicateContent, recognizeArtifact } from './attachments/recognize';
export type { ArtifactDescription, AttachmentContent, AttachmentKind, Recognized } from './attachments/recognize';
export { signatureRepositoryFor } from './attachments/signatureRepository';
export { matchingPatterns } from './attachments/repositoryPatterns';
export { readSimpleSigningPayload } from './attachments/simpleSigning';
export { IN_TOTO_PAYLOAD_TYPE, readStatementSubjects } from './attachments/inTotoSubject';
export { trustedIdentityOf } from './attachments/signerIdentity';
export type { SignatureRepository } from './attachments/signatureRepository';
// Registry facts are plain data every front end passes around: all their types are public.
export type * from './facts';
export { codeActionTagNeeds, computeCodeActions } from './features/codeActions';
export type { TagListNeed } from './features/codeActions';
export { computeCompletions, registryCompletionNeed, tagDescriptionNeeds } from './features/completion';
export type { CompletionNeed } from './features/completion';
export { analyzeDockerfile, isDockerfileAnalysis } from './dockerfile/analysis';
export type { DockerfileArg, DockerfileImageRole, DockerfileImageUse, DockerfileReader, DockerfileSyntax, DockerfileToken } from './dockerfile/syntax';
export { collectDiagnostics } from './features/diagnostics';
export { countsPhrase } from './diagnostics/scanFindings';
export { containerAt } from './features/fieldAt';
export { computeHover } from './features/hover';
export type { OverlaysOf } from './features/hover';
export { formatCreated } from './features/registryHover';
export { computeImageTokens, IMAGE_TOKEN_MODIFIERS, IMAGE_TOKEN_TYPES } from './features/imageTokens';
export type { ImageToken, ImageTokenModifier, ImageTokenType } from './features/imageTokens';
export { computeInlayHints } from './features/inlayHints';
export type { CodeAction, CompletionItem, CompletionList, Diagnostic, Hover, InlayHint } from './features/types';
export { anonymousPullQueries, factQueries, imageSites, unpinnableImages } from './imageSites';
export type { ImageSite } from './imageSites';
export { MAX_CHART_TEMPLATES, MAX_TEMPLATE_CHARS, chartContext, isValuesFileName } from './helm/chart';
export type { ChartContext, ChartTemplate } from './helm/chart';
export { templateImageAt, templateImageDefinitions, templateImageHover } from './helm/templateImages';
export type { TemplateImage } from './helm/templateImages';
export { looksRemote, planBuild } from './kustomize/build';
export type { BuildPlan, BuiltResource, KustomizationLookup, KustomizeFiles, TransformStep } from './kustomize/build';
export type { EffectiveImage, ImageSource } from './kustomize/effectiveImage';
export { readImageSpecs } from './kustomize/fieldSpecs';
export type { FieldSpec } from './kustomize/fieldSpecs';
export { KUSTOMIZATION_FILE_NAMES, MAX_KUSTOMIZATION_CHARS, kustomizationPatches, readKustomization } from './kustomize/kustomization';
export type { Kustomization, KustomizeImageEntry } from './kustomize/kustomization';
export { overlayImages } from './kustomize/overlays';
export type { OverlayBuild, OverlayImage } from './kustomize/overlays';
export { originalOffset, placeOf, renderResource } from './kustomize/render';
export type { EntryPlace, RenderedResource, Rewrite } from './kustomize/render';
export { CONFIG_FILE_NAME, NO_CONFIG, isConfigFile, locationsWith, readConfigFile, readResourceSetting } from './locationConfig';
export type { ConfigProblem, LocationConfig } from './locationConfig';
export { parseBoundedDocument } from './manifest/boundedYaml';
export { BUILT_IN_LOCATIONS, BUILT_IN_RULES } from './manifest/builtInLocations';
export { isComposeFile } from './manifest/composeLocations';
export { isSettableContainer } from './manifest/imageFields';
export type { ContainerFields } from './manifest/imageFields';
export type { ImageLocation, ImageRole, LocationRule, LocationTable } from './manifest/locations';
export { splitDocuments } from './manifest/documents';
export { KUSTOMIZE_KINDS, WORKLOAD_KINDS, apiGroup } from './manifest/workloadKinds';
export { MAX_DEPTH } from './manifest/yamlTree';
export { defaultPullPolicy } from './policy/pullPolicy';
export { isOciDigest } from './reference/digest';
export { quote } from './reference/quote';
export { parseReference } from './reference/reference';
export type { ImageReference } from './reference/reference';
export { isScanFact, scanOf, scanTargets, VULNERABILITY_SEVERITIES } from './scanFacts';
export type { ScanFact, ScanTarget, VulnerabilityFact, VulnerabilitySeverity } from './scanFacts';
export { scanActionAt } from './features/scanAction';
export type { ScanAction } from './features/scanAction';
export { DEFAULT_SETTINGS, parseSettings, parseSignatures, SCANNER_SETTINGS } from './settings';
export { REQUIRED_ATTACHMENTS } from './settings';
export type { PinSettings, RegistrySettings, RequiredAttachment, ScanSettings, Settings, SignatureSettings, TrustedIdentity, TrustedKey } from './settings';
export { orderTags } from './tags';
export { fileFacts, mergeFacts } from './workspace';
export type { FileFacts, WorkspaceFacts } from './workspace';

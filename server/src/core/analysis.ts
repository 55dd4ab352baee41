/**
 * The core's front door: `analyze(text)` turns a file into an Analysis that every feature reads.
 *
 * A file is split into YAML documents (manifest/documents.ts) and each document is analysed on its
 * own, from its own text, with spans relative to the document start. That gives two properties the
 * editor needs: an edit re-analyses only the documents whose text changed (the others are found by
 * content in the previous Analysis and reused as they are, even if they moved), and nothing keeps a
 * YAML tree alive once a document's image fields are extracted, so memory stays near the text size.
 */
import { documentFindings } from './diagnostics/documentFindings';
import type { Finding } from './diagnostics/finding';
import { binaryContent, fileTooLarge, nestedTooDeep, tooManyContainers } from './diagnostics/notAnalysed';
import type { ChartContext } from './helm/chart';
import { analyzeValuesDocument } from './helm/valuesDocument';
import { isConfigFile, readConfigFile } from './locationConfig';
import { BUILT_IN_LOCATIONS } from './manifest/builtInLocations';
import { COMPOSE_DECODED_KEYS, isComposeFile } from './manifest/composeLocations';
import { splitDocuments } from './manifest/documents';
import { fastParse } from './manifest/fastParse';
import { locateImageFields, readsNothingOf } from './manifest/imageFields';
import type { ImageFields } from './manifest/imageFields';
import type { LocationTable } from './manifest/locations';
import { slowParse } from './manifest/slowParse';
import { topLevelKind } from './manifest/topLevelKind';
import { MAX_DEPTH } from './manifest/yamlTree';

/** Containers per document before the analysis gives up on it (aliases can multiply them). */
export const MAX_CONTAINERS_PER_DOCUMENT = 5000;

/**
 * What one document yields. It holds no reference to the file text (see manifest/detach.ts): a
 * DocumentAnalysis reused across many edits must not keep every old version of the text alive.
 */
export interface DocumentAnalysis {
  /** Image fields with spans relative to the document start. */
  readonly fields: ImageFields;
  /** Findings with spans relative to the document start. */
  readonly findings: readonly Finding[];
  /**
   * How the document was parsed: its edits are checked by the same reading (edits/checkEdits.ts).
   * `unread`: its kind, read from its top-level lines (manifest/topLevelKind.ts), holds no images, so it was not parsed.
   */
  readonly parser: 'fast' | 'slow' | 'dockerfile' | 'unread';
}

export interface AnalyzedDocument {
  readonly start: number;
  readonly end: number;
  readonly analysis: DocumentAnalysis;
}

export interface Analysis {
  readonly text: string;
  readonly documents: readonly AnalyzedDocument[];
  /** File-level findings (absolute spans): where the analysis gave up on the whole file. */
  readonly fileFindings: readonly Finding[];
  /** Documents parsed in this call (the rest came from `previous`). */
  readonly reparsed: number;
  /** Whether the file was read as a kustomization by name; reuse needs the same reading. */
  readonly kustomizationFile: boolean;
  /** Whether the file was read as a Compose file by name (manifest/composeLocations.ts); reuse needs the same reading. */
  readonly composeFile?: boolean;
  /** Where images were looked for; reuse needs the same table. */
  readonly locations: LocationTable;
  /** The chart whose values file this is (helm/chart.ts); null for other files. Reuse needs the same context. */
  readonly chart: ChartContext | null;
}

export interface AnalyzeOptions {
  /** The file's name (or path or URI); `kustomization.yaml` is read as a kustomization without a kind. */
  readonly fileName?: string;
  /** Text beyond this many UTF-16 code units is not analysed. */
  readonly maxFileSize: number;
  /** Names the setting or flag that sets maxFileSize, for the not-analysed message. */
  readonly sizeLimitSetting?: string;
  /** The analysis of an earlier version of the same file: unchanged documents are reused from it. */
  readonly previous?: Analysis;
  /** Where images are: the built-in table unless users' own resources add to it (locationConfig.ts). */
  readonly locations?: LocationTable;
  /** The file maps users' own resources (its problems become findings); by default, when it is named `.image-aware.yaml`. */
  readonly mappingFile?: boolean;
  /** The file is a values file of this chart: its images are read the way the chart renders them (helm/). */
  readonly chart?: ChartContext | null;
}

const KUSTOMIZATION_FILE = /(^|[\\/])(kustomization\.ya?ml|Kustomization)$/;

function analyzeDocument(source: string, kustomizationFile: boolean, composeFile: boolean, locations: LocationTable): DocumentAnalysis {
  const top = kustomizationFile || composeFile ? null : topLevelKind(source);
  if (top !== null && readsNothingOf(top.kind, top.apiVersion, locations)) return NOTHING_UNREAD;
  const fast = fastParse(source, 0, source.length, composeFile ? COMPOSE_DECODED_KEYS : locations.decodedKeys);
  const parsed = fast ?? slowParse(source, 0, source.length);
  const fields = locateImageFields(parsed.root, { kustomizationFile, composeFile, maxContainers: MAX_CONTAINERS_PER_DOCUMENT, locations });
  const findings = fields.isManifest ? documentFindings(fields, source, parsed.problems) : [];
  if (fields.truncated) findings.push(tooManyContainers(source, MAX_CONTAINERS_PER_DOCUMENT));
  // Reported outside manifests too: the part left out is unread, whatever it holds.
  if (parsed.tooDeepAt !== null) findings.push(nestedTooDeep(parsed.tooDeepAt, MAX_DEPTH));
  if (findings.length === 0 && !fields.isManifest && fields.definedSecrets.length === 0) return fast ? NOTHING_FAST : NOTHING_SLOW;
  return { fields, findings, parser: fast ? 'fast' : 'slow' };
}

/** Shared by every document with nothing to report, which in a large file is a third of them. */
const NOTHING_FAST: DocumentAnalysis = Object.freeze({
  fields: locateImageFields(null, { kustomizationFile: false, maxContainers: 0, locations: BUILT_IN_LOCATIONS }),
  findings: Object.freeze([]),
  parser: 'fast',
});
const NOTHING_SLOW: DocumentAnalysis = Object.freeze({ ...NOTHING_FAST, parser: 'slow' });
const NOTHING_UNREAD: DocumentAnalysis = Object.freeze({ ...NOTHING_FAST, parser: 'unread' });

/** A NUL in the first 8 KiB means binary content: YAML forbids it, and no manifest has one. */
function binaryOffset(text: string): number {
  return text.slice(0, 8192).indexOf('\0');
}

export function analyze(text: string, options: AnalyzeOptions): Analysis {
  const locations = options.locations ?? BUILT_IN_LOCATIONS;
  const chart = options.chart ?? null;
  const nul = binaryOffset(text);
  if (nul >= 0) return { text, documents: [], fileFindings: [binaryContent(text, nul)], reparsed: 0, kustomizationFile: false, locations, chart };
  const kustomizationFile = options.fileName !== undefined && KUSTOMIZATION_FILE.test(options.fileName);
  const composeFile = options.fileName !== undefined && isComposeFile(options.fileName);
  // Keyed by each earlier document's text, so moved documents are found too; the keys are slices of
  // the previous text that live only during this call.
  const reusable = new Map<string, DocumentAnalysis>();
  const previous = options.previous;
  if (
    previous &&
    previous.kustomizationFile === kustomizationFile &&
    (previous.composeFile ?? false) === composeFile &&
    previous.locations === locations &&
    previous.chart === chart
  ) {
    for (const doc of previous.documents) reusable.set(previous.text.slice(doc.start, doc.end), doc.analysis);
  }
  const documents: AnalyzedDocument[] = [];
  const fileFindings: Finding[] = [];
  let reparsed = 0;
  for (const region of splitDocuments(text)) {
    if (region.end > options.maxFileSize) {
      fileFindings.push(fileTooLarge(text, region.start, options.maxFileSize, options.sizeLimitSetting));
      break;
    }
    const source = text.slice(region.start, region.end);
    let analysis = reusable.get(source);
    if (!analysis) {
      analysis = chart === null ? analyzeDocument(source, kustomizationFile, composeFile, locations) : analyzeValuesDocument(source, chart);
      reparsed++;
    }
    documents.push({ start: region.start, end: region.end, analysis });
  }
  // A mapping file's own problems, wherever it is opened or checked.
  const mappingFile = options.mappingFile ?? (options.fileName !== undefined && isConfigFile(options.fileName));
  if (mappingFile && fileFindings.length === 0) fileFindings.push(...readConfigFile(text).findings);
  return { text, documents, fileFindings, reparsed, kustomizationFile, composeFile, locations, chart };
}

/** The document that contains offset (the last one whose start is at or before it). */
export function documentAt(analysis: Analysis, offset: number): AnalyzedDocument | undefined {
  const docs = analysis.documents;
  let low = 0;
  let high = docs.length - 1;
  let found: AnalyzedDocument | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (docs[mid].start <= offset) {
      found = docs[mid];
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

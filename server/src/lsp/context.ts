/**
 * What every handler receives from the server: the open documents, the state the server owns
 * (analyses, settings, workspace index) and the crash barrier. Handlers keep no state of their own
 * beyond what they are given here.
 */
import type { CancellationToken, Connection, ResponseError, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis, Settings } from '../core';
import type { ChartContexts } from './charts';
import type { AnalysisCache } from './documents';
import type { LocationConfigs } from './locations';
import type { OverlayBuilds } from './overlays';
import type { RegistryService } from './registryFacts';
import type { RunSafe } from './runSafe';
import type { ScanService } from './scans';
import type { SettingsStore } from './settings';
import type { WorkspaceIndex } from './workspaceIndex';

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly analyses: AnalysisCache;
  readonly settings: SettingsStore;
  readonly workspace: WorkspaceIndex;
  /** The workspace's kustomize builds, for the image hover. */
  readonly overlays: OverlayBuilds;
  readonly locations: LocationConfigs;
  readonly charts: ChartContexts;
  readonly registry: RegistryService;
  /** Vulnerability scans: the scanner, and what its scans found by digest. */
  readonly scans: ScanService;
  readonly runSafe: RunSafe;
}

export interface OpenAnalysis {
  readonly document: TextDocument;
  readonly settings: Settings;
  readonly analysis: Analysis;
}

/**
 * The Analysis of an open document under its settings, or null when the document is not open.
 * The document is looked up again after the settings arrive, so the Analysis and the returned
 * document always describe the same version, even if an edit came in meanwhile.
 */
export async function openAnalysis(context: ServerContext, uri: string): Promise<OpenAnalysis | null> {
  if (!context.documents.get(uri)) return null;
  const settings = await context.settings.forDocument(uri);
  const chart = await context.charts.valuesChart(uri);
  const document = context.documents.get(uri);
  if (!document) return null;
  const analysis = context.analyses.analysisOf(document, settings.maxFileSize, context.locations.tableFor(uri, settings), chart);
  return { document, settings, analysis };
}

/**
 * Answers a request about the open document `uri` under the crash barrier: `answer` gets its
 * Analysis; null when the document is not open.
 */
export function answerFor<T>(
  context: ServerContext,
  method: string,
  uri: string,
  token: CancellationToken,
  answer: (open: OpenAnalysis) => T | null | Promise<T | null>,
): Promise<T | null | ResponseError<void>> {
  return context.runSafe<T | null>(method, token, null, async () => {
    const open = await openAnalysis(context, uri);
    return open && answer(open);
  });
}

/** What `promise` resolves to within `ms` milliseconds, else undefined (the promise goes on). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** An AbortSignal that aborts once any of the tokens is cancelled (the request's, a progress report's); `dispose` stops listening. */
export function signalOf(...tokens: readonly CancellationToken[]): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const listeners = tokens.map((token) => {
    if (token.isCancellationRequested) controller.abort();
    return token.onCancellationRequested(() => controller.abort());
  });
  return { signal: controller.signal, dispose: () => listeners.forEach((listener) => listener.dispose()) };
}

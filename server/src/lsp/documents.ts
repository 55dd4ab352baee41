/**
 * The server's AnalysisCache: one Analysis per open document, keyed by uri, version, language (a
 * document whose language changes to `dockerfile` is read as a Dockerfile; engine/analyzeFile.ts) and
 * the chart of a values file.
 * Every feature of a request reads the same Analysis, so a version is analysed once however many
 * requests ask. The entry of the previous version stays as `previous` for the next analysis, which
 * then re-parses only the YAML documents an edit touched. The server owns the cache (no module
 * state), and forgets an entry when its document closes.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis, ChartContext, LocationTable } from '../core';
import { analyzeFile } from '../engine';
import { SIZE_LIMIT_SETTING } from './settings';

interface Entry {
  readonly version: number;
  readonly languageId: string;
  /** The limit and the location table are part of the key: the same text gives a different Analysis under others. */
  readonly maxFileSize: number;
  /** The chart asked for, kept here because a Dockerfile's Analysis has none whatever was asked. */
  readonly chart: ChartContext | null;
  readonly analysis: Analysis;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  /** `chart` is the chart of a values file (lsp/charts.ts), null for other files; it is part of the key too. */
  analysisOf(document: TextDocument, maxFileSize: number, locations: LocationTable, chart: ChartContext | null = null): Analysis {
    const entry = this.entries.get(document.uri);
    const { languageId } = document;
    const same = entry?.version === document.version && entry.languageId === languageId && entry.maxFileSize === maxFileSize;
    if (entry && same && entry.analysis.locations === locations && entry.chart === chart) return entry.analysis;
    const analysis = analyzeFile(document.getText(), {
      fileName: document.uri,
      languageId,
      maxFileSize,
      sizeLimitSetting: SIZE_LIMIT_SETTING,
      previous: entry?.languageId === languageId ? entry.analysis : undefined,
      locations,
      chart,
    });
    this.entries.set(document.uri, { version: document.version, languageId, maxFileSize, chart, analysis });
    return analysis;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}

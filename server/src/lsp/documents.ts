/**
 * The server's AnalysisCache: one Analysis per open document, keyed by uri, version and language
 * (a document whose language changes to `dockerfile` is read as a Dockerfile; engine/analyzeFile.ts).
 * Every feature of a request reads the same Analysis, so a version is analysed once however many
 * requests ask. The entry of the previous version stays as `previous` for the next analysis, which
 * then re-parses only the YAML documents an edit touched. The server owns the cache (no module
 * state), and forgets an entry when its document closes.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis, LocationTable } from '../core';
import { analyzeFile } from '../engine';
import { SIZE_LIMIT_SETTING } from './settings';

interface Entry {
  readonly version: number;
  readonly languageId: string;
  /** The limit and the location table are part of the key: the same text gives a different Analysis under others. */
  readonly maxFileSize: number;
  readonly analysis: Analysis;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  analysisOf(document: TextDocument, maxFileSize: number, locations: LocationTable): Analysis {
    const entry = this.entries.get(document.uri);
    const { languageId } = document;
    const same = entry?.version === document.version && entry.languageId === languageId;
    if (entry && same && entry.maxFileSize === maxFileSize && entry.analysis.locations === locations) return entry.analysis;
    const analysis = analyzeFile(document.getText(), {
      fileName: document.uri,
      languageId,
      maxFileSize,
      sizeLimitSetting: SIZE_LIMIT_SETTING,
      previous: entry?.languageId === languageId ? entry.analysis : undefined,
      locations,
    });
    this.entries.set(document.uri, { version: document.version, languageId, maxFileSize, analysis });
    return analysis;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}

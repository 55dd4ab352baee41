/**
 * The Helm charts of the open documents (core helm/chart.ts): for a values file (values.yaml,
 * values-*.yaml beside a Chart.yaml) the ChartContext its analysis takes, and for a template the
 * chart it belongs to. A chart is read once (fs/chartFiles.ts, open documents over the files on
 * disk) and kept until one of its files changes: a watched file event or an edit of an open
 * Chart.yaml or template forgets it and fires onDidChange, so its values files are analysed again.
 * Each context is one object until then, which the analysis cache takes as part of its key.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Emitter } from 'vscode-languageserver/node';
import type { Event, FileEvent, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, chartContext, isValuesFileName, MAX_CHART_TEMPLATES, MAX_TEMPLATE_CHARS } from '../core';
import type { Analysis, ChartContext } from '../core';
import { chartOfFile, isChartFolder, readChartFiles } from '../fs';
import { inside, pathOf } from './paths';

const LIMITS = { maxFiles: MAX_CHART_TEMPLATES, maxChars: MAX_TEMPLATE_CHARS };
/** The values file a template's images are shown from. */
const DEFAULT_VALUES = 'values.yaml';

/** A values file's text from disk, unless it is larger than the analysis would read. */
async function readValues(path: string, maxFileSize: number): Promise<string | null> {
  try {
    const info = await stat(path);
    return info.isFile() && info.size <= maxFileSize * 4 ? await readFile(path, 'utf8') : null;
  } catch {
    return null;
  }
}

export interface ChartOfTemplate {
  readonly root: string;
  readonly context: ChartContext;
}

export class ChartContexts {
  private readonly charts = new Map<string, Promise<ChartContext>>();
  private readonly changed = new Emitter<void>();

  /** Fires when a chart's Chart.yaml or templates changed, so its values files must be analysed again. */
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /** The context of a values file's chart, or null for any other file. */
  async valuesChart(uri: string): Promise<ChartContext | null> {
    const path = pathOf(uri);
    if (path === null || !isValuesFileName(basename(path)) || !(await isChartFolder(dirname(path)))) return null;
    return this.contextOf(dirname(path));
  }

  /** The chart of a template (a file below a chart's `templates/`), or null. */
  async templateChart(uri: string): Promise<ChartOfTemplate | null> {
    const path = pathOf(uri);
    const root = path === null ? null : await chartOfFile(path);
    if (root === null || !inside(join(root, 'templates'), path!)) return null;
    return { root, context: await this.contextOf(root) };
  }

  /** The analysis of the chart's values.yaml (the open document's text, else the file's), or null when it has none. */
  async valuesAnalysis(root: string, maxFileSize: number): Promise<{ analysis: Analysis; uri: string } | null> {
    const uri = pathToFileURL(join(root, DEFAULT_VALUES)).href;
    const text = this.openText(join(root, DEFAULT_VALUES)) ?? (await readValues(join(root, DEFAULT_VALUES), maxFileSize));
    if (text === null) return null;
    return { analysis: analyze(text, { fileName: DEFAULT_VALUES, maxFileSize, chart: await this.contextOf(root) }), uri };
  }

  /** Forgets the charts a changed file belongs to (file watcher events). */
  applyFileEvents(events: readonly FileEvent[]): void {
    this.forget(events.map((event) => event.uri));
  }

  /** Forgets the chart of an open document that was edited, when it is its Chart.yaml or a template. */
  documentChanged(uri: string): void {
    this.forget([uri]);
  }

  dispose(): void {
    this.changed.dispose();
  }

  private readonly openText = (path: string): string | undefined => this.documents.get(pathToFileURL(path).href)?.getText();

  private contextOf(root: string): Promise<ChartContext> {
    let context = this.charts.get(root);
    if (!context) {
      context = readChartFiles(root, LIMITS, this.openText).then((files) => chartContext(files.chartYaml, files.templates));
      this.charts.set(root, context);
    }
    return context;
  }

  private forget(uris: readonly string[]): void {
    let forgotten = false;
    for (const uri of uris) {
      const path = pathOf(uri);
      if (path === null) continue;
      for (const root of this.charts.keys()) {
        const chartFile = path === join(root, 'Chart.yaml') || inside(join(root, 'templates'), path);
        if (chartFile && this.charts.delete(root)) forgotten = true;
      }
    }
    if (forgotten) this.changed.fire();
  }
}

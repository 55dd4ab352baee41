/**
 * Diagnostics for the files of the workspace that are not open, so the Problems panel is the whole
 * picture (`imageAware.workspace.diagnostics`: `workspace`, the default, or `openFiles`).
 *
 * A pass reads every YAML file and Dockerfile the workspace index lists, one at a time, skipping
 * open documents (their own diagnostics come from handlers/diagnostics.ts) and files larger than
 * `imageAware.limits.maxFileSizeMB`, up to `imageAware.workspace.maxFiles` files; it yields to the
 * event loop after each file, so requests are answered in between. The findings are the offline ones:
 * registries are asked only for open documents, which bounds the requests a workspace can cause.
 * Nothing is kept per file but whether it has diagnostics, so memory does not grow with the workspace.
 * A pass runs after the index's first scan, when the settings or the workspace's secrets or patches
 * change (a newer pass stops an older one); a file changed on disk or closed in the editor is read
 * again on its own, and a deleted one loses its diagnostics.
 */
import { readFile, stat } from 'node:fs/promises';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { CancellationToken, FileChangeType } from 'vscode-languageserver/node';
import type { FileEvent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { collectDiagnostics } from '../core';
import type { Settings } from '../core';
import { analyzeFile } from '../engine';
import type { ServerContext } from './context';
import { toDiagnostic } from './convert';
import { pathOf } from './paths';
import { SIZE_LIMIT_SETTING } from './settings';
import { keyOf } from './workspaceIndex';

export class WorkspaceDiagnostics {
  /** File URIs (keyOf) this pass has published diagnostics for. */
  private readonly published = new Set<string>();
  private generation = 0;
  private disposed = false;
  /** The pass running now, for tests and traces that wait for it. */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly context: ServerContext) {}

  /** Reads every file again, stopping a pass still running. Resolves when this pass has ended. */
  scheduleAll(): Promise<void> {
    const generation = ++this.generation;
    this.running = this.context.runSafe('workspace diagnostics', CancellationToken.None, undefined, () => this.pass(generation)).then(() => undefined);
    return this.running;
  }

  /** Files created, changed or deleted on disk. */
  async applyFileEvents(events: readonly FileEvent[]): Promise<void> {
    const settings = await this.context.settings.global();
    for (const event of events) {
      const path = pathOf(event.uri);
      if (path === null || !this.context.workspace.coversManifest(path)) continue;
      if (event.type === FileChangeType.Deleted) this.clear(keyOf(event.uri));
      else if (settings.workspace.diagnostics === 'workspace' && (this.published.has(keyOf(event.uri)) || this.published.size < settings.workspace.maxFiles))
        await this.readFile(path, settings);
    }
  }

  /** A document was closed in the editor: its file on disk gets its diagnostics back. */
  async documentClosed(uri: string): Promise<void> {
    const path = pathOf(uri);
    const settings = await this.context.settings.global();
    if (path === null || settings.workspace.diagnostics !== 'workspace' || !this.context.workspace.coversManifest(path)) return;
    await this.readFile(path, settings);
  }

  /** A document was opened: its own diagnostics replace the file's. */
  documentOpened(uri: string): void {
    this.published.delete(keyOf(uri));
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
  }

  private stale(generation: number): boolean {
    return this.disposed || generation !== this.generation;
  }

  private async pass(generation: number): Promise<void> {
    const started = performance.now();
    const settings = await this.context.settings.global();
    const wanted = settings.workspace.diagnostics === 'workspace' ? (await this.context.workspace.manifestFiles()).slice(0, settings.workspace.maxFiles) : [];
    if (this.stale(generation)) return;
    const keys = new Set(wanted.map((path) => pathToFileURL(path).href));
    for (const key of [...this.published]) if (!keys.has(key)) this.clear(key);
    let read = 0;
    for (const path of wanted) {
      if (this.stale(generation)) return;
      if (await this.readFile(path, settings)) read++;
      await yieldToRequests();
    }
    if (wanted.length > 0) this.context.connection.console.log(`Workspace diagnostics: ${read} files in ${(performance.now() - started).toFixed(0)} ms.`);
  }

  /** Analyses one file on disk and publishes its diagnostics, unless it is open; says whether it did. */
  private async readFile(path: string, global: Settings): Promise<boolean> {
    const uri = pathToFileURL(path).href;
    const key = keyOf(uri);
    if (this.isOpen(key)) return false;
    const folder = this.context.workspace.folderOf(path);
    // Settings per workspace folder, not per file: one configuration request per folder instead of one per file.
    const settings = folder === null ? global : await this.context.settings.forDocument(pathToFileURL(folder).href);
    const text = await readWithin(path, settings.maxFileSize);
    // Opened while it was read: the document's own diagnostics count.
    if (text === null || this.isOpen(key) || this.disposed) {
      if (text === null) this.clear(key);
      return false;
    }
    const chart = await this.context.charts.valuesChart(uri);
    const locations = this.context.locations.tableFor(uri, settings);
    const analysis = analyzeFile(text, { fileName: uri, maxFileSize: settings.maxFileSize, sizeLimitSetting: SIZE_LIMIT_SETTING, locations, chart });
    const { workspace } = this.context;
    const diagnostics = collectDiagnostics(analysis, settings, workspace.facts(), null, { patch: workspace.isPatch(uri) });
    const map = TextDocument.create(uri, 'yaml', 0, text);
    this.published.add(key);
    await this.context.connection.sendDiagnostics({ uri, diagnostics: diagnostics.map((d) => toDiagnostic(d, map)) });
    return true;
  }

  private isOpen(key: string): boolean {
    return this.context.documents.all().some((document) => keyOf(document.uri) === key);
  }

  private clear(key: string): void {
    if (!this.published.delete(key)) return;
    void this.context.connection.sendDiagnostics({ uri: key, diagnostics: [] });
  }
}

/** The file's text, or null when it is not a file, cannot be read, or is larger than `maxFileSize` bytes. */
async function readWithin(path: string, maxFileSize: number): Promise<string | null> {
  try {
    const info = await stat(path);
    return info.isFile() && info.size <= maxFileSize ? await readFile(path, 'utf8') : null;
  } catch {
    return null;
  }
}

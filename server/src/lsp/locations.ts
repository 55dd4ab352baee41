/**
 * Where the editor looks for images in each document: the built-in location table plus users' own
 * resources, from the `.image-aware.yaml` at the root of the document's workspace folder and from the
 * `imageAware.resources` setting of the document's scope (core locationConfig.ts reads both).
 * The files are read after `initialized` and again when the file watcher reports a change, which
 * fires onDidChange so open documents are analysed again. A table is built once per pair of
 * configurations and reused, so the analysis of an edited document can reuse its unchanged documents.
 * Problems in the setting are logged once each (the file's own are diagnostics in the file).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Emitter } from 'vscode-languageserver/node';
import type { Event, FileEvent } from 'vscode-languageserver/node';
import { CONFIG_FILE_NAME, isConfigFile, locationsWith, NO_CONFIG, readConfigFile } from '../core';
import type { LocationConfig, LocationTable, Settings } from '../core';
import { inside, pathOf } from './paths';

/** A mapping file is a few kilobytes; anything past this is not read. */
const MAX_CONFIG_BYTES = 256 * 1024;

export class LocationConfigs {
  /** Each workspace folder's own mapping (NO_CONFIG without a file), by folder path. */
  private readonly folders = new Map<string, LocationConfig>();
  private readonly tables = new WeakMap<LocationConfig, WeakMap<LocationConfig, LocationTable>>();
  private readonly logged = new Set<string>();
  private readonly changed = new Emitter<void>();

  /** Fires when a folder's mapping changed, so documents must be analysed again. */
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(private readonly log: (message: string) => void) {}

  /** Reads the mapping of each folder (file: URIs). */
  async addFolders(folderUris: readonly string[]): Promise<void> {
    for (const folder of folderUris.flatMap((uri) => pathOf(uri) ?? [])) this.folders.set(folder, await this.read(folder));
    this.changed.fire();
  }

  removeFolders(folderUris: readonly string[]): void {
    for (const uri of folderUris) {
      const folder = pathOf(uri);
      if (folder !== null) this.folders.delete(folder);
    }
    this.changed.fire();
  }

  /** Re-reads the mapping of a folder whose `.image-aware.yaml` changed, appeared or went away. */
  async applyFileEvents(events: readonly FileEvent[]): Promise<void> {
    let changed = false;
    for (const event of events) {
      const path = pathOf(event.uri);
      const folder = path === null ? undefined : dirname(path);
      if (path === null || folder === undefined || !isConfigFile(path) || !this.folders.has(folder)) continue;
      this.folders.set(folder, await this.read(folder));
      changed = true;
    }
    if (changed) this.changed.fire();
  }

  /** The table for a document: its folder's mapping and its settings' `imageAware.resources`. */
  tableFor(uri: string, settings: Settings): LocationTable {
    const setting = settings.resources;
    for (const problem of setting.problems) {
      if (this.logged.has(problem.message)) continue;
      this.logged.add(problem.message);
      this.log(`imageAware.resources: ${problem.message} The entry is left out.`);
    }
    const folder = this.folderOf(uri);
    let bySetting = this.tables.get(setting);
    if (!bySetting) this.tables.set(setting, (bySetting = new WeakMap()));
    let table = bySetting.get(folder);
    if (!table) bySetting.set(folder, (table = locationsWith(setting, folder)));
    return table;
  }

  /** The settings changed: their problems may be logged again. */
  settingsChanged(): void {
    this.logged.clear();
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** The mapping of the innermost workspace folder that holds the document. */
  private folderOf(uri: string): LocationConfig {
    const path = pathOf(uri);
    let best: string | null = null;
    for (const folder of this.folders.keys()) {
      if (path !== null && inside(folder, path) && (best === null || folder.length > best.length)) best = folder;
    }
    return best === null ? NO_CONFIG : this.folders.get(best)!;
  }

  private async read(folder: string): Promise<LocationConfig> {
    const file = join(folder, CONFIG_FILE_NAME);
    try {
      const info = await stat(file);
      if (!info.isFile()) return NO_CONFIG;
      if (info.size > MAX_CONFIG_BYTES) {
        this.log(`${file} is larger than ${MAX_CONFIG_BYTES / 1024} KB and was not read.`);
        return NO_CONFIG;
      }
      const { config, findings } = readConfigFile(await readFile(file, 'utf8'));
      if (findings.length > 0)
        this.log(`${file} has ${findings.length} problem${findings.length === 1 ? '' : 's'}; open it to see them. The entries with one are left out.`);
      return config;
    } catch (error) {
      // No file is the common case; anything else (permissions) is worth a line.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`${file} cannot be read: ${String(error)}`);
      return NO_CONFIG;
    }
  }
}

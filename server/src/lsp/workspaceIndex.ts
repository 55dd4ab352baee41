/**
 * What the workspace's YAML files define and use (core FileFacts), for checks and completions that
 * span files: unknown-pull-secret, image-name completion, and which files kustomizations apply as
 * patches (no missing-image there).
 *
 * Files on disk are read once after `initialized` and then kept current from file-watcher events.
 * The scan awaits every directory listing and file read, so requests are served between files.
 * An open document's facts override the file on disk, because the editor text is what the user sees.
 * Until the first scan has finished, and when there is no workspace folder, the defined secrets
 * are reported as unknown (null): a Secret in a file not read yet must not cause a false warning.
 * For the same reason every file counts as a patch until then: a kustomization not read yet may list it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Emitter, FileChangeType } from 'vscode-languageserver/node';
import type { Event, FileEvent } from 'vscode-languageserver/node';
import { analyze, fileFacts, mergeFacts } from '../core';
import type { FileFacts, Kustomization, WorkspaceFacts } from '../core';
import { isDockerfileName } from '../engine';
import { inside, pathOf } from './paths';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'dist', 'out']);
/** YAML files, and kustomize's extensionless `Kustomization`. */
const INDEXED_FILE = /\.ya?ml$|(^|[\\/])Kustomization$/i;
/** What the workspace diagnostics cover: YAML (manifests, Compose, values files) and Dockerfiles by name. */
const MANIFEST_FILE = (name: string): boolean => INDEXED_FILE.test(name) || isDockerfileName(name);
const MAX_INDEXED_FILES = 5000;
const MAX_INDEXED_FILE_BYTES = 2 * 1024 * 1024;

/** One key per file however the client spells its URI (VS Code percent-encodes more than Node). */
export function keyOf(uri: string): string {
  const path = pathOf(uri);
  return path === null ? uri : pathToFileURL(path).href;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return [...(a ?? [])].sort().join('\n') === [...(b ?? [])].sort().join('\n');
}

/** What a change of one file's facts changes elsewhere: the defined secrets, the patch files. */
interface Change {
  readonly secrets: boolean;
  readonly patches: boolean;
}

const NO_CHANGE: Change = { secrets: false, patches: false };

function changeBetween(before: FileFacts | undefined, after: FileFacts | undefined): Change {
  return { secrets: !sameList(before?.definedSecrets, after?.definedSecrets), patches: !sameList(before?.patches, after?.patches) };
}

function either(a: Change, b: Change): Change {
  return { secrets: a.secrets || b.secrets, patches: a.patches || b.patches };
}

/** The keys of the files the kustomization at `key` lists as patches (paths relative to its folder). */
function patchKeys(key: string, facts: FileFacts): string[] {
  const path = pathOf(key);
  if (path === null) return [];
  return facts.patches.map((patch) => pathToFileURL(resolve(dirname(path), patch)).href);
}

export class WorkspaceIndex {
  private readonly onDisk = new Map<string, FileFacts>();
  private readonly open = new Map<string, FileFacts>();
  private merged: WorkspaceFacts | null = null;
  private patches: ReadonlySet<string> | null = null;
  /** Paths of the workspace folders, to tell which watched files belong to the index. */
  private folders: string[] = [];
  private scanned = false;
  private disposed = false;
  private readonly secretsChanged = new Emitter<void>();
  private readonly patchesChanged = new Emitter<void>();

  /** Fires when the set of defined secrets may have changed, so open documents need new diagnostics. */
  readonly onDidChangeSecrets: Event<void> = this.secretsChanged.event;

  /** Fires when the files kustomizations list as patches may have changed (and when the first scan is done). */
  readonly onDidChangePatches: Event<void> = this.patchesChanged.event;

  constructor(private readonly log: (message: string) => void) {}

  facts(): WorkspaceFacts {
    if (!this.merged) {
      const merged = mergeFacts(this.current().values());
      this.merged = this.scanned ? merged : { ...merged, definedSecrets: null };
    }
    return this.merged;
  }

  /** Whether a kustomization of the workspace applies the file as a patch; true until the first scan is done. */
  isPatch(uri: string): boolean {
    if (!this.scanned) return true;
    if (!this.patches) {
      const keys = new Set<string>();
      for (const [key, facts] of this.current()) for (const patch of patchKeys(key, facts)) keys.add(patch);
      this.patches = keys;
    }
    return this.patches.has(keyOf(uri));
  }

  /** The workspace's kustomization files by path, with what each says (an open document's text over its file on disk). */
  kustomizations(): Map<string, Kustomization> {
    const found = new Map<string, Kustomization>();
    for (const [key, facts] of this.current()) {
      const path = facts.kustomization ? pathOf(key) : null;
      if (path !== null) found.set(path, facts.kustomization!);
    }
    return found;
  }

  /** The workspace folder that holds `path` (the innermost, when folders nest), or null. */
  folderOf(path: string): string | null {
    const holding = this.folders.filter((folder) => folder === path || inside(folder, path));
    return holding.sort((a, b) => b.length - a.length)[0] ?? null;
  }

  /** Every file's facts, an open document's over its file on disk. */
  private current(): Map<string, FileFacts> {
    const files = new Map(this.onDisk);
    for (const [key, facts] of this.open) files.set(key, facts);
    return files;
  }

  /** Reads every YAML file under the folders (file: URIs), up to MAX_INDEXED_FILES in all. */
  async scan(folderUris: readonly string[]): Promise<void> {
    const started = performance.now();
    const roots = folderUris.flatMap((uri) => pathOf(uri) ?? []);
    this.folders.push(...roots);
    const files = await this.findFiles(roots, (name) => INDEXED_FILE.test(name));
    for (const path of files) {
      if (this.disposed) return;
      await this.readDiskFile(path);
    }
    this.log(`Indexed ${files.length} YAML files in ${(performance.now() - started).toFixed(0)} ms.`);
    // The first scan makes the defined secrets and the patches known, so open documents must be validated again.
    this.scanned = true;
    this.changed({ secrets: true, patches: true });
  }

  /** Every YAML file of the workspace folders (as the index reads them: skipped folders and the file limit apply). */
  yamlFiles(): Promise<string[]> {
    return this.findFiles([...this.folders], (name) => INDEXED_FILE.test(name));
  }

  /** Every YAML file and Dockerfile of the workspace folders, for the workspace diagnostics (skipped folders and the file limit apply). */
  manifestFiles(): Promise<string[]> {
    return this.findFiles([...this.folders], MANIFEST_FILE);
  }

  /** Whether the workspace diagnostics cover the file: a YAML file or Dockerfile inside a workspace folder, not under a skipped one. */
  coversManifest(path: string): boolean {
    return MANIFEST_FILE(basename(path)) && this.inFolders(path);
  }

  /** Drops the files of workspace folders that were removed. */
  removeFolders(folderUris: readonly string[]): void {
    const removed = new Set(folderUris.flatMap((uri) => pathOf(uri) ?? []));
    this.folders = this.folders.filter((folder) => !removed.has(folder));
    const prefixes = [...removed].map((folder) => pathToFileURL(join(folder, sep)).href);
    let change = NO_CHANGE;
    for (const key of [...this.onDisk.keys()]) {
      if (prefixes.some((prefix) => key.startsWith(prefix))) change = either(change, this.setDiskFacts(key, undefined));
    }
    this.changed(change);
  }

  async applyFileEvents(events: readonly FileEvent[]): Promise<void> {
    let change = NO_CHANGE;
    for (const event of events) {
      const path = pathOf(event.uri);
      if (path === null || !this.isIndexed(path)) continue;
      const deleted = event.type === FileChangeType.Deleted;
      change = either(change, deleted ? this.setDiskFacts(keyOf(event.uri), undefined) : await this.readDiskFile(path));
    }
    this.changed(change);
  }

  setOpenDocument(uri: string, facts: FileFacts): void {
    const key = keyOf(uri);
    const before = this.open.get(key) ?? this.onDisk.get(key);
    this.open.set(key, facts);
    this.changed(changeBetween(before, facts));
  }

  closeDocument(uri: string): void {
    const key = keyOf(uri);
    const before = this.open.get(key);
    if (!before) return;
    this.open.delete(key);
    this.changed(changeBetween(before, this.onDisk.get(key)));
  }

  dispose(): void {
    this.disposed = true;
    this.secretsChanged.dispose();
    this.patchesChanged.dispose();
  }

  /** A watched file counts when it is YAML inside a workspace folder and not under a skipped directory. */
  private isIndexed(path: string): boolean {
    return INDEXED_FILE.test(path) && this.inFolders(path);
  }

  private inFolders(path: string): boolean {
    return this.folders.some((folder) => {
      const segments = relative(folder, path).split(sep);
      return inside(folder, path) && !segments.some((segment) => SKIPPED_DIRECTORIES.has(segment));
    });
  }

  private changed(change: Change): void {
    this.merged = null;
    if (change.patches) this.patches = null;
    if (!this.scanned || this.disposed) return;
    if (change.secrets) this.secretsChanged.fire();
    if (change.patches) this.patchesChanged.fire();
  }

  /** Returns what the file's new facts change (only then do diagnostics elsewhere change). */
  private setDiskFacts(key: string, facts: FileFacts | undefined): Change {
    const before = this.onDisk.get(key);
    if (facts) this.onDisk.set(key, facts);
    else this.onDisk.delete(key);
    this.merged = null;
    return this.open.has(key) ? NO_CHANGE : changeBetween(before, facts);
  }

  private async readDiskFile(path: string): Promise<Change> {
    const key = pathToFileURL(path).href;
    try {
      const info = await stat(path);
      if (!info.isFile() || info.size > MAX_INDEXED_FILE_BYTES) return this.setDiskFacts(key, undefined);
      if (!this.onDisk.has(key) && this.onDisk.size >= MAX_INDEXED_FILES) return NO_CHANGE;
      const text = await readFile(path, 'utf8');
      return this.setDiskFacts(key, fileFacts(analyze(text, { fileName: path, maxFileSize: MAX_INDEXED_FILE_BYTES })));
    } catch (error) {
      // The file went away or cannot be read; either way it defines nothing now.
      this.log(`Not indexed: ${path}: ${String(error)}`);
      return this.setDiskFacts(key, undefined);
    }
  }

  private async findFiles(roots: readonly string[], wanted: (name: string) => boolean): Promise<string[]> {
    const files: string[] = [];
    const pending = [...roots];
    while (pending.length > 0 && !this.disposed) {
      const directory = pending.pop()!;
      const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const path = join(directory, entry.name);
        if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) pending.push(path);
        else if (entry.isFile() && wanted(entry.name)) files.push(path);
        if (files.length >= MAX_INDEXED_FILES) {
          this.log(`Listed only the first ${MAX_INDEXED_FILES} files of the workspace.`);
          return files;
        }
      }
    }
    return files;
  }
}

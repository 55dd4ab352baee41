/**
 * workspace/executeCommand: the palette commands the server implements (the VS Code client
 * forwards them, since the server registers their ids).
 * - imageAware.pinWorkspace pins every image with a tag and no digest in every YAML file of the
 *   workspace folders (and every open document) with ONE WorkspaceEdit, asking the registry once per
 *   unique `repo:tag` (engine/pinEdits.ts). Open documents are edited at their current version.
 * - imageAware.refreshRegistry asks the registries again for every open document, past the tag cache.
 *   With an argument `{ image: "repo:tag" }` (the client sends it after a push, before it pins) only that
 *   tag is asked again, and every document is published again with its new answer.
 * Both do nothing on the network when imageAware.registry.online is off.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CancellationToken } from 'vscode-languageserver/node';
import { parseReference } from '../../core';
import { analyzeFile, pinEdits } from '../../engine';
import type { ServerContext } from '../context';
import { toWorkspaceEdit } from '../convert';
import type { FileEdits } from '../convert';
import { keyOf } from '../workspaceIndex';
import type { DiagnosticsPublisher } from './diagnostics';

export const COMMANDS = {
  pinWorkspace: 'imageAware.pinWorkspace',
  refreshRegistry: 'imageAware.refreshRegistry',
} as const;

export interface PinWorkspaceResult {
  /** Whether the client applied the edit (false also when there was nothing to pin). */
  readonly applied: boolean;
  readonly pinned: number;
  readonly files: number;
  readonly skipped: ReadonlyArray<{ readonly uri: string; readonly image: string; readonly reason: string }>;
  readonly message: string;
}

export interface CommandOptions {
  readonly diagnostics: DiagnosticsPublisher;
  /** The client accepts versioned `documentChanges` in a WorkspaceEdit. */
  readonly documentChanges: boolean;
}

interface Source {
  readonly uri: string;
  readonly version: number | null;
  readonly document: TextDocument;
}

/** Every open document, then every YAML file of the folders that is not open, with the text to edit. */
async function workspaceSources(context: ServerContext): Promise<Source[]> {
  const sources: Source[] = context.documents.all().map((document) => ({ uri: document.uri, version: document.version, document }));
  const open = new Set(sources.map((source) => keyOf(source.uri)));
  for (const path of await context.workspace.yamlFiles()) {
    const uri = pathToFileURL(path).href;
    if (open.has(keyOf(uri))) continue;
    try {
      sources.push({ uri, version: null, document: TextDocument.create(uri, 'yaml', 0, await readFile(path, 'utf8')) });
    } catch (error) {
      context.connection.console.log(`Not pinned: ${path} cannot be read: ${String(error)}`);
    }
  }
  return sources;
}

function signalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

async function pinWorkspace(context: ServerContext, options: CommandOptions, token: CancellationToken): Promise<PinWorkspaceResult> {
  const settings = await context.settings.global();
  const client = context.registry.clientIfOnline(settings.registry);
  if (!client) {
    const message = 'Not pinned: imageAware.registry.online is off, so no registry is asked.';
    void context.connection.window.showWarningMessage(message);
    return { applied: false, pinned: 0, files: 0, skipped: [], message };
  }
  const sources = await workspaceSources(context);
  const targets = sources.map((source) => ({
    id: source,
    analysis: analyzeFile(source.document.getText(), {
      fileName: source.uri,
      languageId: source.document.languageId,
      maxFileSize: settings.maxFileSize,
      locations: context.locations.tableFor(source.uri, settings),
    }),
  }));
  const report = await pinEdits(targets, client, { pin: settings.pin, signal: signalOf(token) });
  const skipped = report.skipped.map((s) => ({ uri: s.id.uri, image: s.image, reason: s.reason }));
  const pinned = report.files.reduce((sum, file) => sum + file.pins.length, 0);
  const note = skipped.length > 0 ? ` ${skipped.length} could not be pinned (see the Image Aware output).` : '';
  for (const s of skipped) context.connection.console.log(`Not pinned: ${s.image} in ${s.uri}: ${s.reason}`);
  if (pinned === 0) {
    const message = `Nothing to pin: no image with a tag and no digest that the registry knows.${note}`;
    void context.connection.window.showInformationMessage(message);
    return { applied: false, pinned, files: 0, skipped, message };
  }
  const files: FileEdits[] = report.files.map(({ id, pins }) => ({
    uri: id.uri,
    version: id.version,
    positionAt: (offset) => id.document.positionAt(offset),
    offsetAt: (position) => id.document.offsetAt(position),
    edits: pins.map((pin) => pin.edit),
  }));
  const label = `Pin ${pinned} image${pinned === 1 ? '' : 's'} to digests`;
  const result = await context.connection.workspace.applyEdit({ label, edit: toWorkspaceEdit(files, options.documentChanges) });
  const message = result.applied
    ? `Pinned ${pinned} image${pinned === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}.${note}`
    : `The editor did not apply the pins${result.failureReason ? `: ${result.failureReason}` : ''}.`;
  void context.connection.window.showInformationMessage(message);
  return { applied: result.applied, pinned, files: files.length, skipped, message };
}

/** The image of a refresh after a push (`{ image }`), or null for a refresh of everything. */
function pushedImage(argument: unknown): string | null {
  const image = typeof argument === 'object' && argument !== null ? (argument as { image?: unknown }).image : undefined;
  return typeof image === 'string' ? image : null;
}

async function refreshRegistry(context: ServerContext, options: CommandOptions, argument: unknown): Promise<null> {
  const image = pushedImage(argument);
  if (image === null) {
    options.diagnostics.scheduleAll(true);
    return null;
  }
  const parsed = parseReference(image);
  if (!parsed.ok || parsed.value.digest !== null) {
    context.connection.console.log(`Not refreshed: "${image}" is not an image reference by tag.`);
    return null;
  }
  const settings = await context.settings.global();
  if (await context.registry.tagPushed(parsed.value, settings.registry)) options.diagnostics.scheduleAll();
  return null;
}

export function registerCommands(context: ServerContext, options: CommandOptions): void {
  context.connection.onExecuteCommand((params, token) =>
    context.runSafe(`command ${params.command}`, token, null, async () => {
      if (params.command === COMMANDS.pinWorkspace) return pinWorkspace(context, options, token);
      if (params.command === COMMANDS.refreshRegistry) return refreshRegistry(context, options, params.arguments?.[0]);
      return null;
    }),
  );
}

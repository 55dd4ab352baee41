/**
 * imageAware.pinWorkspace: pins every image with a tag and no digest in every YAML file of the
 * workspace folders (and every open document), asking the registry once per unique `repo:tag`
 * (engine/pinEdits.ts). Open documents are edited at their current version.
 * By default the pins are applied as ONE WorkspaceEdit through workspace/applyEdit (other editors);
 * with `{ apply: false }` they are returned instead, each with its line, the image before and after
 * and its edit, so the VS Code client can preview them and apply the ones the user keeps. Either way
 * the result names every image left as it is, with its line and why: tags the registry could not
 * resolve, refused edits, fields no pin can touch, and places where the analysis stopped short.
 * Nothing is asked on the network when imageAware.registry.online is off.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CancellationToken } from 'vscode-languageserver/node';
import { unpinnableImages } from '../../core';
import type { Analysis } from '../../core';
import { analyzeFile, pinEdits, stoppedShort } from '../../engine';
import type { PinReport } from '../../engine';
import { signalOf } from '../context';
import type { ServerContext } from '../context';
import { toTextEdit, toWorkspaceEdit } from '../convert';
import type { FileEdits } from '../convert';
import type { NotPinned, PinWorkspaceArguments, PinWorkspaceResult, PlannedPin } from '../protocol';
import { keyOf } from '../workspaceIndex';

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

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function applyArgument(argument: unknown): boolean {
  const apply = typeof argument === 'object' && argument !== null ? (argument as PinWorkspaceArguments).apply : undefined;
  return apply !== false;
}

function plannedPins(report: PinReport<Source>): PlannedPin[] {
  return report.files.flatMap(({ id, pins }) =>
    pins.map((pin) => ({
      uri: id.uri,
      version: id.version,
      line: id.document.positionAt(pin.site.span.start).line,
      image: pin.site.ref.input,
      pinned: pin.value,
      edit: toTextEdit(pin.edit, id.document),
      replaces: id.document.getText().slice(pin.edit.start, pin.edit.end),
    })),
  );
}

/** The image fields of a file no pin can touch, and where its analysis stopped short. */
function unpinnableOf(source: Source, analysis: Analysis): NotPinned[] {
  const line = (offset: number) => source.document.positionAt(offset).line;
  const text = source.document.getText();
  return [
    ...unpinnableImages(analysis).map((image) => ({ uri: source.uri, line: line(image.start), image: text.slice(image.start, image.end), reason: image.why })),
    ...stoppedShort(analysis).map((place) => ({
      uri: source.uri,
      line: line(place.start),
      image: null,
      reason: `images past here are not pinned: ${place.message}`,
    })),
  ].sort((a, b) => a.line - b.line);
}

export async function pinWorkspace(context: ServerContext, documentChanges: boolean, argument: unknown, token: CancellationToken): Promise<PinWorkspaceResult> {
  const apply = applyArgument(argument);
  const nothing = { asked: false, applied: false, pinned: 0, files: 0, pins: [], skipped: [], unpinnable: [] };
  const settings = await context.settings.global();
  const client = context.registry.clientIfOnline(settings.registry);
  if (!client) {
    const message = 'Not pinned: imageAware.registry.online is off, so no registry is asked.';
    if (apply) void context.connection.window.showWarningMessage(message);
    return { ...nothing, message };
  }
  const targets = await Promise.all(
    (await workspaceSources(context)).map(async (source) => ({
      id: source,
      // As the open documents are analysed: by language (an open Dockerfile as a Dockerfile), with the
      // workspace's image locations and a values file's chart.
      analysis: analyzeFile(source.document.getText(), {
        fileName: source.uri,
        languageId: source.document.languageId,
        maxFileSize: settings.maxFileSize,
        locations: context.locations.tableFor(source.uri, settings),
        chart: await context.charts.valuesChart(source.uri),
      }),
    })),
  );
  const { signal, dispose } = signalOf(token);
  const report = await pinEdits(targets, client, { pin: settings.pin, signal }).finally(dispose);
  const skipped = report.skipped.map((s) => ({ uri: s.id.uri, line: s.id.document.positionAt(s.start).line, image: s.image, reason: s.reason }));
  const unpinnable = targets.flatMap((target) => unpinnableOf(target.id, target.analysis));
  const pins = plannedPins(report);
  const left = skipped.length + unpinnable.length;
  const note = left > 0 ? ` ${left} not pinned (see the Image Aware output).` : '';
  for (const s of [...skipped, ...unpinnable])
    context.connection.console.log(`Not pinned: ${s.uri}:${s.line + 1}: ${s.image ?? ''}${s.image ? ': ' : ''}${s.reason}`);
  const found = { asked: true, pinned: pins.length, files: report.files.length, skipped, unpinnable };
  if (!apply)
    return { ...found, applied: false, pins, message: `${plural(pins.length, 'image')} in ${plural(report.files.length, 'file')} can be pinned.${note}` };
  if (pins.length === 0) {
    const message = `Nothing to pin: no image with a tag and no digest that the registry knows.${note}`;
    void context.connection.window.showInformationMessage(message);
    return { ...nothing, asked: true, skipped, unpinnable, message };
  }
  const files: FileEdits[] = report.files.map(({ id, pins: filePins }) => ({
    uri: id.uri,
    version: id.version,
    positionAt: (offset) => id.document.positionAt(offset),
    offsetAt: (position) => id.document.offsetAt(position),
    edits: filePins.map((pin) => pin.edit),
  }));
  const label = `Pin ${plural(pins.length, 'image')} to digests`;
  const result = await context.connection.workspace.applyEdit({ label, edit: toWorkspaceEdit(files, documentChanges) });
  const message = result.applied
    ? `Pinned ${plural(pins.length, 'image')} in ${plural(files.length, 'file')}.${note}`
    : `The editor did not apply the pins${result.failureReason ? `: ${result.failureReason}` : ''}.`;
  void context.connection.window.showInformationMessage(message);
  return { ...found, applied: result.applied, pins: [], message };
}

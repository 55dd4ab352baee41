/**
 * What Pin Every Image in the Workspace tells when it ends: in the Build & Deploy output channel,
 * one workspace-relative `path:line` line per image pinned (`image → pinned`), per image left
 * unchecked in the preview, and per image or place left as it is with why; and a notification with
 * the counts and "Show Output", which stays in the notification centre until it is closed.
 */
import * as vscode from 'vscode';
import type { NotPinned, PlannedPin } from '../../../server/src/lsp';
import { informWithAction } from '../ui/confirm';
import type { Output } from '../ui/output';

export interface PinSummary {
  readonly pinned: readonly PlannedPin[];
  readonly unchecked: readonly PlannedPin[];
  /** Tags the registry could not resolve, refused edits, fields no pin can touch, places where the analysis stopped. */
  readonly notPinned: readonly NotPinned[];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function place(entry: { readonly uri: string; readonly line: number }): string {
  return `${vscode.workspace.asRelativePath(vscode.Uri.parse(entry.uri))}:${entry.line + 1}`;
}

/** In path order, then line order. */
function sorted<T extends { readonly uri: string; readonly line: number }>(entries: readonly T[]): Array<{ readonly at: string; readonly entry: T }> {
  return entries
    .map((entry) => ({ at: place(entry), path: vscode.workspace.asRelativePath(vscode.Uri.parse(entry.uri)), entry }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.entry.line - b.entry.line);
}

/** The one-sentence summary, as the notification says it. */
export function summaryMessage({ pinned, unchecked, notPinned }: PinSummary): string {
  const files = new Set(pinned.map((pin) => pin.uri)).size;
  if (pinned.length + unchecked.length + notPinned.length === 0) return 'Nothing to pin: no image has a tag without a digest.';
  const done = pinned.length > 0 ? `Pinned ${plural(pinned.length, 'image')} in ${plural(files, 'file')}.` : 'Nothing pinned.';
  const left = unchecked.length > 0 ? ` ${unchecked.length} left unchecked.` : '';
  const not = notPinned.length > 0 ? ` ${notPinned.length} not pinned: see the output.` : '';
  return `${done}${left}${not}`;
}

/** Writes the lines and shows the notification; returns its message. */
export function reportPins(summary: PinSummary, output: Output): string {
  for (const { at, entry } of sorted(summary.pinned)) output.line(`${at}: ${entry.image} → ${entry.pinned}`);
  for (const { at, entry } of sorted(summary.unchecked)) output.line(`${at}: ${entry.image}: left as it is (unchecked in the preview)`);
  for (const { at, entry } of sorted(summary.notPinned))
    output.line(entry.image === null ? `${at}: ${entry.reason}` : `${at}: ${entry.image}: not pinned: ${entry.reason}`);
  const message = summaryMessage(summary);
  output.line(message);
  informWithAction(message, 'Show Output', async () => output.show());
  return message;
}

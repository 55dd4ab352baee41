/**
 * What the extension-host tests share: the fixture workspace, opening documents the way a user
 * does, exact ranges found from the text, and polling (the server answers asynchronously; a test
 * waits for a condition, never for a fixed time).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'image-aware.image-aware-manifests';

/** What the runner seeded into the loopback registry (scripts/e2e/lib.mjs startSeededRegistry), and the workspace that uses it. */
export interface RegistrySeed {
  readonly host: string;
  /** `127.0.0.1:PORT/team/app` */
  readonly repository: string;
  readonly tagsNewestFirst: readonly string[];
  /** The single-platform image behind 1.2.0, 1.9.3, 1.10.0 and 2.0.0-rc.1. */
  readonly versionsDigest: string;
  readonly latestDigest: string;
  /** `2.0.0`: an OCI index over linux/amd64 and linux/arm64. */
  readonly index: { readonly digest: string; readonly platforms: ReadonlyArray<{ readonly platform: string; readonly digest: string }> };
  readonly workspace: string;
}

/** The seed from $IMAGE_AWARE_E2E_REGISTRY, or undefined when the runner started no registry. */
export function registrySeed(): RegistrySeed | undefined {
  const json = process.env.IMAGE_AWARE_E2E_REGISTRY;
  return json ? (JSON.parse(json) as RegistrySeed) : undefined;
}

/** What the runner started for the deploy workspace (scripts/e2e/lib.mjs startDeployStack). */
export interface DeploySeed {
  readonly workspace: string;
  /** `127.0.0.1:PORT` of the registry the suite pushes to. */
  readonly registryHost: string;
  /** `127.0.0.1:PORT/team/web`, the image web/Dockerfile builds. */
  readonly repository: string;
  /** https://127.0.0.1:PORT of the stub API server. */
  readonly apiserver: string;
  /** KUBECONFIG as the runner set it: the "stub" file, then the "stub-reader" one. */
  readonly kubeconfig: string;
}

export function deploySeed(): DeploySeed | undefined {
  const json = process.env.IMAGE_AWARE_E2E_DEPLOY;
  return json ? (JSON.parse(json) as DeploySeed) : undefined;
}

export type E2eWorkspace = 'editor' | 'registry' | 'deploy';

/** Which of the runner's workspaces this extension host's window has open (the offline fixture unless it is one of the others). */
export function whichWorkspace(): E2eWorkspace {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (folder === undefined || folder.scheme !== 'file') return 'editor';
  if (folder.fsPath === registrySeed()?.workspace) return 'registry';
  if (folder.fsPath === deploySeed()?.workspace) return 'deploy';
  return 'editor';
}

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the fixture workspace open as a folder');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** Opens a workspace file in an editor, as a click in the explorer does. */
export async function openEditor(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(name));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** The text of a workspace file as it is on disk. */
export async function diskText(name: string): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri(name)));
}

/**
 * The exact range of `part` inside the first occurrence of `context` in the document: the range a
 * diagnostic, hover or edit is expected to have, found from the text instead of counted by hand.
 */
export function rangeOf(document: vscode.TextDocument, context: string, part: string = context, occurrence = 1): vscode.Range {
  const text = document.getText();
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(context, at + 1);
    assert.notEqual(at, -1, `"${context}" (occurrence ${i + 1}) is not in ${document.uri.path}`);
  }
  const inner = context.indexOf(part);
  assert.notEqual(inner, -1, `"${part}" is not in "${context}"`);
  return new vscode.Range(document.positionAt(at + inner), document.positionAt(at + inner + part.length));
}

export function positionAfter(document: vscode.TextDocument, context: string, occurrence = 1): vscode.Position {
  return rangeOf(document, context, context, occurrence).end;
}

export function show(range: vscode.Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

/** Polls `probe` until it returns something other than undefined; fails with `what` and the last value seen. */
export async function poll<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : last === undefined ? '' : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `: ${detail}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `check` until it stops throwing; rethrows its last assertion error on timeout. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface SeenDiagnostic {
  readonly code: string;
  readonly range: string;
  readonly severity: string;
}

/** This extension's diagnostics on `uri`, as comparable records sorted by position. */
export function ourDiagnostics(uri: vscode.Uri): SeenDiagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'image-aware')
    .sort((a, b) => a.range.start.compareTo(b.range.start) || String(codeOf(a)).localeCompare(String(codeOf(b))))
    .map((d) => ({ code: codeOf(d), range: show(d.range), severity: vscode.DiagnosticSeverity[d.severity] }));
}

export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

/** Waits until the diagnostics on `uri` are exactly `expected` (the server publishes after a debounce). */
export async function expectDiagnostics(uri: vscode.Uri, expected: SeenDiagnostic[], timeoutMs = 30_000): Promise<void> {
  await eventually(() => assert.deepEqual(ourDiagnostics(uri), expected), timeoutMs);
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

export function labelOf(item: vscode.CompletionItem | vscode.InlayHint): string {
  const label = item.label;
  if (typeof label === 'string') return label;
  if (Array.isArray(label)) return label.map((part) => part.value).join('');
  return label.label;
}

/** Reverts the active editor to what is on disk, so every test starts from the fixture. */
export async function revert(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document, { preview: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await poll('the document to be clean again', () => (editor.document.isDirty ? undefined : true));
}

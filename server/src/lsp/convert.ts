/**
 * Converts the core's plain values (absolute UTF-16 offsets, markdown strings) to LSP types and
 * back. This is the only place that knows both shapes; handlers call it and nothing else converts.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  DiagnosticTag,
  MarkupKind,
  SemanticTokensBuilder,
  TextDocumentEdit,
} from 'vscode-languageserver/node';
import type * as lsp from 'vscode-languageserver/node';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IMAGE_TOKEN_MODIFIERS, IMAGE_TOKEN_TYPES } from '../core';
import type { CodeAction, CompletionItem, CompletionList, Diagnostic, DiagnosticCode, Hover, ImageToken, InlayHint, Severity, TextEdit } from '../core';

/**
 * Each diagnostic code links to its entry in docs/diagnostics.md, which has an anchor per code and
 * ships in the VSIX; dist/server.js sits one folder below docs/ in a checkout and in the VSIX alike.
 * The project has no public home page yet.
 */
const DIAGNOSTICS_PAGE_URL = pathToFileURL(resolve(__dirname, '..', 'docs', 'diagnostics.md')).href;

const DIAGNOSTIC_SOURCE = 'image-aware';
/** Findings computed from what a registry answered carry their own source, so people see where they come from. */
const REGISTRY_SOURCE = 'image-aware/registry';

/** What converting needs from a TextDocument: offsets to positions and back. */
export interface PositionMap {
  positionAt(offset: number): lsp.Position;
  offsetAt(position: lsp.Position): number;
}

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Codes whose range marks text that can simply go, which editors render faded. */
const UNNECESSARY: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(['digest-with-latest', 'redundant-pull-policy']);

function toRange(map: PositionMap, start: number, end: number): lsp.Range {
  return { start: map.positionAt(start), end: map.positionAt(end) };
}

export function toOffsets(map: PositionMap, range: lsp.Range): { start: number; end: number } {
  return { start: map.offsetAt(range.start), end: map.offsetAt(range.end) };
}

export function toDiagnostic(diagnostic: Diagnostic, map: PositionMap): lsp.Diagnostic {
  return {
    range: toRange(map, diagnostic.start, diagnostic.end),
    severity: SEVERITIES[diagnostic.severity],
    code: diagnostic.code,
    codeDescription: { href: `${DIAGNOSTICS_PAGE_URL}#${diagnostic.code}` },
    source: diagnostic.origin === 'registry' ? REGISTRY_SOURCE : DIAGNOSTIC_SOURCE,
    message: diagnostic.message,
    tags: UNNECESSARY.has(diagnostic.code) ? [DiagnosticTag.Unnecessary] : undefined,
  };
}

export function toHover(hover: Hover, map: PositionMap): lsp.Hover {
  return { contents: { kind: MarkupKind.Markdown, value: hover.markdown }, range: toRange(map, hover.start, hover.end) };
}

const COMPLETION_KINDS: Record<CompletionItem['kind'], CompletionItemKind> = {
  policy: CompletionItemKind.EnumMember,
  image: CompletionItemKind.Value,
  tag: CompletionItemKind.Constant,
  digest: CompletionItemKind.Reference,
};

/**
 * `isIncomplete` asks the client to request again as the user types (the registry had not answered yet).
 * A row's mark and description go into `labelDetails`, which clients show in every row without wrapping; a client
 * without labelDetails support gets the description at the start of `detail` (which says "moving tag" itself).
 */
export function toCompletionList(list: CompletionList, map: PositionMap, isIncomplete = false, labelDetails = true): lsp.CompletionList {
  const range = toRange(map, list.start, list.end);
  return {
    isIncomplete,
    items: list.items.map((item) => ({
      label: item.label,
      kind: COMPLETION_KINDS[item.kind],
      ...(item.labelDetail === undefined && item.description === undefined
        ? { detail: item.detail }
        : labelDetails
          ? { labelDetails: { detail: item.labelDetail, description: item.description }, detail: item.detail }
          : { detail: [item.description, item.detail].filter(Boolean).join(' · ') }),
      documentation: item.documentation === undefined ? undefined : { kind: MarkupKind.Markdown, value: item.documentation },
      sortText: item.sortText,
      preselect: item.preselect,
      ...(item.insertText === undefined ? {} : { filterText: item.insertText }),
      textEdit: { range, newText: item.insertText ?? item.label },
    })),
  };
}

export function toInlayHint(hint: InlayHint, map: PositionMap): lsp.InlayHint {
  return { position: map.positionAt(hint.offset), label: hint.label, tooltip: hint.tooltip, paddingLeft: true };
}

export function toTextEdit(edit: TextEdit, map: PositionMap): lsp.TextEdit {
  return { range: toRange(map, edit.start, edit.end), newText: edit.newText };
}

/** The document a code action edits: its edits are only valid for this version of the text. */
export interface EditTarget extends PositionMap {
  readonly uri: string;
  readonly version: number;
}

/**
 * Builds the LSP code action. Of the diagnostics the client sent, it attaches those the action
 * fixes: same code, and a range that touches one of the action's edits (for an action still waiting
 * for a registry answer, which has none yet: the diagnostics of its code).
 * With `documentChanges` the edit names the document version, so a client can refuse a stale one.
 * An action waiting for a registry answer (`needs`) goes without its edit, with `data` for codeAction/resolve.
 */
export function toCodeAction(
  action: CodeAction,
  target: EditTarget,
  context: readonly lsp.Diagnostic[],
  documentChanges: boolean,
  data?: unknown,
): lsp.CodeAction {
  const edits = action.edits.map((edit) => toTextEdit(edit, target));
  const fixed = context.filter((diagnostic) => {
    if ((diagnostic.source !== DIAGNOSTIC_SOURCE && diagnostic.source !== REGISTRY_SOURCE) || !action.fixes.some((code) => code === diagnostic.code))
      return false;
    const span = toOffsets(target, diagnostic.range);
    return action.needs !== undefined || action.edits.some((edit) => edit.start <= span.end && span.start <= edit.end);
  });
  const edit = documentChanges
    ? { documentChanges: [TextDocumentEdit.create({ uri: target.uri, version: target.version }, edits)] }
    : { changes: { [target.uri]: edits } };
  return {
    title: action.title,
    kind: action.fixes.length > 0 ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
    diagnostics: fixed.length > 0 ? fixed : undefined,
    isPreferred: action.isPreferred || undefined,
    ...(action.needs === undefined ? { edit } : { data }),
  };
}

/** One file of a workspace-wide edit: an open document (versioned) or a file on disk (version null). */
export interface FileEdits extends PositionMap {
  readonly uri: string;
  readonly version: number | null;
  readonly edits: readonly TextEdit[];
}

/** One WorkspaceEdit over many files, as documentChanges when the client supports them. */
export function toWorkspaceEdit(files: readonly FileEdits[], documentChanges: boolean): lsp.WorkspaceEdit {
  if (documentChanges) {
    return {
      documentChanges: files.map((file) =>
        TextDocumentEdit.create(
          { uri: file.uri, version: file.version },
          file.edits.map((edit) => toTextEdit(edit, file)),
        ),
      ),
    };
  }
  return { changes: Object.fromEntries(files.map((file) => [file.uri, file.edits.map((edit) => toTextEdit(edit, file))])) };
}

/** The semantic token legend: the core's token types and modifiers, in its order. */
export const SEMANTIC_TOKENS_LEGEND: lsp.SemanticTokensLegend = { tokenTypes: [...IMAGE_TOKEN_TYPES], tokenModifiers: [...IMAGE_TOKEN_MODIFIERS] };

const TOKEN_TYPE_INDEX = new Map<string, number>(IMAGE_TOKEN_TYPES.map((type, index) => [type, index]));

/** Encodes tokens (in text order, each on one line) the way LSP sends them: relative positions, legend indices, modifier bits. */
export function toSemanticTokens(tokens: readonly ImageToken[], map: PositionMap): lsp.SemanticTokens {
  const builder = new SemanticTokensBuilder();
  for (const token of tokens) {
    const at = map.positionAt(token.start);
    const modifiers = token.modifiers.reduce((bits, modifier) => bits | (1 << IMAGE_TOKEN_MODIFIERS.indexOf(modifier)), 0);
    builder.push(at.line, at.character, token.end - token.start, TOKEN_TYPE_INDEX.get(token.type)!, modifiers);
  }
  return builder.build();
}

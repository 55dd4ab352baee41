/**
 * textDocument/codeAction: quick fixes for the diagnostics under the cursor, and rewrites offered
 * without one. Each fix carries the diagnostics it resolves, taken from the request's context.
 * Pinning actions use the registry facts already fetched for the document. The version fixes of an
 * image on `latest` read its repository's tag list, asked on demand (from the registry client's cache
 * after the first time) and waited for at most TAG_LIST_WAIT_MS: without it they offer the
 * workspace's tags. An action whose digest the facts lack ("Use version X and its digest") is sent
 * without its edit, and codeAction/resolve asks the registry for that tag when it is chosen, then
 * computes the actions again with the answer; clients that cannot resolve an edit do not get it.
 * On an image, when a vulnerability scanner is installed and registries may be asked, "Scan … for
 * vulnerabilities" runs imageAware.scanImage (./scanImage.ts); it has no kind, so a kind filter leaves it out.
 */
import { ResponseError } from 'vscode-languageserver/node';
import type { CancellationToken, CodeAction as LspCodeAction } from 'vscode-languageserver/node';
import { codeActionTagNeeds, computeCodeActions, mergeRegistryFacts, scanActionAt } from '../../core';
import type { Analysis, CodeAction, ManifestQuery, RegistryFacts, Settings } from '../../core';
import { answerFor, signalOf, within } from '../context';
import type { OpenAnalysis, ServerContext } from '../context';
import { toCodeAction, toOffsets } from '../convert';
import { COMMANDS } from '../protocol';
import type { ScanImageArguments } from '../protocol';

export interface CodeActionOptions {
  /** The client accepts versioned `documentChanges` in a WorkspaceEdit. */
  readonly documentChanges: boolean;
  /** The client resolves a code action's `edit` lazily (codeAction/resolve). */
  readonly resolveEdit: boolean;
}

/** How long a code action request waits for a tag list; the lightbulb must not lag behind the cursor. */
const TAG_LIST_WAIT_MS = 1500;

/** How long resolving a chosen action waits for the registry. */
const RESOLVE_WAIT_MS = 10_000;

/** What a code action sent without its edit carries, to compute it again on codeAction/resolve. */
interface PendingAction {
  readonly uri: string;
  readonly version: number;
  readonly start: number;
  readonly end: number;
  readonly needs: ManifestQuery;
}

function isPending(data: unknown): data is PendingAction {
  const pending = data as Partial<PendingAction> | null;
  return (
    typeof pending?.uri === 'string' &&
    typeof pending.version === 'number' &&
    typeof pending.start === 'number' &&
    typeof pending.end === 'number' &&
    typeof pending.needs?.key === 'string'
  );
}

/**
 * The registry facts for the actions at `[start, end]`: the document's, with the tag lists the version fixes read and
 * `manifest` when given; null when offline. What has not arrived within `ms` is left out.
 */
async function factsFor(
  context: ServerContext,
  open: OpenAnalysis,
  start: number,
  end: number,
  token: CancellationToken,
  ms: number,
  manifest?: ManifestQuery,
): Promise<RegistryFacts | null> {
  const { registry } = open.settings;
  if (!registry.online) return null;
  const uri = open.document.uri;
  const known = context.scans.withScans(context.registry.factsOf(uri));
  const needs = [
    ...codeActionTagNeeds(open.analysis, start, end).filter((need) => !known.tags.has(need.key)),
    ...(manifest ? [{ kind: 'manifest' as const, query: manifest }] : []),
  ];
  if (needs.length === 0) return known;
  const { signal, dispose } = signalOf(token);
  try {
    const asked = await Promise.all(needs.map((need) => within(context.registry.completionFacts(uri, need, registry, signal), ms)));
    return mergeRegistryFacts(known, ...asked.filter((facts) => facts !== undefined));
  } finally {
    dispose();
  }
}

function actionsAt(context: ServerContext, open: OpenAnalysis, start: number, end: number, facts: RegistryFacts | null): CodeAction[] {
  return computeCodeActions(open.analysis, start, end, open.settings, context.workspace.facts(), facts);
}

export function registerCodeActions(context: ServerContext, options: CodeActionOptions): void {
  context.connection.onCodeAction((params, token) =>
    answerFor(context, 'codeAction', params.textDocument.uri, token, async (open) => {
      const { start, end } = toOffsets(open.document, params.range);
      const facts = await factsFor(context, open, start, end, token, TAG_LIST_WAIT_MS);
      const target = open.document;
      const actions = actionsAt(context, open, start, end, facts)
        .filter((action) => action.needs === undefined || options.resolveEdit)
        .map((action) => {
          const data: PendingAction | undefined = action.needs && { uri: target.uri, version: target.version, start, end, needs: action.needs };
          return toCodeAction(action, target, params.context.diagnostics, options.documentChanges, data);
        });
      const scan = scanAction(context, target.uri, open.analysis, start, end, open.settings, facts);
      if (scan) actions.push(scan);
      const only = params.context.only;
      // A kind filter matches its sub-kinds too: `refactor` asks for `refactor.rewrite`.
      return only ? actions.filter((action) => only.some((kind) => action.kind === kind || action.kind?.startsWith(`${kind}.`))) : actions;
    }),
  );
  if (options.resolveEdit) context.connection.onCodeActionResolve((action, token) => resolveAction(context, options, action, token));
}

/**
 * Asks the registry what a pending action needs, computes the actions again with the answer and gives the chosen one
 * its edit; when the document changed or the registry gave no answer, the action stays without an edit and a warning
 * says why.
 */
async function resolveAction(context: ServerContext, options: CodeActionOptions, action: LspCodeAction, token: CancellationToken): Promise<LspCodeAction> {
  const pending = action.data;
  if (!isPending(pending)) return action;
  const resolved = await answerFor(context, 'codeAction/resolve', pending.uri, token, async (open) => {
    if (open.document.version !== pending.version) return null;
    const facts = await factsFor(context, open, pending.start, pending.end, token, RESOLVE_WAIT_MS, pending.needs);
    const match = actionsAt(context, open, pending.start, pending.end, facts).find((a) => a.title === action.title && a.needs === undefined);
    return match ? toCodeAction(match, open.document, action.diagnostics ?? [], options.documentChanges) : null;
  });
  if (resolved && !(resolved instanceof ResponseError)) return resolved;
  if (!token.isCancellationRequested) {
    const { registry, path, reference } = pending.needs;
    void context.connection.window.showWarningMessage(
      `"${action.title}" changed nothing: ${registry} gave no digest for ${path}:${reference} in time, or the document changed.`,
    );
  }
  return action;
}

function scanAction(
  context: ServerContext,
  uri: string,
  analysis: Analysis,
  start: number,
  end: number,
  settings: Settings,
  facts: RegistryFacts | null,
): LspCodeAction | null {
  if (facts === null || !context.scans.scanner(settings.scan.scanner).ok) return null;
  const action = scanActionAt(analysis, start, end, facts);
  if (action === null) return null;
  const argument: ScanImageArguments = { image: action.image, uri, fresh: action.fresh };
  return { title: action.title, command: { title: action.title, command: COMMANDS.scanImage, arguments: [argument] } };
}

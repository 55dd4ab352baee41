/**
 * textDocument/codeAction: quick fixes for the diagnostics under the cursor, and rewrites offered
 * without one. Each fix carries the diagnostics it resolves, taken from the request's context.
 * Pinning actions use the registry facts already fetched for the document; they never wait.
 * On an image, when a vulnerability scanner is installed and registries may be asked, "Scan … for
 * vulnerabilities" runs imageAware.scanImage (./scanImage.ts); it has no kind, so a kind filter leaves it out.
 */
import type * as lsp from 'vscode-languageserver/node';
import { computeCodeActions, scanActionAt } from '../../core';
import type { Analysis, RegistryFacts, Settings } from '../../core';
import { answerFor } from '../context';
import type { ServerContext } from '../context';
import { toCodeAction, toOffsets } from '../convert';
import { COMMANDS } from '../protocol';
import type { ScanImageArguments } from '../protocol';

export interface CodeActionOptions {
  /** The client accepts versioned `documentChanges` in a WorkspaceEdit. */
  readonly documentChanges: boolean;
}

export function registerCodeActions(context: ServerContext, options: CodeActionOptions): void {
  context.connection.onCodeAction((params, token) =>
    answerFor(context, 'codeAction', params.textDocument.uri, token, (open) => {
      const { start, end } = toOffsets(open.document, params.range);
      const facts = open.settings.registry.online ? context.scans.withScans(context.registry.factsOf(open.document.uri)) : null;
      const actions = computeCodeActions(open.analysis, start, end, open.settings, context.workspace.facts(), facts).map((action) =>
        toCodeAction(action, open.document, params.context.diagnostics, options.documentChanges),
      );
      const scan = scanAction(context, open.document.uri, open.analysis, start, end, open.settings, facts);
      if (scan) actions.push(scan);
      const only = params.context.only;
      // A kind filter matches its sub-kinds too: `refactor` asks for `refactor.rewrite`.
      return only ? actions.filter((action) => only.some((kind) => action.kind === kind || action.kind?.startsWith(`${kind}.`))) : actions;
    }),
  );
}

function scanAction(
  context: ServerContext,
  uri: string,
  analysis: Analysis,
  start: number,
  end: number,
  settings: Settings,
  facts: RegistryFacts | null,
): lsp.CodeAction | null {
  if (facts === null || !context.scans.scanner(settings.scan.scanner).ok) return null;
  const action = scanActionAt(analysis, start, end, facts);
  if (action === null) return null;
  const argument: ScanImageArguments = { image: action.image, uri, fresh: action.fresh };
  return { title: action.title, command: { title: action.title, command: COMMANDS.scanImage, arguments: [argument] } };
}

/**
 * textDocument/codeAction: quick fixes for the diagnostics under the cursor, and rewrites offered
 * without one. Each fix carries the diagnostics it resolves, taken from the request's context.
 * Pinning actions use the registry facts already fetched for the document; they never wait.
 */
import { computeCodeActions } from '../../core';
import { answerFor } from '../context';
import type { ServerContext } from '../context';
import { toCodeAction, toOffsets } from '../convert';

export interface CodeActionOptions {
  /** The client accepts versioned `documentChanges` in a WorkspaceEdit. */
  readonly documentChanges: boolean;
}

export function registerCodeActions(context: ServerContext, options: CodeActionOptions): void {
  context.connection.onCodeAction((params, token) =>
    answerFor(context, 'codeAction', params.textDocument.uri, token, (open) => {
      const { start, end } = toOffsets(open.document, params.range);
      const facts = open.settings.registry.online ? context.registry.factsOf(open.document.uri) : null;
      const actions = computeCodeActions(open.analysis, start, end, open.settings, context.workspace.facts(), facts).map((action) =>
        toCodeAction(action, open.document, params.context.diagnostics, options.documentChanges),
      );
      const only = params.context.only;
      // A kind filter matches its sub-kinds too: `refactor` asks for `refactor.rewrite`.
      return only ? actions.filter((action) => only.some((kind) => action.kind === kind || action.kind?.startsWith(`${kind}.`))) : actions;
    }),
  );
}

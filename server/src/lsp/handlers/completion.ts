/** textDocument/completion: imagePullPolicy values and image names the workspace already uses. */
import { computeCompletions } from '../../core/features/completion';
import { openAnalysis } from '../context';
import type { ServerContext } from '../context';
import { toCompletionList } from '../convert';

/** `:` opens a value after `image:` or `imagePullPolicy:`; the space after it is where typing starts. */
export const COMPLETION_TRIGGER_CHARACTERS = [':', ' '];

export function registerCompletion(context: ServerContext): void {
  context.connection.onCompletion((params, token) =>
    context.runSafe('completion', token, null, async () => {
      const open = await openAnalysis(context, params.textDocument.uri);
      if (!open) return null;
      const offset = open.document.offsetAt(params.position);
      const list = computeCompletions(open.analysis, offset, context.workspace.facts());
      return list && toCompletionList(list, open.document);
    }),
  );
}

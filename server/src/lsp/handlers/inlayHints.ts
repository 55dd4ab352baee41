/** textDocument/inlayHint: the imagePullPolicy Kubernetes fills in where the manifest sets none. */
import { computeInlayHints } from '../../core';
import { answerFor } from '../context';
import type { ServerContext } from '../context';
import { toInlayHint, toOffsets } from '../convert';

export function registerInlayHints(context: ServerContext): void {
  context.connection.languages.inlayHint.on((params, token) =>
    answerFor(context, 'inlayHint', params.textDocument.uri, token, (open) => {
      const { start, end } = toOffsets(open.document, params.range);
      return computeInlayHints(open.analysis, start, end, open.settings).map((hint) => toInlayHint(hint, open.document));
    }),
  );
}

/**
 * textDocument/semanticTokens (full and range): the parts of every image value the analysis
 * understood, so the editor colours exactly what is analysed (see core/features/imageTokens.ts).
 */
import { computeImageTokens } from '../../core';
import { answerFor } from '../context';
import type { ServerContext } from '../context';
import { toOffsets, toSemanticTokens } from '../convert';

export function registerSemanticTokens(context: ServerContext): void {
  const tokens = context.connection.languages.semanticTokens;
  tokens.on((params, token) =>
    answerFor(context, 'semanticTokens/full', params.textDocument.uri, token, (open) => toSemanticTokens(computeImageTokens(open.analysis), open.document)),
  );
  tokens.onRange((params, token) =>
    answerFor(context, 'semanticTokens/range', params.textDocument.uri, token, (open) =>
      toSemanticTokens(computeImageTokens(open.analysis, toOffsets(open.document, params.range)), open.document),
    ),
  );
}

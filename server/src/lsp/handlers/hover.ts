/** textDocument/hover: what an image reference means and which pull policy applies to it. */
import { computeHover } from '../../core/features/hover';
import { openAnalysis } from '../context';
import type { ServerContext } from '../context';
import { toHover } from '../convert';

export function registerHover(context: ServerContext): void {
  context.connection.onHover((params, token) =>
    context.runSafe('hover', token, null, async () => {
      const open = await openAnalysis(context, params.textDocument.uri);
      if (!open) return null;
      const hover = computeHover(open.analysis, open.document.offsetAt(params.position));
      return hover && toHover(hover, open.document);
    }),
  );
}

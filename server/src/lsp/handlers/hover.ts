/**
 * textDocument/hover: what an image reference means, which pull policy applies to it, and what
 * the registry says about it (from the facts already fetched for the document; a fetch still
 * running is waited for briefly, so the first hover after opening a file has them too), and what the
 * workspace's kustomize overlays make of an image (overlays.ts).
 */
import { computeHover } from '../../core';
import { answerFor, within } from '../context';
import type { ServerContext } from '../context';
import { toHover } from '../convert';

/** How long a hover waits for a registry fetch that is already running. */
const HOVER_WAIT_MS = 1500;

export function registerHover(context: ServerContext): void {
  context.connection.onHover((params, token) =>
    answerFor(context, 'hover', params.textDocument.uri, token, async (open) => {
      const offset = open.document.offsetAt(params.position);
      const pending = open.settings.registry.online ? context.registry.pending(open.document.uri) : undefined;
      if (pending) await within(pending, HOVER_WAIT_MS);
      const facts = open.settings.registry.online ? context.registry.factsOf(open.document.uri) : null;
      const overlays = await context.overlays.of(open.document.uri, open.analysis);
      const hover = computeHover(open.analysis, offset, facts, overlays);
      return hover && toHover(hover, open.document);
    }),
  );
}

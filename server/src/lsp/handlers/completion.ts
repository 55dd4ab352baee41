/**
 * textDocument/completion: imagePullPolicy values, image names the workspace already uses, and
 * from the registry the tags of a repository (after `:`) or the digest of a tag (after `@`).
 * The registry is asked on demand, cancelled with the request (the LSP token becomes an
 * AbortSignal), and never for longer than REGISTRY_WAIT_MS: past that the list is answered without
 * it and marked incomplete, so the client asks again as the user types while the answer lands in
 * the registry client's cache. Completion never holds up typing.
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import { computeCompletions, registryCompletionNeed } from '../../core';
import type { RegistryFacts } from '../../core';
import { answerFor, within } from '../context';
import type { ServerContext } from '../context';
import { toCompletionList } from '../convert';

/** `:` opens a value after `image:` or `imagePullPolicy:` (and a tag); `@` a digest; the space after `:` is where typing starts. */
export const COMPLETION_TRIGGER_CHARACTERS = [':', ' ', '@'];

const REGISTRY_WAIT_MS = 2500;

/** An AbortSignal that aborts when the LSP request is cancelled. */
function signalOf(token: CancellationToken): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => listener.dispose() };
}

export function registerCompletion(context: ServerContext): void {
  context.connection.onCompletion((params, token) =>
    answerFor(context, 'completion', params.textDocument.uri, token, async (open) => {
      const offset = open.document.offsetAt(params.position);
      const need = open.settings.registry.online ? registryCompletionNeed(open.analysis, offset) : null;
      let facts: RegistryFacts | null = null;
      let incomplete = false;
      if (need) {
        const { signal, dispose } = signalOf(token);
        try {
          facts = (await within(context.registry.completionFacts(open.document.uri, need, open.settings.registry, signal), REGISTRY_WAIT_MS)) ?? null;
        } finally {
          dispose();
        }
        incomplete = facts === null;
      }
      const list = computeCompletions(open.analysis, offset, context.workspace.facts(), facts);
      return list && toCompletionList(list, open.document, incomplete);
    }),
  );
}

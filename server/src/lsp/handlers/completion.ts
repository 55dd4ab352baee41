/**
 * textDocument/completion: imagePullPolicy values, image names the workspace already uses, and
 * from the registry the tags of a repository (after `:`) or the digest of a tag (after `@`).
 * The registry is asked on demand, cancelled with the request (the LSP token becomes an
 * AbortSignal), and never for longer than REGISTRY_WAIT_MS: past that the list is answered without
 * it and marked incomplete, so the client asks again as the user types while the answer lands in
 * the registry client's cache. Within the same time the manifests of the first tags offered are asked
 * (core tagDescriptionNeeds), so their rows show platforms and created dates. Completion never holds up typing.
 */
import { computeCompletions, mergeRegistryFacts, registryCompletionNeed, tagDescriptionNeeds } from '../../core';
import type { CompletionNeed, RegistryFacts } from '../../core';
import { answerFor, signalOf, within } from '../context';
import type { ServerContext } from '../context';
import { toCompletionList } from '../convert';

/** `:` opens a value after `image:` or `imagePullPolicy:` (and a tag); `@` a digest; the space after `:` is where typing starts. */
export const COMPLETION_TRIGGER_CHARACTERS = [':', ' ', '@'];

const REGISTRY_WAIT_MS = 2500;

export interface CompletionOptions {
  /** The client shows `labelDetails` (a mark after the label, a description at the row's end). */
  readonly labelDetails: boolean;
}

export function registerCompletion(context: ServerContext, options: CompletionOptions): void {
  context.connection.onCompletion((params, token) =>
    answerFor(context, 'completion', params.textDocument.uri, token, async (open) => {
      const offset = open.document.offsetAt(params.position);
      const need = open.settings.registry.online ? registryCompletionNeed(open.analysis, offset) : null;
      let facts: RegistryFacts | null = null;
      let incomplete = false;
      if (need) {
        const deadline = Date.now() + REGISTRY_WAIT_MS;
        const { signal, dispose } = signalOf(token);
        const ask = (asked: CompletionNeed): Promise<RegistryFacts> =>
          context.registry.completionFacts(open.document.uri, asked, open.settings.registry, signal);
        try {
          facts = (await within(ask(need), REGISTRY_WAIT_MS)) ?? null;
          const described = facts ? tagDescriptionNeeds(open.analysis, offset, facts) : [];
          if (facts && described.length > 0) {
            const answers = await within(Promise.all(described.map((query) => ask({ kind: 'manifest', query }))), Math.max(0, deadline - Date.now()));
            // Rows without their description yet: the client asks again as the user types, from the cache by then.
            if (answers) facts = mergeRegistryFacts(facts, ...answers);
            else incomplete = true;
          }
        } finally {
          dispose();
        }
        incomplete ||= facts === null;
      }
      const list = computeCompletions(open.analysis, offset, context.workspace.facts(), facts);
      return list && toCompletionList(list, open.document, incomplete, options.labelDetails);
    }),
  );
}

/**
 * Pushes diagnostics (textDocument/publishDiagnostics). A document's first validation after it opens
 * starts at once; later ones wait until it has been quiet for DEBOUNCE_MS (validationSchedule.ts), and
 * a result computed for a version the editor has moved past is dropped.
 * Each run also records the document's facts in the workspace index, so open documents override
 * their files on disk, and asks it whether a kustomization applies the document as a patch.
 * Registry findings never hold diagnostics back: a run publishes at once with the registry facts
 * already known for the document, then asks the registries in the background and publishes again
 * when their answers arrive (if the document is still at that version). That round ends once every
 * request it made has settled, and runs through runSafe, so a trace shows when it ended, online or not.
 * Vulnerability scans of the document's images (lsp/scans.ts) count as registry facts: those of
 * earlier sessions are recalled from disk in the same round, and publish the document again.
 * A registry's own problem (registry-unreachable, unauthorized) is not published in the files: the
 * server sends it once per registry as imageAware/registryStatus, which the client shows in its status bar.
 * A validation counts as work for the idle collection (idleCollection.ts) from when it is scheduled until its
 * registry round has ended, so the server runs a full garbage collection once no validation has been waiting or
 * running for IDLE_GC_MS.
 */
import { CancellationToken } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { collectDiagnostics, fileFacts } from '../../core';
import type { RegistryFacts } from '../../core';
import { systemClock } from '../../engine';
import { openAnalysis } from '../context';
import type { OpenAnalysis, ServerContext } from '../context';
import { toDiagnostic } from '../convert';
import { fullGc, IdleCollection } from '../idleCollection';
import { ValidationSchedule } from '../validationSchedule';

const DEBOUNCE_MS = 150;
/** Quiet time after the last validation before a full collection: longer than a pause between keystrokes. */
const IDLE_GC_MS = 1000;

export class DiagnosticsPublisher {
  private readonly validations: ValidationSchedule;
  /** Open documents whose last diagnostics depended on the workspace's pull secrets. */
  private readonly secretDependents = new Set<string>();
  private readonly idle = new IdleCollection(systemClock, IDLE_GC_MS, fullGc);
  /** The end of each waiting validation's work, for the idle collection. */
  private readonly waiting = new Map<string, () => void>();

  constructor(private readonly context: ServerContext) {
    this.validations = new ValidationSchedule(systemClock, DEBOUNCE_MS, (uri, version, fresh) => {
      // publish begins its own work before it returns, so the idle collection sees no gap here.
      void this.publish(uri, version, fresh);
      this.endWaiting(uri);
    });
  }

  /** `changedAt`: when the edit that asks for this validation arrived (lsp/changeArrivals.ts). */
  schedule(document: TextDocument, fresh = false, changedAt?: number): void {
    // The new validation replaces the waiting one, if any: begin its work before ending the other's.
    const end = this.idle.begin();
    this.endWaiting(document.uri);
    this.waiting.set(document.uri, end);
    this.validations.schedule(document.uri, document.version, fresh, changedAt);
  }

  /** `fresh` asks the registries again for every open document, past the client's tag cache. */
  scheduleAll(fresh = false): void {
    for (const document of this.context.documents.all()) this.schedule(document, fresh);
  }

  /** Re-validates only the documents that reference pull secrets: nothing else depends on them. */
  scheduleSecretDependents(): void {
    for (const uri of this.secretDependents) {
      const document = this.context.documents.get(uri);
      if (document) this.schedule(document);
    }
  }

  /** Stops pending work for a closed document and removes its diagnostics from the editor. */
  clear(uri: string): void {
    this.validations.forget(uri);
    this.endWaiting(uri);
    this.secretDependents.delete(uri);
    void this.context.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  dispose(): void {
    this.validations.dispose();
    this.waiting.clear();
    this.idle.dispose();
  }

  private endWaiting(uri: string): void {
    this.waiting.get(uri)?.();
    this.waiting.delete(uri);
  }

  private async publish(uri: string, version: number, fresh: boolean): Promise<void> {
    const { context } = this;
    const end = this.idle.begin();
    // The registry round this run leaves in the background: its work ends when that round has.
    let registryRound: Promise<unknown> = Promise.resolve();
    try {
      await context.runSafe(`diagnostics ${uri}`, CancellationToken.None, undefined, async () => {
        const open = await openAnalysis(context, uri);
        // Closed, or changed while the settings were pulled: a newer run is already scheduled.
        if (!open || open.document.version !== version) return;
        context.workspace.setOpenDocument(uri, fileFacts(open.analysis));
        const referencesSecrets = open.analysis.documents.some((doc) => doc.analysis.fields.containers.some((c) => c.pullSecrets.length > 0));
        if (referencesSecrets) this.secretDependents.add(uri);
        else this.secretDependents.delete(uri);
        await this.send(open, context.registry.factsOf(uri));
        // In the background: the offline diagnostics are out already, and typing goes on meanwhile. The round runs
        // offline too (refresh asks nothing then), so with trace on its end is logged either way.
        const refreshed = context.registry.refresh(uri, open.analysis, open.settings.registry, fresh, open.settings.signatures);
        registryRound = context.runSafe(`registry diagnostics ${uri}${fresh ? ', asked afresh' : ''}`, CancellationToken.None, undefined, async () => {
          const facts = await refreshed;
          if (facts && context.documents.get(uri)?.version === version) await this.send(open, facts);
          // Earlier scans of the images, once their digests are known: read from disk, nothing is run.
          const known = context.registry.factsOf(uri);
          if (open.settings.registry.online && (await context.scans.recall(open.analysis, known, open.settings.scan))) {
            if (context.documents.get(uri)?.version === version) await this.send(open, known);
          }
        });
      });
      await registryRound;
    } finally {
      end();
    }
  }

  private async send(open: OpenAnalysis, facts: RegistryFacts): Promise<void> {
    const { uri, version } = open.document;
    const known = open.settings.registry.online ? this.context.scans.withScans(this.context.registry.withNodeTargets(facts)) : null;
    const { workspace } = this.context;
    // A registry's own problem is told once, in the client's status bar (imageAware/registryStatus), not in every file.
    const diagnostics = collectDiagnostics(
      open.analysis,
      open.settings,
      workspace.facts(),
      known,
      { patch: workspace.isPatch(uri) },
      { registryProblems: false },
    );
    // Positions come from a throwaway document over the same text: its line index (8 bytes a line) is garbage
    // once this is sent, where the open document's own would stay while it is open, though only edits and
    // requests about it need one.
    const positions = TextDocument.create(uri, open.document.languageId, version, open.document.getText());
    await this.context.connection.sendDiagnostics({ uri, version, diagnostics: diagnostics.map((d) => toDiagnostic(d, positions)) });
  }
}

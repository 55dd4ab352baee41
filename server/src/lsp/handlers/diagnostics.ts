/**
 * Pushes diagnostics (textDocument/publishDiagnostics). Validation waits until a document has been
 * quiet for DEBOUNCE_MS, and a result computed for a version the editor has moved past is dropped.
 * Each run also records the document's facts in the workspace index, so open documents override
 * their files on disk.
 */
import { CancellationToken } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { collectDiagnostics } from '../../core/features/diagnostics';
import { fileFacts } from '../../core/workspace';
import { openAnalysis } from '../context';
import type { ServerContext } from '../context';
import { toDiagnostic } from '../convert';

const DEBOUNCE_MS = 150;

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Open documents whose last diagnostics depended on the workspace's pull secrets. */
  private readonly secretDependents = new Set<string>();

  constructor(private readonly context: ServerContext) {}

  schedule(document: TextDocument): void {
    const { uri, version } = document;
    clearTimeout(this.timers.get(uri));
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      void this.publish(uri, version);
    }, DEBOUNCE_MS);
    this.timers.set(uri, timer);
  }

  scheduleAll(): void {
    for (const document of this.context.documents.all()) this.schedule(document);
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
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.secretDependents.delete(uri);
    void this.context.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async publish(uri: string, version: number): Promise<void> {
    const { context } = this;
    await context.runSafe(`diagnostics ${uri}`, CancellationToken.None, undefined, async () => {
      const open = await openAnalysis(context, uri);
      // Closed, or changed while the settings were pulled: a newer run is already scheduled.
      if (!open || open.document.version !== version) return;
      context.workspace.setOpenDocument(uri, fileFacts(open.analysis));
      const referencesSecrets = open.analysis.documents.some((doc) => doc.analysis.fields.containers.some((c) => c.pullSecrets.length > 0));
      if (referencesSecrets) this.secretDependents.add(uri);
      else this.secretDependents.delete(uri);
      const diagnostics = collectDiagnostics(open.analysis, open.settings, context.workspace.facts());
      await context.connection.sendDiagnostics({ uri, version, diagnostics: diagnostics.map((d) => toDiagnostic(d, open.document)) });
    });
  }
}

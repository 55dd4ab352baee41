/**
 * The server's TextDocuments configuration: TextDocument's own create and update, noting when each
 * document's latest change arrived. Applying an incremental change to a large document first builds
 * its line index (milliseconds for 1 MB, before any handler runs); the validation schedule counts an
 * edit's quiet period from the arrival, so that work is part of the wait instead of added to it.
 */
import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Clock } from '../engine';

export class ChangeArrivals implements TextDocumentsConfiguration<TextDocument> {
  private readonly arrived = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  create(uri: string, languageId: string, version: number, content: string): TextDocument {
    return TextDocument.create(uri, languageId, version, content);
  }

  update(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
    this.arrived.set(document.uri, this.clock.now());
    return TextDocument.update(document, changes, version);
  }

  /** When the change just applied to the document arrived (undefined after an open); each is told once. */
  take(uri: string): number | undefined {
    const at = this.arrived.get(uri);
    this.arrived.delete(uri);
    return at;
  }
}

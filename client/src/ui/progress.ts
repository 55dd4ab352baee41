/**
 * A notification with a Cancel button whose click aborts an AbortSignal: the engine and the tool
 * adapters take signals, never VS Code cancellation tokens, and a build's abort kills its process tree.
 */
import * as vscode from 'vscode';

export type ReportProgress = (message: string) => void;

export function withCancellableProgress<T>(title: string, task: (signal: AbortSignal, report: ReportProgress) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return task(controller.signal, (message) => progress.report({ message }));
    }),
  );
}

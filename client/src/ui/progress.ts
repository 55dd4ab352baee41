/**
 * A notification with a Cancel button whose click aborts an AbortSignal: the engine and the tool
 * adapters take signals, never VS Code cancellation tokens, and a build's abort kills its process tree.
 * The tasks still running when the extension is deactivated (window closed or reloaded) are aborted
 * too: a build tool runs in a process group of its own and would otherwise outlive the window, with
 * no one left to show its output or cancel it.
 */
import * as vscode from 'vscode';

export type ReportProgress = (message: string) => void;

const running = new Set<AbortController>();

export function withCancellableProgress<T>(title: string, task: (signal: AbortSignal, report: ReportProgress) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      running.add(controller);
      token.onCancellationRequested(() => controller.abort());
      try {
        return await task(controller.signal, (message) => progress.report({ message }));
      } finally {
        running.delete(controller);
      }
    }),
  );
}

/** Aborts every task still running; for the extension's deactivation. */
export function abortRunningTasks(): void {
  for (const controller of running) controller.abort();
}

/**
 * The per-request crash barrier, after vscode's json-language-features runner.ts: a bug in one
 * feature logs its stack to the client's output and answers with a fallback instead of taking the
 * server down, and a request the client has cancelled answers RequestCancelled without running.
 */
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { CancellationToken, RemoteConsole } from 'vscode-languageserver/node';

export type RunSafe = <T>(label: string, token: CancellationToken, fallback: T, work: () => T | Promise<T>) => Promise<T | ResponseError<void>>;

function formatError(label: string, error: unknown): string {
  if (error instanceof Error) return `${label} failed: ${error.message}\n${error.stack ?? ''}`;
  return `${label} failed: ${String(error)}`;
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}

/** With `trace` set (env IMAGE_AWARE_TRACE), every run also logs how long it took. */
export function createRunSafe(console: RemoteConsole, trace: boolean): RunSafe {
  return <T>(label: string, token: CancellationToken, fallback: T, work: () => T | Promise<T>) =>
    new Promise<T | ResponseError<void>>((resolve) => {
      // Waiting one turn lets a $/cancelRequest that is already queued arrive before the work starts.
      setImmediate(async () => {
        if (token.isCancellationRequested) return resolve(cancelled());
        const started = performance.now();
        try {
          const result = await work();
          resolve(token.isCancellationRequested ? cancelled() : result);
        } catch (error) {
          console.error(formatError(label, error));
          resolve(fallback);
        } finally {
          if (trace) console.log(`${label}: ${(performance.now() - started).toFixed(1)} ms`);
        }
      });
    });
}

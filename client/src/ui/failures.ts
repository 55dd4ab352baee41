/**
 * How a failed command is told: the tool's or the API server's own message in an error
 * notification (with "Show Output" for the full log), and a quiet note when the user cancelled.
 */
import { asClusterError } from '../../../server/src/engine';
import { ToolError } from '../../../server/src/tools';
import { inform, showError } from './confirm';
import type { Output } from './output';

function cancelled(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  if (error instanceof ToolError) return error.cancelled;
  return error instanceof Error && error.name === 'AbortError';
}

/** The message for people; a 403 always names the verb and resource that were refused. */
export function failureMessage(error: unknown): string {
  // By name: the cluster adapter is a bundle of its own (dist/cluster.js) with its own ClusterError class.
  const clusterError = asClusterError(error);
  if (clusterError?.code === 'forbidden' && clusterError.verb && clusterError.resource && !clusterError.message.includes(clusterError.resource)) {
    return `${clusterError.message} (${clusterError.verb} ${clusterError.resource})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function reportFailure(what: string, error: unknown, output: Output, signal?: AbortSignal): void {
  if (cancelled(error, signal)) {
    output.line(`${what}: cancelled.`);
    inform(`${what}: cancelled.`);
    return;
  }
  const message = failureMessage(error);
  output.line(`${what} failed: ${message}`);
  showError(`${what} failed: ${message}`, output);
}

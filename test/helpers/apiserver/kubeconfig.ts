/**
 * Kubeconfig files for the stub API server, in the format kubectl and client-node read
 * (JSON is YAML, so no writer is needed): cluster "stub" with the CA inline as
 * certificate-authority-data, one user with a bearer token, and context "stub" with a namespace.
 */
import { writeFileSync } from 'node:fs';

export interface KubeconfigOptions {
  /** The context's namespace; "default" unless given. null writes a context without one. */
  readonly namespace?: string | null;
  /** Context name, "stub" by default (the cluster is always "stub"). */
  readonly context?: string;
  /** User entry name, "stub-user" by default. */
  readonly user?: string;
  /** Where to write it; a fresh file in the server's folder by default. */
  readonly path?: string;
}

export function kubeconfigText(server: string, caData: string, token: string, options: KubeconfigOptions = {}): string {
  const context = options.context ?? 'stub';
  const user = options.user ?? 'stub-user';
  const namespace = options.namespace === undefined ? 'default' : options.namespace;
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      clusters: [{ name: 'stub', cluster: { server, 'certificate-authority-data': caData } }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: context, context: { cluster: 'stub', user, ...(namespace === null ? {} : { namespace }) } }],
      'current-context': context,
    },
    null,
    2,
  )}\n`;
}

export function writeKubeconfig(path: string, text: string): string {
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

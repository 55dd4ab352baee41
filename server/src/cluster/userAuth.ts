/**
 * What the kubeconfig user of the chosen context may hand to @kubernetes/client-node, decided the
 * way kubectl (≥ 1.26) decides it, before any request:
 * - auth-provider `gcp` and `azure` are refused with client-go's own words (kubectl removed them;
 *   client-node would still run their `cmd-path` and `cmd-args` through a shell);
 * - auth-provider `oidc` is kept with the keys client-go's oidc plugin reads, so a key only
 *   client-node knows (`exec`, `tokenFile`) cannot make it run or read anything; it runs no program;
 * - any other auth-provider is refused, as client-go has none by that name;
 * - `exec` is taken out of client-node's hands: ExecPluginCredentials runs it, and an authenticator
 *   added to the KubeConfig puts its token or client certificate on each request.
 */
import type { Cluster as KubeClusterEntry, KubeConfig, User as KubeUser } from '@kubernetes/client-node';
import { ExecPluginCredentials, readExecConfig } from './execPlugin';
import type { ExecRunOptions } from './execPlugin';
import { ClusterError } from './types';

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/** client-go's plugin/pkg/client/auth/gcp and azure since they were removed (Kubernetes 1.26). */
const REMOVED_AUTH_PROVIDERS: Readonly<Record<string, string>> = {
  gcp:
    'The gcp auth plugin has been removed. Please use the "gke-gcloud-auth-plugin" kubectl/client-go credential plugin instead. ' +
    'See https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for further details',
  azure:
    'The azure auth plugin has been removed. Please use the https://github.com/Azure/kubelogin kubectl/client-go credential plugin instead. ' +
    'See https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins for further details',
};

/** The configuration keys client-go's oidc auth-provider reads. */
const OIDC_KEYS = [
  'idp-issuer-url',
  'client-id',
  'client-secret',
  'idp-certificate-authority',
  'idp-certificate-authority-data',
  'id-token',
  'refresh-token',
  'extra-scopes',
];

export interface UserAuth {
  /** The user for client-node, without anything that would make it run a program; undefined for none. */
  readonly user: KubeUser | undefined;
  /** The user's exec plugin, when it has one. */
  readonly credentials: ExecPluginCredentials | null;
}

function refused(user: string, reason: string): ClusterError {
  return new ClusterError(`Kubeconfig user "${user}" cannot be used: ${reason}.`, 'unauthorized');
}

function oidcOnly(config: unknown): Record<string, string> {
  const kept: Record<string, string> = {};
  const given = typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
  for (const key of OIDC_KEYS) if (typeof given[key] === 'string') kept[key] = given[key] as string;
  return kept;
}

/** Decides the user's authentication; throws a ClusterError (code `unauthorized`) for one kubectl refuses. */
export function userAuth(user: KubeUser | undefined, cluster: KubeClusterEntry, options: ExecRunOptions): UserAuth {
  if (user === undefined) return { user, credentials: null };
  const provider = user.authProvider as { name?: unknown; config?: unknown } | undefined | null;
  if (provider && user.exec) throw refused(user.name, `authProvider cannot be provided in combination with an exec plugin for ${user.name}`);
  if (provider) {
    const name = String(provider.name ?? '');
    if (REMOVED_AUTH_PROVIDERS[name] !== undefined) throw refused(user.name, REMOVED_AUTH_PROVIDERS[name]);
    if (name !== 'oidc') throw refused(user.name, `no Auth Provider found for name "${name}"`);
    return { user: { ...user, authProvider: { name, config: oidcOnly(provider.config) } }, credentials: null };
  }
  if (!user.exec) return { user, credentials: null };
  const config = readExecConfig(user.exec, user.name);
  if (typeof config === 'string') throw refused(user.name, config);
  return { user: { ...user, exec: undefined }, credentials: new ExecPluginCredentials(config, user.name, cluster, options) };
}

/** Puts the exec plugin's token (as a bearer token) or client certificate on client-node's requests for `userName`. */
export function execAuthenticator(userName: string, credentials: ExecPluginCredentials): Authenticator {
  return {
    isAuthProvider: (user) => user.name === userName,
    async applyAuthentication(_user, opts) {
      const credential = await credentials.get();
      const target = opts as { headers?: Record<string, string>; cert?: string; key?: string };
      if (credential.token !== null) {
        target.headers ??= {};
        target.headers.Authorization = `Bearer ${credential.token}`;
      }
      if (credential.clientCertificateData !== null && credential.clientKeyData !== null) {
        target.cert = credential.clientCertificateData;
        target.key = credential.clientKeyData;
      }
    },
  };
}

/**
 * What a credential store answers for a registry, and the interface a store implements.
 * `source` describes where the credential came from ("docker config auths for quay.io in /home/u/.docker/config.json",
 * "credential helper docker-credential-pass"); it is safe to show and log. Secrets never leave these objects.
 */

export type Credential =
  | { readonly kind: 'anonymous'; readonly source: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string; readonly source: string }
  /** An OAuth2 refresh token (docker config `identitytoken`, or a helper's "<token>" user), exchanged at the token realm. */
  | { readonly kind: 'identityToken'; readonly username?: string; readonly token: string; readonly source: string }
  /** A bearer token to send as is (docker config `registrytoken`). */
  | { readonly kind: 'registryToken'; readonly token: string; readonly source: string };

export const ANONYMOUS: Credential = { kind: 'anonymous', source: 'anonymous' };

/** Where to look: the registry (host[:port], "docker.io" for Docker Hub) and, for repository-scoped entries, the path. */
export interface CredentialTarget {
  readonly registry: string;
  readonly path?: string;
}

/** A credential store, like go-containerregistry's authn.Keychain: answers `anonymous` when it has nothing. */
export interface Keychain {
  resolve(target: CredentialTarget, signal?: AbortSignal): Promise<Credential>;
}

/** Tries each keychain in turn and returns the first answer that is not anonymous (authn.NewMultiKeychain). */
export function multiKeychain(keychains: readonly Keychain[]): Keychain {
  return {
    async resolve(target, signal) {
      const notes: string[] = [];
      for (const keychain of keychains) {
        const credential = await keychain.resolve(target, signal);
        if (credential.kind !== 'anonymous') return credential;
        if (credential.source !== 'anonymous') notes.push(credential.source);
      }
      return notes.length === 0 ? ANONYMOUS : { kind: 'anonymous', source: notes.join('; ') };
    },
  };
}

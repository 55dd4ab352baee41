/**
 * Which Link and redirect targets may be followed: they obey the registry's own scheme rules. HTTPS is always
 * allowed; plain HTTP only from plain HTTP, to a host that allows it (loopback or insecure-listed), never down
 * from HTTPS; any other scheme is refused.
 */
import { RegistryError, type RegistryErrorCode } from './errors';
import { allowsPlainHttp } from './hosts';

/** Throws a `RegistryError` when `from` may not hop to `to`; `verb` says whether a Link or a redirect named it. */
export function checkHop(from: URL, to: URL, verb: 'linked' | 'redirected', registry: string, insecureRegistries: readonly string[]): void {
  const noun = verb === 'linked' ? 'link' : 'redirect';
  const refused = (code: RegistryErrorCode, why: string): RegistryError =>
    new RegistryError({ code, registry, message: `${from.host} ${verb} to ${why}; the ${noun} was not followed`, temporary: false });
  if (to.protocol !== 'https:' && to.protocol !== 'http:') throw refused('INVALID_RESPONSE', `a ${to.protocol} URL, which is not HTTP(S)`);
  if (to.protocol === 'https:') return;
  if (from.protocol === 'https:') throw refused('TLS', `${to.origin}, which is plain HTTP after HTTPS`);
  if (!allowsPlainHttp(to.host, insecureRegistries)) throw refused('TLS', `${to.origin}, which is not HTTPS`);
}

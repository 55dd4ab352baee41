/**
 * `Envoyproxy/envoy:v1.30.1` is a valid reference, but not the one meant: distribution/reference reads a
 * first component as a registry host when it holds a `.` or a `:`, is `localhost`, or has an uppercase
 * letter (a repository path may not), so this image is pulled from a server named `Envoyproxy`.
 * The Docker Hub reading lowercases that component (`envoyproxy/envoy:v1.30.1`, docker.io/envoyproxy/envoy).
 */
import { parseReference } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { Span } from '../span';

export interface UppercaseRegistry {
  /** The host as written, and where it is in the reference's text. */
  readonly host: string;
  readonly span: Span;
  /** The whole reference with that component lowercased: a Docker Hub image. */
  readonly dockerHub: string;
}

/** The uppercase first component read as a host, or null when the host is a real one (a `.`, a `:`, `localhost`) or has no uppercase letter. */
export function uppercaseRegistry(ref: ImageReference): UppercaseRegistry | null {
  const span = ref.parts.domain;
  if (span === null) return null;
  const host = ref.input.slice(span.start, span.end);
  if (/[.:[\]]/.test(host) || !/[A-Z]/.test(host)) return null;
  const dockerHub = `${ref.input.slice(0, span.start)}${host.toLowerCase()}${ref.input.slice(span.end)}`;
  const reading = parseReference(dockerHub);
  return reading.ok && reading.value.domain === 'docker.io' ? { host, span, dockerHub } : null;
}

/** The finding's message: one sentence naming the host as written and the Docker Hub reading. */
export function uppercaseRegistryMessage(found: UppercaseRegistry): string {
  return `"${found.host}" has uppercase letters, so it is read as a registry host, not Docker Hub's "${found.dockerHub}".`;
}

/**
 * Turns what went wrong talking to an API server into a ClusterError whose message says what
 * happened, to what, and what to do: a Status body (401, 403, 404, 409, 422, ...) or a failure
 * before any answer (connection refused, unknown host, TLS, timeout). The Status message of the
 * real apiserver names the user and verb ("User "reader" cannot patch resource "deployments" in
 * API group "apps" in the namespace "default""); we say it the other way round, and fall back to
 * the request for the parts the server did not say.
 */
import { ClusterError } from './types';
import type { FieldConflict } from './types';

/** Where a request went: for messages only. */
export interface RequestTarget {
  readonly server: string;
  readonly context: string;
  /** The kubeconfig user entry (not the name the server knows). */
  readonly user: string;
}

/** What a request did, in RBAC words: for messages only. */
export interface RequestAction {
  readonly verb: string;
  /** Plural resource and group, as RBAC and kubectl write it ("deployments.apps", "pods"). */
  readonly resource: string;
  readonly name: string | null;
  readonly namespace: string | null;
}

/** metav1.StatusCause: its type is serialized as "reason". */
interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

interface Status {
  readonly kind?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes?: readonly StatusCause[] };
}

function parseStatus(body: string): Status {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Status) : {};
  } catch {
    return {};
  }
}

/** "deployments.apps "web" in namespace "default"" — the object (or collection) a request was about. */
export function describeTarget(action: RequestAction): string {
  const what = action.name === null ? action.resource : `${action.resource} "${action.name}"`;
  return action.namespace === null ? what : `${what} in namespace "${action.namespace}"`;
}

/** "deployments/scale" in group "apps" → "deployments.apps/scale": how RBAC messages and kubectl name a resource. */
export function qualify(resource: string, group: string): string {
  const [plural, subresource] = resource.split('/');
  return `${plural}${group ? `.${group}` : ''}${subresource ? `/${subresource}` : ''}`;
}

const FORBIDDEN_USER = /User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?/;

function forbidden(status: Status, action: RequestAction, target: RequestTarget): ClusterError {
  const said = FORBIDDEN_USER.exec(status.message ?? '');
  const verb = said?.[2] ?? action.verb;
  const resource = said ? qualify(said[3], said[4] ?? '') : action.resource;
  const who = said ? `user "${said[1]}"` : `the credentials of kubeconfig user "${target.user}"`;
  const message =
    `You may not ${verb} ${describeTarget({ ...action, verb, resource })} (forbidden for ${who}). ` +
    `Ask a cluster admin for a Role that allows ${verb} on ${resource}, or switch to a context that has one.`;
  return new ClusterError(message, 'forbidden', 403, verb, resource);
}

const CONFLICT_MANAGER = /conflict with "([^"]*)"/;

/** The fields other managers own, from a server-side apply 409 (Status causes of reason FieldManagerConflict). */
export function fieldConflicts(status: Status): FieldConflict[] {
  return (status.details?.causes ?? [])
    .filter((cause) => cause.reason === 'FieldManagerConflict')
    .map((cause) => ({
      manager: CONFLICT_MANAGER.exec(cause.message ?? '')?.[1] ?? '',
      field: cause.field ?? '',
      message: cause.message ?? '',
    }));
}

function conflict(status: Status, action: RequestAction): ClusterError {
  const conflicts = fieldConflicts(status);
  if (conflicts.length === 0) return new ClusterError(`Conflict on ${describeTarget(action)}: ${status.message ?? 'the object changed'}.`, 'conflict', 409);
  const owned = conflicts.map((c) => `${c.field} (owned by "${c.manager}")`).join(', ');
  const message =
    `Applying ${describeTarget(action)} conflicts with fields that other field managers own: ${owned}. ` +
    'Apply with force to take them over, or leave those fields out of the manifest.';
  return new ClusterError(message, 'conflict', 409, null, null, conflicts);
}

/** An answer that was not 2xx. */
export function statusError(code: number, body: string, action: RequestAction, target: RequestTarget): ClusterError {
  const status = parseStatus(body);
  const said = status.message ?? (body.trim().slice(0, 200) || `HTTP ${code}`);
  switch (code) {
    case 401:
      return new ClusterError(
        `The API server ${target.server} (context "${target.context}") did not accept the credentials ` +
          `of kubeconfig user "${target.user}" (401 Unauthorized): log in again or refresh the token.`,
        'unauthorized',
        401,
      );
    case 403:
      return forbidden(status, action, target);
    case 404:
      return new ClusterError(`Not found: ${describeTarget(action)} (${said}).`, 'not-found', 404);
    case 409:
      return conflict(status, action);
    case 400:
    case 422:
      return new ClusterError(`The API server rejected ${describeTarget(action)}: ${said}`, 'invalid', code);
    default:
      return new ClusterError(`The API server ${target.server} could not ${action.verb} ${describeTarget(action)}: ${said} (HTTP ${code}).`, 'failed', code);
  }
}

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { type?: string }).type === 'aborted');
}

/**
 * A failure before any answer. An abort is the caller's own doing and is passed on unchanged;
 * anything else becomes `unreachable` naming the server and the context it came from.
 */
export function transportError(error: unknown, target: RequestTarget): unknown {
  if (error instanceof ClusterError || isAbort(error)) return error;
  const code = (error as { code?: string; errno?: string } | null)?.code ?? (error as { errno?: string } | null)?.errno ?? '';
  const text = error instanceof Error ? error.message : String(error);
  const reason =
    NETWORK_REASONS[code] ?? (/CERT|SELF_SIGNED|TLS|SSL|certificate/i.test(`${code} ${text}`) ? `TLS failed (${code || text})` : text || 'no answer');
  return new ClusterError(
    `Cannot reach the API server ${target.server} of context "${target.context}": ${reason}${code && !reason.includes(code) ? ` (${code})` : ''}. ` +
      'Check that the cluster is running and that the kubeconfig points at it.',
    'unreachable',
  );
}

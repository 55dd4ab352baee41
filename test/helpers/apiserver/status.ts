/**
 * The API server's error bodies: a meta/v1 Status with the HTTP code, reason and the message texts
 * kube-apiserver writes (apimachinery's errors package and the RBAC authorizer's forbidden text).
 */
import type { FieldConflict } from './apply';
import type { FieldError } from './defaults';
import { qualifiedName } from './resources';
import type { Resource } from './resources';

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly status: Record<string, unknown>,
  ) {
    super(String(status['message']));
  }
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): StatusError {
  return new StatusError(code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  });
}

/** details {name, group, kind} as the server writes them: the resource's plural as "kind", no empty group. */
function details(resource: Resource, name: string | undefined): Record<string, unknown> {
  return {
    ...(name ? { name } : {}),
    ...(resource.group === '' ? {} : { group: resource.group }),
    kind: resource.plural,
  };
}

export function unauthorized(): StatusError {
  return status(401, 'Unauthorized', 'Unauthorized');
}

/** The RBAC authorizer's text: `deployments.apps "web" is forbidden: User "reader" cannot patch resource "deployments" in API group "apps" in the namespace "default"`. */
export function forbidden(
  user: string,
  verb: string,
  resource: Resource,
  subresource: string | undefined,
  namespace: string | null,
  name: string | undefined,
): StatusError {
  const subject = name ? `${qualifiedName(resource)} "${name}"` : qualifiedName(resource);
  const where = namespace === null ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  const plural = subresource ? `${resource.plural}/${subresource}` : resource.plural;
  return status(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${plural}" in API group "${resource.group}" ${where}`,
    details(resource, name),
  );
}

export function notFound(resource: Resource, name: string): StatusError {
  return status(404, 'NotFound', `${qualifiedName(resource)} "${name}" not found`, details(resource, name));
}

/** A path the server has no handler for: a bare 404 page, as the real server answers unknown groups and kinds. */
export function notFoundPath(): StatusError {
  return status(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function namespaceNotFound(namespace: string): StatusError {
  return status(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
}

export function alreadyExists(resource: Resource, name: string): StatusError {
  return status(409, 'AlreadyExists', `${qualifiedName(resource)} "${name}" already exists`, details(resource, name));
}

export function modified(resource: Resource, name: string): StatusError {
  return status(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(resource, name),
  );
}

/** apimachinery's NewApplyConflict: one FieldManagerConflict cause per field and manager. */
export function applyConflict(message: string, conflicts: readonly FieldConflict[]): StatusError {
  return status(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.field })),
  });
}

/** NewInvalid: `Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value`. */
export function invalid(kind: string, group: string, name: string, errors: readonly FieldError[]): StatusError {
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  const texts = errors.map((e) => `${e.field}: ${e.message}`);
  const summary = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return status(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    ...(group === '' ? {} : { group }),
    kind,
    causes: errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
  });
}

export function badRequest(message: string): StatusError {
  return status(400, 'BadRequest', message);
}

export function unsupportedMediaType(accepted: readonly string[]): StatusError {
  return status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

export function methodNotAllowed(): StatusError {
  return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/**
 * OpenAPI v3, because kubectl needs it: before `apply` (and other writes with validation on, the
 * default) kubectl reads /openapi/v3 and the group-version document to see whether the PATCH/POST/PUT
 * operation of the kind takes the `fieldValidation` query parameter; with no OpenAPI at all it refuses
 * ("failed to download openapi"). So the paths and operations are served in the real shape
 * (x-kubernetes-group-version-kind, x-kubernetes-action, the query parameters of each action), while
 * the component schemas are shallow: top-level fields only, with spec and status as open objects.
 * kubectl falls back to /openapi/v2 (protobuf only) for a kind its group-version document lacks, and
 * fails when that download fails; v2 is answered with an empty protobuf Document (a valid message
 * without paths), so kubectl then finds no fieldValidation support, validates on its side against no
 * schema, and reports the unknown kind from discovery — what users see from a real server.
 */
import { createHash } from 'node:crypto';
import { groupVersion, RESOURCES } from './resources';
import type { Resource } from './resources';

type Doc = Record<string, unknown>;

function query(name: string, description: string, type = 'string'): Doc {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const DRY_RUN = query(
  'dryRun',
  'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
);
const FIELD_MANAGER = query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = query(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
);
const FORCE = query('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', 'boolean');
const PRETTY = query('pretty', "If 'true', then the output is pretty printed.");
const LIST_PARAMS = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
].map((name) =>
  query(
    name,
    name,
    name === 'limit' || name === 'timeoutSeconds'
      ? 'integer'
      : name === 'watch' || name === 'allowWatchBookmarks' || name === 'sendInitialEvents'
        ? 'boolean'
        : 'string',
  ),
);

/** io.k8s.api.apps.v1.Deployment, com.example.v1.Widget: the schema names the real server uses. */
function schemaName(group: string, version: string, kind: string): string {
  if (group === '') return `io.k8s.api.core.v1.${kind}`;
  if (group === 'autoscaling') return `io.k8s.api.autoscaling.${version}.${kind}`;
  if (group.includes('.')) return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
  return `io.k8s.api.${group}.${version}.${kind}`;
}

function ref(name: string): Doc {
  return { $ref: `#/components/schemas/${name}` };
}

function operation(action: string, gvk: Doc, params: Doc[], schema: string, bodyTypes: string[] | null): Doc {
  const content = (types: string[]): Doc => Object.fromEntries(types.map((t) => [t, { schema: ref(schema) }]));
  return {
    operationId: `${action}${String(gvk['kind'])}`,
    parameters: params,
    ...(bodyTypes === null ? {} : { requestBody: { content: content(bodyTypes), required: true } }),
    responses: {
      '200': { description: 'OK', content: content(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']) },
      ...(action === 'create' || action === 'patch' ? { '201': { description: 'Created', content: content(['application/json']) } } : {}),
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  };
}

function patchTypes(resource: Resource): string[] {
  const types = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
  return resource.custom ? types : [...types, 'application/strategic-merge-patch+json'];
}

function pathsOf(resource: Resource): Record<string, Doc> {
  const prefix = resource.group === '' ? '/api/v1' : `/apis/${resource.group}/${resource.version}`;
  const scope = resource.namespaced ? '/namespaces/{namespace}' : '';
  const collection = `${prefix}${scope}/${resource.plural}`;
  const pathParams = [
    { name: 'name', in: 'path', description: `name of the ${resource.kind}`, required: true, schema: { type: 'string', uniqueItems: true } },
    ...(resource.namespaced
      ? [
          {
            name: 'namespace',
            in: 'path',
            description: 'object name and auth scope, such as for teams and projects',
            required: true,
            schema: { type: 'string', uniqueItems: true },
          },
        ]
      : []),
    PRETTY,
  ];
  const gvk = { group: resource.group, version: resource.version, kind: resource.kind };
  const schema = schemaName(resource.group, resource.version, resource.kind);
  const paths: Record<string, Doc> = {
    [collection]: {
      get: operation('list', gvk, LIST_PARAMS, `${schema}List`, null),
      post: operation('post', gvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], schema, ['*/*']),
      parameters: resource.namespaced ? [pathParams[1], PRETTY] : [PRETTY],
    },
    [`${collection}/{name}`]: {
      get: operation('get', gvk, [], schema, null),
      put: operation('put', gvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], schema, ['*/*']),
      patch: operation('patch', gvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', patchTypes(resource)),
      delete: operation('delete', gvk, [DRY_RUN], 'io.k8s.apimachinery.pkg.apis.meta.v1.Status', null),
      parameters: pathParams,
    },
  };
  for (const sub of resource.subresources) {
    const subGvk = sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk;
    const subSchema = sub === 'scale' ? schemaName('autoscaling', 'v1', 'Scale') : schema;
    paths[`${collection}/{name}/${sub}`] = {
      get: operation('get', subGvk, [], subSchema, null),
      put: operation('put', subGvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], subSchema, ['*/*']),
      patch: operation('patch', subGvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', patchTypes(resource)),
      parameters: pathParams,
    };
  }
  return paths;
}

function kindSchema(description: string, gvk: Doc | null): Doc {
  return {
    description,
    type: 'object',
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { allOf: [ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')], default: {} },
      spec: { type: 'object', default: {} },
      status: { type: 'object', default: {} },
    },
    ...(gvk === null ? {} : { 'x-kubernetes-group-version-kind': [gvk] }),
  };
}

/** The OpenAPI v3 document of one group version (`api/v1`, `apis/apps/v1`). */
function groupVersionDoc(key: string): Doc | undefined {
  const resources = RESOURCES.filter((r) => (r.group === '' ? 'api/v1' : `apis/${groupVersion(r)}`) === key);
  if (resources.length === 0) return undefined;
  const schemas: Record<string, Doc> = {
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', description: 'ObjectMeta is metadata that all persisted resources must have.' },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {
      type: 'object',
      description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status': { type: 'object', description: "Status is a return value for calls that don't return other objects." },
  };
  const paths: Record<string, Doc> = {};
  for (const resource of resources) {
    const gvk = { group: resource.group, version: resource.version, kind: resource.kind };
    const name = schemaName(resource.group, resource.version, resource.kind);
    schemas[name] = kindSchema(`${resource.kind} of ${groupVersion(resource)}`, gvk);
    schemas[`${name}List`] = {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        items: { type: 'array', items: { allOf: [ref(name)], default: {} } },
        kind: { type: 'string' },
        metadata: { type: 'object' },
      },
      required: ['items'],
      'x-kubernetes-group-version-kind': [{ ...gvk, kind: `${resource.kind}List` }],
    };
    if (resource.subresources.includes('scale')) {
      schemas[schemaName('autoscaling', 'v1', 'Scale')] = kindSchema('Scale represents a scaling request for a resource.', {
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
      });
    }
    Object.assign(paths, pathsOf(resource));
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

function hashOf(text: string): string {
  return createHash('sha512').update(text).digest('hex').toUpperCase();
}

/** The answer for a path under /openapi/, or undefined for a 404. */
export function openApiResponse(path: string): { body: Buffer; contentType: string } | undefined {
  if (path === '/openapi/v2') return { body: Buffer.alloc(0), contentType: 'application/octet-stream' };
  const keys = [...new Set(RESOURCES.map((r) => (r.group === '' ? 'api/v1' : `apis/${groupVersion(r)}`)))];
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    const paths = Object.fromEntries(
      keys.map((key) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(JSON.stringify(groupVersionDoc(key)))}` }]),
    );
    return { body: Buffer.from(JSON.stringify({ paths })), contentType: 'application/json' };
  }
  if (!path.startsWith('/openapi/v3/')) return undefined;
  const doc = groupVersionDoc(path.slice('/openapi/v3/'.length));
  return doc === undefined ? undefined : { body: Buffer.from(JSON.stringify(doc)), contentType: 'application/json' };
}

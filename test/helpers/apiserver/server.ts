/**
 * A small Kubernetes API server on 127.0.0.1 over HTTPS (a per-server CA made with openssl), speaking
 * the real protocol for what the editor and kubectl use: legacy discovery, get/list/watch, create,
 * update, delete, server-side apply with managedFields and conflicts, strategic-merge, merge and JSON
 * patches, the scale and status subresources, bearer-token authentication (401) and a read-only user
 * (403 with the RBAC authorizer's message). test/cluster/kubectl.test.ts runs the real kubectl against it.
 * Every request is recorded (method, path, query, headers, body) so tests can compare clients.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../../server/src/cluster/types';
import { createTlsFiles } from '../registry/certificates';
import { removeFolder, trackFolder } from '../registry/cleanup';
import { applyConfiguration, ApplyConflictError, managedFieldsForUpdate, nowTimestamp, recordUpdate } from './apply';
import { Controllers } from './controllers';
import type { Simulation } from './controllers';
import { applyDefaults, validate } from './defaults';
import { clone, isObject } from './fields';
import type { Json, JsonObject } from './fields';
import { kubeconfigText, writeKubeconfig } from './kubeconfig';
import type { KubeconfigOptions } from './kubeconfig';
import { openApiResponse } from './openapi';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patch';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, definitionOf, groupVersion, RESOURCES, resourceByKind, resourceByPlural } from './resources';
import type { Resource } from './resources';
import * as status from './status';
import { StatusError } from './status';
import { resourceOf, Store } from './store';
import { fieldSelector, labelSelector, streamWatch } from './watch';
import { readBody } from '../requestBody';
import { Changes } from '../events';

export interface TokenUser {
  readonly user: string;
  /** false: get, list and watch only; every write is forbidden (403). */
  readonly canWrite: boolean;
}

export interface ApiServerOptions {
  /** Bearer tokens the server accepts. Default: "admin-token" (user admin) and "reader-token" (user reader, read-only). */
  readonly tokens?: Readonly<Record<string, TokenUser>>;
}

export interface RecordedRequest {
  readonly method: string;
  /** The URL path without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ApiServer {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** PEM file of the CA that signed the server certificate. */
  readonly caFile: string;
  /** The same CA, base64 as in a kubeconfig's certificate-authority-data. */
  readonly caData: string;
  /** A kubeconfig with cluster and context "stub" (namespace "default") and the admin token. */
  readonly kubeconfigPath: string;
  /** A token with full access and a read-only one ("" when the options gave none). */
  readonly tokens: { readonly admin: string; readonly reader: string };
  /** Every request so far, oldest first. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  /** Resolves once a request that `matches` has been recorded (and routed): at once if one was already. */
  waitForRequest(matches: (request: RecordedRequest) => boolean, what: string): Promise<void>;
  /** Writes another kubeconfig for this server (another token, namespace or context name); returns its path. */
  kubeconfigFor(token: string, options?: KubeconfigOptions): string;
  /** Stores an object directly, as its controller would: server fields are filled in, watchers are told. */
  put(object: KubeObject): KubeObject;
  get(apiVersion: string, kind: string, namespace: string | null, name: string): KubeObject | null;
  list(apiVersion: string, kind: string, namespace: string | null): KubeObject[];
  remove(apiVersion: string, kind: string, namespace: string | null, name: string): void;
  /** Walks a Deployment through a rollout (see ./controllers); resolves after the last step. */
  simulate(ref: { readonly namespace?: string; readonly name: string }, simulation: Simulation): Promise<void>;
  /** From now on, every Deployment whose generation changes gets this simulation (null: none, the default). */
  setController(simulation: Simulation | null): void;
  /** Resolves when the simulations the controller started have finished. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_TOKENS: Readonly<Record<string, TokenUser>> = {
  'admin-token': { user: 'admin', canWrite: true },
  'reader-token': { user: 'reader', canWrite: false },
};

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:59:15Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

interface Target {
  readonly resource: Resource;
  readonly namespace: string | null;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

function send(response: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * A JSON or YAML body. Protobuf (what kubectl's typed clients send for `kubectl create configmap` and the
 * like) is refused with 415 rather than decoded: the stub does not speak it.
 */
function parseBody(body: string, contentType: string): Json {
  if (contentType.includes('protobuf')) throw status.unsupportedMediaType(['application/json', 'application/yaml']);
  try {
    return (contentType.includes('json') ? JSON.parse(body) : parseYaml(body)) as Json;
  } catch (error) {
    throw status.badRequest(`error decoding ${contentType.includes('json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
}

function metadataOf(object: JsonObject): JsonObject {
  if (!isObject(object['metadata'])) object['metadata'] = {};
  return object['metadata'] as JsonObject;
}

/** "app=web,tier=front" from a LabelSelector, as the Scale status writes it. */
function selectorString(selector: Json | undefined): string {
  if (!isObject(selector)) return '';
  const parts: string[] = [];
  const labels = selector['matchLabels'];
  if (isObject(labels)) for (const k of Object.keys(labels).sort()) parts.push(`${k}=${String(labels[k])}`);
  const expressions = selector['matchExpressions'];
  if (Array.isArray(expressions)) {
    for (const e of expressions) {
      if (!isObject(e)) continue;
      const values = Array.isArray(e['values']) ? e['values'].join(',') : '';
      const op = String(e['operator']);
      if (op === 'In' || op === 'NotIn') parts.push(`${String(e['key'])} ${op.toLowerCase()} (${values})`);
      else parts.push(op === 'Exists' ? String(e['key']) : `!${String(e['key'])}`);
    }
  }
  return parts.join(',');
}

function humanAge(created: Json | undefined): string {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(String(created))) / 1000));
  if (Number.isNaN(seconds)) return '<unknown>';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

/** The server-side printing kubectl asks for (`Accept: …;as=Table`): the Name and Age columns every kind has. */
function table(objects: JsonObject[], resourceVersion: string, includeObject: string | undefined): object {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
      {
        name: 'Age',
        type: 'string',
        format: '',
        description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
        priority: 0,
      },
    ],
    rows: objects.map((o) => {
      const metadata = metadataOf(o);
      const object =
        includeObject === 'Object' ? o : includeObject === 'None' ? undefined : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
      return { cells: [metadata['name'], humanAge(metadata['creationTimestamp'])], ...(object === undefined ? {} : { object }) };
    }),
  };
}

function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept);
}

/** A rejected write for a validation error or a conflict turns into the Status the server would send. */
function asStatus(error: unknown): StatusError {
  if (error instanceof StatusError) return error;
  if (error instanceof ApplyConflictError) return status.applyConflict(error.message, error.conflicts);
  if (error instanceof PatchError) return status.badRequest(error.message);
  return new StatusError(500, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: String((error as Error)?.stack ?? error),
    reason: 'InternalError',
    code: 500,
  });
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-apiserver-'));
  trackFolder(dir);
  const tls = createTlsFiles(dir);
  const caData = readFileSync(tls.caFile).toString('base64');
  const tokens = options.tokens ?? DEFAULT_TOKENS;
  const store = new Store();
  const requests: RecordedRequest[] = [];
  const recorded = new Changes();
  const stoppers = new Set<() => void>();
  const running = new Set<Promise<void>>();
  const simulated = new Map<string, number>();
  let controller: Simulation | null = null;

  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    store.write(resourceByKind('v1', 'Namespace')!, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  for (const resource of RESOURCES.filter((r) => r.custom)) {
    store.write(resourceByKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!, definitionOf(resource) as JsonObject);
  }

  function requireNamespace(namespace: string | null): void {
    if (namespace !== null && store.get(resourceByKind('v1', 'Namespace')!, null, namespace) === null) {
      throw status.namespaceNotFound(namespace);
    }
  }

  /**
   * Stores `next` as the new state of an object (live: the stored one, null for a create): server fields
   * come from the live object, status changes only through the status subresource, defaults are filled
   * in, validation can refuse it, and with dryRun nothing is stored.
   */
  function commit(target: Target, live: JsonObject | null, next: JsonObject, dryRun: boolean): JsonObject {
    const { resource } = target;
    const hasStatus = resource.subresources.includes('status');
    if (target.subresource === 'status' && live !== null) {
      const statusOnly = clone(live);
      statusOnly['status'] = next['status'] ?? null;
      metadataOf(statusOnly)['managedFields'] = metadataOf(next)['managedFields'] ?? null;
      if (statusOnly['status'] === null) delete statusOnly['status'];
      next = statusOnly;
    } else if (hasStatus) {
      if (live !== null && live['status'] !== undefined) next['status'] = clone(live['status']);
      else delete next['status'];
    }
    const metadata = metadataOf(next);
    for (const field of ['uid', 'creationTimestamp', 'generation', 'resourceVersion', 'selfLink', 'deletionTimestamp']) delete metadata[field];
    if (metadata['managedFields'] === null) delete metadata['managedFields'];
    if (target.namespace !== null) metadata['namespace'] = target.namespace;
    applyDefaults(next);
    const errors = validate(next);
    if (errors.length > 0) throw status.invalid(resource.kind, resource.group, String(metadata['name']), errors);
    return store.write(resource, next, { dryRun });
  }

  function checkResourceVersion(target: Target, live: JsonObject, sent: Json | undefined): void {
    const wanted = isObject(sent) && isObject(sent['metadata']) ? sent['metadata']['resourceVersion'] : undefined;
    if (wanted !== undefined && wanted !== null && wanted !== '' && wanted !== metadataOf(live)['resourceVersion']) {
      throw status.modified(target.resource, String(target.name));
    }
  }

  function scaleOf(object: JsonObject): JsonObject {
    const metadata = metadataOf(object);
    const spec = isObject(object['spec']) ? object['spec'] : {};
    const objectStatus = isObject(object['status']) ? object['status'] : {};
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: metadata['name'],
        namespace: metadata['namespace'],
        uid: metadata['uid'],
        resourceVersion: metadata['resourceVersion'],
        creationTimestamp: metadata['creationTimestamp'],
      },
      spec: { replicas: spec['replicas'] ?? 0 },
      status: { replicas: objectStatus['replicas'] ?? 0, selector: selectorString(spec['selector']) },
    };
  }

  function parseTarget(segments: string[]): Target {
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1] === 'v1') {
      [group, version, rest] = ['', 'v1', segments.slice(2)];
    } else if (segments[0] === 'apis' && segments.length >= 4) {
      [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
    } else {
      throw status.notFoundPath();
    }
    let namespace: string | null = null;
    if (rest[0] === 'namespaces' && rest.length >= 3 && resourceByPlural(group, version, rest[2])?.namespaced === true) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource, ...extra] = rest;
    const resource = resourceByPlural(group, version, plural);
    if (
      resource === undefined ||
      extra.length > 0 ||
      (resource.namespaced && namespace === null && name !== undefined) ||
      (subresource !== undefined && !resource.subresources.includes(subresource)) ||
      (rest[0] === 'namespaces' && resource.plural !== 'namespaces')
    ) {
      throw status.notFoundPath();
    }
    return { resource, namespace, name, subresource };
  }

  function verbOf(method: string, target: Target, query: URLSearchParams): string {
    switch (method) {
      case 'GET':
        return target.name !== undefined ? 'get' : query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return target.name !== undefined ? 'delete' : 'deletecollection';
      default:
        throw status.methodNotAllowed();
    }
  }

  /** The manager of a non-apply write: `fieldManager`, else the User-Agent's product ("kubectl"), as the server does. */
  function updater(request: IncomingMessage, query: URLSearchParams): string {
    return query.get('fieldManager') || (request.headers['user-agent'] ?? 'unknown').split('/')[0].slice(0, 128);
  }

  function handleResource(request: IncomingMessage, response: ServerResponse, body: string, user: TokenUser, segments: string[], query: URLSearchParams): void {
    const target = parseTarget(segments);
    const { resource, namespace, name, subresource } = target;
    const verb = verbOf(request.method ?? 'GET', target, query);
    if (!user.canWrite && !['get', 'list', 'watch'].includes(verb)) {
      throw status.forbidden(user.user, verb, resource, subresource, namespace, name);
    }
    const dryRun = query.getAll('dryRun').includes('All');
    const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim();
    const live = name === undefined ? null : store.get(resource, namespace, name);

    if (verb === 'watch') {
      streamWatch(
        store,
        {
          resource,
          namespace,
          matches: (
            (l, f) => (o: JsonObject) =>
              l(o) && f(o)
          )(labelSelector(query.get('labelSelector') ?? undefined), fieldSelector(query.get('fieldSelector') ?? undefined, resource.kind)),
          resourceVersion: query.get('resourceVersion') ?? undefined,
          sendInitialEvents: query.get('sendInitialEvents') === 'true',
          timeoutSeconds: query.has('timeoutSeconds') ? Number(query.get('timeoutSeconds')) : undefined,
        },
        response,
        (stop) => {
          stoppers.add(stop);
          return () => stoppers.delete(stop);
        },
      );
      return;
    }
    if (verb === 'list') {
      const matchesLabels = labelSelector(query.get('labelSelector') ?? undefined);
      const matchesFields = fieldSelector(query.get('fieldSelector') ?? undefined, resource.kind);
      const matching = store.list(resource, namespace).filter((o) => matchesLabels(o) && matchesFields(o));
      // `limit` cuts the list as the API does; the rest would be behind a continue token this stub does not serve.
      const limit = Number(query.get('limit') ?? '0');
      const items = limit > 0 ? matching.slice(0, limit) : matching;
      const resourceVersion = String(store.resourceVersion);
      if (wantsTable(request.headers.accept)) {
        send(response, 200, table(items, resourceVersion, query.get('includeObject') ?? undefined));
        return;
      }
      send(response, 200, {
        kind: `${resource.kind}List`,
        apiVersion: groupVersion(resource),
        metadata: { resourceVersion, ...(items.length < matching.length ? { continue: 'more' } : {}) },
        // Built-in lists carry their items without apiVersion and kind; custom resources keep them.
        items: resource.custom ? items : items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
      });
      return;
    }
    if (verb === 'get') {
      if (live === null) throw status.notFound(resource, name!);
      const answer = subresource === 'scale' ? scaleOf(live) : live;
      if (wantsTable(request.headers.accept) && subresource === undefined) {
        send(response, 200, table([live], String(metadataOf(live)['resourceVersion']), query.get('includeObject') ?? undefined));
      } else {
        send(response, 200, answer);
      }
      return;
    }
    if (namespace !== null) requireNamespace(namespace);
    if (verb === 'create') {
      const sent = parseBody(body, contentType);
      if (!isObject(sent)) throw status.badRequest('the body of the request must be an object');
      const metadata = metadataOf(sent);
      if (metadata['name'] === undefined && typeof metadata['generateName'] === 'string') {
        metadata['name'] = `${metadata['generateName']}${randomBytes(3).toString('hex').slice(0, 5)}`;
      }
      if (typeof metadata['name'] !== 'string' || metadata['name'] === '') {
        throw status.invalid(resource.kind, resource.group, '', [
          { reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' },
        ]);
      }
      if (namespace !== null && metadata['namespace'] !== undefined && metadata['namespace'] !== namespace) {
        throw status.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      const createTarget = { ...target, name: metadata['name'] };
      if (store.get(resource, namespace, metadata['name']) !== null) throw status.alreadyExists(resource, metadata['name']);
      delete metadata['managedFields'];
      recordUpdate(null, sent, updater(request, query), undefined, nowTimestamp());
      send(response, 201, commit(createTarget, null, sent, dryRun));
      return;
    }
    if (verb === 'delete') {
      if (live === null) throw status.notFound(resource, name!);
      store.delete(resource, namespace, name!, { dryRun });
      send(response, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, ...(resource.group === '' ? {} : { group: resource.group }), kind: resource.plural, uid: metadataOf(live)['uid'] },
      });
      return;
    }
    if (verb === 'deletecollection') throw status.methodNotAllowed();

    if (verb === 'patch' && contentType === APPLY) {
      if (subresource !== undefined) throw status.badRequest(`apply is not supported on the ${subresource} subresource of this stub`);
      const manager = query.get('fieldManager') ?? '';
      if (manager === '') {
        throw new StatusError(422, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          reason: 'Invalid',
          details: {
            group: 'meta.k8s.io',
            kind: 'PatchOptions',
            causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
          },
          code: 422,
        });
      }
      const applied = parseBody(body, contentType);
      if (!isObject(applied)) throw status.badRequest('the body of the request must be an object');
      const metadata = metadataOf(applied);
      if (metadata['name'] !== name) {
        throw status.badRequest(`the name of the object (${String(metadata['name'])}) does not match the name on the URL (${name})`);
      }
      if (applied['apiVersion'] !== groupVersion(resource) || applied['kind'] !== resource.kind) {
        throw status.badRequest(
          `the API version in the data (${String(applied['apiVersion'])}) does not match the expected API version (${groupVersion(resource)})`,
        );
      }
      if (live !== null) checkResourceVersion(target, live, applied);
      if (metadata['managedFields'] !== undefined && metadata['managedFields'] !== null) throw status.badRequest('metadata.managedFields must be nil');
      delete metadata['managedFields'];
      // apimachinery's query booleans (runtime/conversion.go): only a missing value, "0" or "false" (any case) is false.
      const forceValue = query.get('force');
      const force = forceValue !== null && forceValue !== '0' && forceValue.toLowerCase() !== 'false';
      const merged = applyConfiguration(live, applied, manager, force, nowTimestamp());
      send(response, live === null ? 201 : 200, commit(target, live, merged, dryRun));
      return;
    }
    if (verb === 'patch') {
      if (live === null) throw status.notFound(resource, name!);
      if (query.has('force')) {
        throw new StatusError(422, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
          reason: 'Invalid',
          details: { group: 'meta.k8s.io', kind: 'PatchOptions' },
          code: 422,
        });
      }
      const accepted = resource.custom ? [JSON_PATCH, MERGE, APPLY] : [JSON_PATCH, MERGE, APPLY, STRATEGIC];
      if (!accepted.includes(contentType)) throw status.unsupportedMediaType(accepted);
      const patch = parseBody(body, 'json');
      const base = subresource === 'scale' ? scaleOf(live) : live;
      const patched = contentType === MERGE ? mergePatch(base, patch) : contentType === STRATEGIC ? strategicMergePatch(base, patch) : jsonPatch(base, patch);
      if (!isObject(patched)) throw status.badRequest('the patch made the object something other than an object');
      finishUpdate(request, response, query, target, live, patched, dryRun);
      return;
    }
    // PUT
    if (live === null) throw status.notFound(resource, name!);
    const sent = parseBody(body, contentType);
    if (!isObject(sent)) throw status.badRequest('the body of the request must be an object');
    finishUpdate(request, response, query, target, live, sent, dryRun);
  }

  /** A PUT or non-apply PATCH: the sent/patched object (or Scale) becomes the new state, owned by its updater. */
  function finishUpdate(
    request: IncomingMessage,
    response: ServerResponse,
    query: URLSearchParams,
    target: Target,
    live: JsonObject,
    sent: JsonObject,
    dryRun: boolean,
  ): void {
    checkResourceVersion(target, live, sent);
    let next: JsonObject;
    if (target.subresource === 'scale') {
      next = clone(live);
      const spec = (isObject(next['spec']) ? next['spec'] : (next['spec'] = {})) as JsonObject;
      const scaleSpec = sent['spec'];
      spec['replicas'] = isObject(scaleSpec) && typeof scaleSpec['replicas'] === 'number' ? scaleSpec['replicas'] : 0;
    } else {
      next = clone(sent);
      metadataOf(next)['name'] = target.name!;
    }
    const start = clone(live);
    const managedFields = managedFieldsForUpdate(live, sent, target.subresource);
    if (managedFields === undefined) delete metadataOf(start)['managedFields'];
    else metadataOf(start)['managedFields'] = managedFields;
    recordUpdate(start, next, updater(request, query), target.subresource, nowTimestamp());
    const saved = commit(target, live, next, dryRun);
    send(response, 200, target.subresource === 'scale' ? scaleOf(saved) : saved);
  }

  function authenticate(request: IncomingMessage): TokenUser {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const user = match === null ? undefined : tokens[match[1].trim()];
    if (user === undefined) throw status.unauthorized();
    return user;
  }

  function route(request: IncomingMessage, response: ServerResponse, body: string): void {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const user = authenticate(request);
    const path = segments.join('/');
    if (path === 'version') return send(response, 200, VERSION);
    if (['healthz', 'livez', 'readyz'].includes(path)) return send(response, 200, 'ok', 'text/plain; charset=utf-8');
    if (path === 'api') return send(response, 200, apiVersions(`127.0.0.1:${port}`));
    if (path === 'apis') return send(response, 200, apiGroupList());
    if (segments[0] === 'openapi') {
      const answer = openApiResponse(url.pathname);
      if (answer === undefined) throw status.notFoundPath();
      response.writeHead(200, { 'Content-Type': answer.contentType, 'Content-Length': answer.body.length });
      response.end(answer.body);
      return;
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const group = apiGroup(segments[1]);
      if (group === undefined) throw status.notFoundPath();
      return send(response, 200, group);
    }
    if (path === 'api/v1' || (segments[0] === 'apis' && segments.length === 3)) {
      const list = path === 'api/v1' ? apiResourceList('', 'v1') : apiResourceList(segments[1], segments[2]);
      if (list === undefined) throw status.notFoundPath();
      return send(response, 200, list);
    }
    handleResource(request, response, body, user, segments, url.searchParams);
  }

  const server = createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (request, response) => {
    void readBody(request).then((body) => {
      const url = new URL(request.url ?? '/', 'https://127.0.0.1');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(request.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      requests.push({ method: request.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body });
      try {
        route(request, response, body);
      } catch (error) {
        const failure = asStatus(error);
        send(response, failure.code, failure.status);
      }
      recorded.notify();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const adminToken = Object.keys(tokens).find((t) => tokens[t].canWrite) ?? '';
  const readerToken = Object.keys(tokens).find((t) => !tokens[t].canWrite) ?? '';
  let configs = 0;
  const kubeconfigFor = (token: string, kubeconfigOptions: KubeconfigOptions = {}): string => {
    configs += 1;
    const path = kubeconfigOptions.path ?? join(dir, `kubeconfig-${configs}.yaml`);
    return writeKubeconfig(path, kubeconfigText(url, caData, token, kubeconfigOptions));
  };

  const controllers = new Controllers({
    get: (apiVersion, kind, namespace, name) => api.get(apiVersion, kind, namespace, name) as JsonObject | null,
    list: (apiVersion, kind, namespace) => api.list(apiVersion, kind, namespace) as JsonObject[],
    save: (object, manager) => {
      const resource = resourceOf(object);
      const namespace = resource.namespaced ? String(metadataOf(object)['namespace'] ?? 'default') : null;
      const live = store.get(resource, namespace, String(metadataOf(object)['name']));
      const next = clone(object);
      recordUpdate(live, next, manager, undefined, nowTimestamp());
      const target = { resource, namespace, name: String(metadataOf(object)['name']), subresource: undefined };
      const saved = commit(target, live, next, false);
      if (object['status'] !== undefined) controllersAccessSaveStatus({ ...saved, status: object['status'] }, manager);
    },
    saveStatus: (object, manager) => controllersAccessSaveStatus(object, manager),
    remove: (apiVersion, kind, namespace, name) => api.remove(apiVersion, kind, namespace, name),
  });

  function controllersAccessSaveStatus(object: JsonObject, manager: string): void {
    const resource = resourceOf(object);
    const namespace = resource.namespaced ? String(metadataOf(object)['namespace'] ?? 'default') : null;
    const name = String(metadataOf(object)['name']);
    const live = store.get(resource, namespace, name);
    if (live === null) throw new Error(`no ${resource.kind} ${namespace ?? ''}/${name} to write the status of`);
    const next = clone(live);
    next['status'] = clone(object['status'] ?? null);
    if (next['status'] === null) delete next['status'];
    recordUpdate(live, next, manager, 'status', nowTimestamp());
    commit({ resource, namespace, name, subresource: 'status' }, live, next, false);
  }

  // The controller mode: a Deployment whose generation moved gets the configured simulation once.
  store.subscribe((change) => {
    if (controller === null || change.type === 'DELETED' || change.resource.kind !== 'Deployment') return;
    const metadata = metadataOf(change.object);
    const key = `${String(metadata['namespace'])}/${String(metadata['name'])}`;
    const generation = Number(metadata['generation'] ?? 1);
    if (simulated.get(key) === generation) return;
    simulated.set(key, generation);
    const simulation = controller;
    const run = Promise.resolve().then(() => controllers.simulate(String(metadata['namespace']), String(metadata['name']), simulation));
    running.add(run);
    void run.finally(() => running.delete(run)).catch(() => undefined);
  });

  const api: ApiServer = {
    url,
    caFile: tls.caFile,
    caData,
    kubeconfigPath: writeKubeconfig(join(dir, 'kubeconfig.yaml'), kubeconfigText(url, caData, adminToken)),
    tokens: { admin: adminToken, reader: readerToken },
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    waitForRequest: (matches, what) => recorded.until(() => requests.some(matches), what),
    kubeconfigFor,
    put(object) {
      const resource = resourceOf(object as unknown as JsonObject);
      return store.write(resource, clone(object) as unknown as JsonObject) as unknown as KubeObject;
    },
    get(apiVersion, kind, namespace, name) {
      const resource = resourceByKind(apiVersion, kind);
      if (resource === undefined) throw new Error(`the stub API server does not serve ${apiVersion} ${kind}`);
      return store.get(resource, resource.namespaced ? (namespace ?? 'default') : null, name) as unknown as KubeObject | null;
    },
    list(apiVersion, kind, namespace) {
      const resource = resourceByKind(apiVersion, kind);
      if (resource === undefined) throw new Error(`the stub API server does not serve ${apiVersion} ${kind}`);
      return store.list(resource, resource.namespaced ? namespace : null) as unknown as KubeObject[];
    },
    remove(apiVersion, kind, namespace, name) {
      const resource = resourceByKind(apiVersion, kind);
      if (resource === undefined) throw new Error(`the stub API server does not serve ${apiVersion} ${kind}`);
      store.delete(resource, resource.namespaced ? (namespace ?? 'default') : null, name);
    },
    simulate(ref, simulation) {
      return controllers.simulate(ref.namespace ?? 'default', ref.name, simulation);
    },
    setController(simulation) {
      controller = simulation;
    },
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async close() {
      controller = null;
      controllers.close();
      for (const stop of [...stoppers]) stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      removeFolder(dir);
    },
  };
  return api;
}

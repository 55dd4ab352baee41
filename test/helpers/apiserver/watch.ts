/**
 * Label and field selectors for list and watch, and the watch stream: `?watch=true` answers with
 * newline-delimited JSON WatchEvents ({"type":"ADDED","object":{…}}) over a chunked response.
 * From resourceVersion "" or "0" a watch starts with an ADDED event per existing object; from a
 * resourceVersion it replays what changed after it. `sendInitialEvents=true` ends the initial events
 * with the BOOKMARK annotated `k8s.io/initial-events-end`, like the watch-list protocol.
 * `timeoutSeconds` ends the stream, as the real server does.
 */
import type { ServerResponse } from 'node:http';
import { isObject } from './fields';
import type { JsonObject } from './fields';
import type { Resource } from './resources';
import type { Change, Store } from './store';
import { badRequest } from './status';

export type Selector = (object: JsonObject) => boolean;

function labelsOf(object: JsonObject): Record<string, string> {
  const metadata = object['metadata'];
  const labels = isObject(metadata) ? metadata['labels'] : undefined;
  return isObject(labels) ? (labels as Record<string, string>) : {};
}

/** Splits on commas that are not inside `in (…)` parentheses. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

export function labelSelector(selector: string | undefined): Selector {
  if (selector === undefined || selector.trim() === '') return () => true;
  const tests = requirements(selector).map((req): Selector => {
    let m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(req);
    if (m !== null) {
      const [, key, op, value] = m;
      return (o) => (labelsOf(o)[key] === value) === (op !== '!=');
    }
    m = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(req);
    if (m !== null) {
      const [, key, op, list] = m;
      const values = list.split(',').map((v) => v.trim());
      return (o) => values.includes(labelsOf(o)[key]) === (op === 'in');
    }
    m = /^(!?)([\w./-]+)$/.exec(req);
    if (m !== null) {
      const [, not, key] = m;
      return (o) => key in labelsOf(o) === (not === '');
    }
    throw badRequest(`unable to parse requirement: ${req}`);
  });
  return (o) => tests.every((t) => t(o));
}

/** The fields each kind can be selected by besides metadata.name and metadata.namespace (the real server's lists). */
const SELECTABLE: Readonly<Record<string, readonly string[]>> = {
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  Secret: ['type'],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
  Job: ['status.successful'],
};

function fieldValue(object: JsonObject, field: string): string {
  if (field === 'source') {
    const source = object['source'];
    return isObject(source) ? String(source['component'] ?? '') : '';
  }
  let node: unknown = object;
  for (const part of field.split('.')) node = isObject(node) ? node[part] : undefined;
  return node === undefined || node === null ? '' : String(node);
}

/** Field selectors: metadata.name and metadata.namespace for every kind, plus the kind's own (SELECTABLE). */
export function fieldSelector(selector: string | undefined, kind: string): Selector {
  if (selector === undefined || selector.trim() === '') return () => true;
  const tests = selector.split(',').map((req): Selector => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(req.trim());
    const field = m?.[1] ?? req;
    if (m === null || !['metadata.name', 'metadata.namespace', ...(SELECTABLE[kind] ?? [])].includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    const [, , op, value] = m;
    return (o) => (fieldValue(o, field) === value) === (op !== '!=');
  });
  return (o) => tests.every((t) => t(o));
}

export interface WatchRequest {
  readonly resource: Resource;
  readonly namespace: string | null;
  readonly matches: Selector;
  readonly resourceVersion: string | undefined;
  readonly sendInitialEvents: boolean;
  readonly timeoutSeconds: number | undefined;
}

/** Streams a watch until the client goes, `timeoutSeconds` pass, or `stop` is called (server shutdown). */
export function streamWatch(store: Store, request: WatchRequest, response: ServerResponse, registerStop: (stop: () => void) => () => void): void {
  const inScope = (change: Change): boolean => {
    if (change.resource !== request.resource) return false;
    const metadata = change.object['metadata'];
    const namespace = isObject(metadata) ? metadata['namespace'] : undefined;
    return (request.namespace === null || namespace === request.namespace) && request.matches(change.object);
  };
  const send = (type: string, object: JsonObject): void => {
    response.write(`${JSON.stringify({ type, object })}\n`);
  };
  response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  // Headers go out at once, as from the real server: a client waits for them before it reads any event.
  response.flushHeaders();

  const rv = request.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0' || request.sendInitialEvents) {
    for (const object of store.list(request.resource, request.namespace)) if (request.matches(object)) send('ADDED', object);
    if (request.sendInitialEvents) {
      send('BOOKMARK', {
        kind: request.resource.kind,
        apiVersion: request.resource.group === '' ? request.resource.version : `${request.resource.group}/${request.resource.version}`,
        metadata: { resourceVersion: String(store.resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
  } else {
    for (const change of store.changesSince(Number(rv))) if (inScope(change)) send(change.type, change.object);
  }
  const unsubscribe = store.subscribe((change) => {
    if (inScope(change)) send(change.type, change.object);
  });
  let timer: NodeJS.Timeout | undefined;
  const finish = (): void => {
    unsubscribe();
    unregister();
    if (timer !== undefined) clearTimeout(timer);
    if (!response.writableEnded) response.end();
  };
  const unregister = registerStop(finish);
  if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) {
    timer = setTimeout(finish, request.timeoutSeconds * 1000);
    timer.unref();
  }
  response.on('close', finish);
}

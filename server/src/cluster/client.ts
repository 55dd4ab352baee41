/**
 * The Cluster port over @kubernetes/client-node: its KubeConfig does the authentication (tokens,
 * client certificates, oidc, CAs, proxies; exec plugins through ./execPlugin, auth-providers as
 * ./userAuth allows) and its HTTP library sends the requests, but
 * paths, bodies and content types are ours, so each request is the one kubectl sends for the same
 * command (test/cluster compares them with recordings of real kubectl):
 *   apply      PATCH application/apply-patch+yaml ?fieldManager&fieldValidation=Strict&force[&dryRun=All]
 *   set image  PATCH application/strategic-merge-patch+json
 *   scale      PATCH .../scale application/merge-patch+json {"spec":{"replicas":N}}
 * client-node's KubernetesObjectApi is not used: it re-serializes objects through its typed models
 * (dropping fields it does not know, which the server should report instead) and has no subresources.
 * Discovery is the legacy per-group-version list (/api/v1, /apis/{group}/{version}), cached per
 * cluster instance and asked again once when a kind is missing (a CRD may have been installed since).
 */
import { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import { qualify, statusError, transportError } from './errors';
import type { RequestAction, RequestTarget } from './errors';
import type { ExecPluginCredentials } from './execPlugin';
import { readKubeconfig } from './kubeconfig';
import type { Kubeconfig, KubeconfigSources } from './kubeconfig';
import { ClusterError } from './types';
import type { ApplyOptions, Cluster, ContextInfo, KubeObject, ListSelectors, ObjectRef, PatchOptions, ResourceInfo, WatchEvent } from './types';
import { execAuthenticator, userAuth } from './userAuth';

export interface ClusterOptions extends KubeconfigSources {
  /** The context to use instead of the kubeconfig's current one (kubectl --context). */
  readonly context?: string | null;
  /** The namespace to use instead of the context's (kubectl --namespace). */
  readonly namespace?: string | null;
  /** The kubeconfig as the caller has just read it (readKubeconfig), so it is not read again; else read from the sources. */
  readonly kubeconfig?: Kubeconfig;
  /** How long the user's exec plugin may take, 60 s by default; then its whole process group is ended. */
  readonly execPluginTimeoutMs?: number;
  /** How long an exec plugin has between SIGTERM and SIGKILL, 2 s by default. */
  readonly execPluginKillGraceMs?: number;
  /** The clock exec plugin credentials expire by (Date.now by default). */
  readonly now?: () => number;
}

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs?: readonly string[];
}

function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function qualified(info: ResourceInfo, subresource = ''): string {
  return qualify(subresource ? `${info.plural}/${subresource}` : info.plural, groupOf(info.apiVersion));
}

interface Selected {
  readonly kubeConfig: KubeConfig;
  readonly context: ContextInfo;
  readonly credentials: ExecPluginCredentials | null;
}

/**
 * The context to use, and a client-node KubeConfig that holds only it, its cluster and its user, so
 * nothing of another user's can run; the user's authentication is what userAuth allows.
 */
function selectContext(options: ClusterOptions): Selected {
  const config = options.kubeconfig ?? readKubeconfig(options);
  const files = config.files.join(', ');
  const name = options.context ?? config.currentContext;
  if (name === null) {
    throw new ClusterError(
      `The kubeconfig (${files}) sets no current context: choose one of ${config.contexts.map((c) => `"${c.name}"`).join(', ')}.`,
      'no-context',
    );
  }
  const info = config.contexts.find((c) => c.name === name);
  const entry = config.entries.contexts.find((c) => c.name === name);
  if (!info || !entry) throw new ClusterError(`The kubeconfig (${files}) has no context "${name}".`, 'no-context');
  const cluster = config.entries.clusters.find((c) => c.name === info.cluster);
  if (!cluster) throw new ClusterError(`Context "${name}" uses cluster "${info.cluster}", which the kubeconfig (${files}) does not define.`, 'no-context');
  const auth = userAuth(
    config.entries.users.find((u) => u.name === info.user),
    cluster,
    {
      env: options.env ?? process.env,
      timeoutMs: options.execPluginTimeoutMs ?? 60_000,
      killGraceMs: options.execPluginKillGraceMs ?? 2000,
      now: options.now ?? Date.now,
    },
  );
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    // kubectl talks plain HTTP to an http:// server; client-node refuses unless TLS checks are off,
    // which for plain HTTP changes nothing.
    clusters: [cluster.server.startsWith('http:') ? { ...cluster, skipTLSVerify: true } : cluster],
    users: auth.user ? [auth.user] : [],
    contexts: [entry],
    currentContext: name,
  });
  if (auth.user && auth.credentials) kubeConfig.addAuthenticator(execAuthenticator(auth.user.name, auth.credentials));
  return { kubeConfig, context: { ...info, namespace: options.namespace ?? info.namespace }, credentials: auth.credentials };
}

export async function createCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const { kubeConfig, context, credentials } = selectContext(options);
  return new KubeCluster(kubeConfig, context, credentials);
}

interface SendInit {
  readonly query?: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly body?: string;
}

type Agent = NonNullable<ReturnType<RequestContext['getAgent']>>;

/** What makes two of client-node's agents open interchangeable connections. */
function agentKey(agent: Agent): string {
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = (agent as unknown as { options: Record<string, unknown> }).options;
  return JSON.stringify([ca, cert, key, pfx, passphrase, rejectUnauthorized, servername].map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)));
}

class KubeCluster implements Cluster {
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly discovery = new Map<string, Promise<ResourceInfo[] | null>>();
  private readonly target: RequestTarget;
  private agent: { readonly key: string; readonly agent: Agent } | null = null;

  constructor(
    private readonly kubeConfig: KubeConfig,
    readonly context: ContextInfo,
    /** The user's exec plugin: a 401 makes the next request ask it again, as client-go does. */
    private readonly credentials: ExecPluginCredentials | null,
  ) {
    this.target = { server: context.server, context: context.name, user: context.user };
  }

  private async send(method: HttpMethod, path: string, action: RequestAction, init: SendInit = {}): Promise<unknown> {
    const request = new RequestContext(this.context.server + path, method);
    for (const [key, value] of Object.entries(init.query ?? {})) request.setQueryParam(key, value);
    request.setHeaderParam('Accept', 'application/json');
    // Names us in the API server's audit log, as kubectl's does.
    request.setHeaderParam('User-Agent', 'image-aware');
    if (init.body !== undefined) {
      request.setHeaderParam('Content-Type', init.contentType ?? 'application/json');
      request.setBody(init.body);
    }
    let status: number;
    let text: string;
    try {
      await this.kubeConfig.applySecurityAuthentication(request);
      const agent = request.getAgent();
      if (agent) request.setAgent(this.keptAlive(agent));
      const response = await this.http.send(request).toPromise();
      status = response.httpStatusCode;
      text = await response.body.text();
    } catch (error) {
      throw transportError(error, this.target);
    }
    if (status === 401) this.credentials?.forget();
    if (status < 200 || status > 299) throw statusError(status, text, action, this.target);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ClusterError(`The API server ${this.context.server} answered ${method} ${path} with something that is not JSON.`, 'failed', status);
    }
  }

  /**
   * client-node makes a new agent for every request, so each request would open its own TLS
   * connection (152 handshakes for one apply of 50 objects, where kubectl keeps one connection).
   * The first agent is kept, with keep-alive, for as long as the TLS options client-node derives
   * from the kubeconfig (CA, client certificate, which exec plugins may renew) stay the same.
   */
  private keptAlive(agent: Agent): Agent {
    const key = agentKey(agent);
    if (this.agent?.key !== key) {
      // Node's agents decide keep-alive per request from this flag; client-node offers no option for it.
      (agent as unknown as { keepAlive: boolean }).keepAlive = true;
      this.agent = { key, agent };
    }
    return this.agent.agent;
  }

  private fetchResources(apiVersion: string): Promise<ResourceInfo[] | null> {
    const action: RequestAction = { verb: 'get', resource: `API ${apiVersion}`, name: null, namespace: null };
    const resources = this.send(HttpMethod.GET, groupVersionPath(apiVersion), action).then(
      (list) =>
        ((list as { resources?: ApiResource[] }).resources ?? [])
          // Subresources ("deployments/scale") share their parent's kind.
          .filter((r) => !r.name.includes('/'))
          .map((r) => ({ apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] })),
      (error: unknown) => {
        if (error instanceof ClusterError && error.code === 'not-found') return null;
        throw error;
      },
    );
    this.discovery.set(apiVersion, resources);
    resources.catch(() => this.discovery.delete(apiVersion));
    return resources;
  }

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const cached = this.discovery.get(apiVersion);
    let found = (await (cached ?? this.fetchResources(apiVersion)))?.find((r) => r.kind === kind);
    if (!found && cached) found = (await this.fetchResources(apiVersion))?.find((r) => r.kind === kind);
    if (found) return found;
    throw new ClusterError(
      `The cluster (context "${this.context.name}") has no kind "${kind}" in version "${apiVersion}": check apiVersion and kind, or install its CRD first.`,
      'not-found',
      404,
    );
  }

  /** The object's path and how errors name it; namespaced kinds default to the context's namespace. */
  private async locate(ref: ObjectRef, verb: string, subresource = ''): Promise<{ path: string; action: RequestAction; info: ResourceInfo }> {
    const info = await this.resource(ref.apiVersion, ref.kind);
    const namespace = info.namespaced ? (ref.namespace ?? this.context.namespace) : null;
    const scope = namespace === null ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
    const path = `${groupVersionPath(ref.apiVersion)}${scope}/${info.plural}/${encodeURIComponent(ref.name)}${subresource ? `/${subresource}` : ''}`;
    return { path, info, action: { verb, resource: qualified(info, subresource), name: ref.name, namespace } };
  }

  async get(ref: ObjectRef): Promise<KubeObject | null> {
    const { path, action } = await this.locate(ref, 'get');
    try {
      return (await this.send(HttpMethod.GET, path, action)) as KubeObject;
    } catch (error) {
      if (error instanceof ClusterError && error.code === 'not-found') return null;
      throw error;
    }
  }

  async apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    const name = object.metadata?.name;
    if (!name) throw new ClusterError(`A ${object.kind} without metadata.name cannot be applied.`, 'invalid');
    const ref = { apiVersion: object.apiVersion, kind: object.kind, name, namespace: object.metadata.namespace ?? null };
    const { path, action, info } = await this.locate(ref, 'patch');
    // kubectl writes the namespace it resolved into the object it sends.
    const body = info.namespaced && !object.metadata.namespace ? { ...object, metadata: { ...object.metadata, namespace: action.namespace } } : object;
    const query: Record<string, string> = { fieldManager: options.fieldManager, fieldValidation: 'Strict', force: String(options.force) };
    if (options.dryRun) query.dryRun = 'All';
    return (await this.send(HttpMethod.PATCH, path, action, { query, contentType: 'application/apply-patch+yaml', body: JSON.stringify(body) })) as KubeObject;
  }

  async patch(ref: ObjectRef, patch: object, options: PatchOptions): Promise<KubeObject> {
    const { path, action } = await this.locate(ref, 'patch');
    const query: Record<string, string> = { fieldManager: options.fieldManager };
    if (options.dryRun) query.dryRun = 'All';
    return (await this.send(HttpMethod.PATCH, path, action, {
      query,
      contentType: 'application/strategic-merge-patch+json',
      body: JSON.stringify(patch),
    })) as KubeObject;
  }

  async scale(ref: ObjectRef, replicas: number, options: PatchOptions): Promise<void> {
    const { path, action } = await this.locate(ref, 'patch', 'scale');
    const query: Record<string, string> = { fieldManager: options.fieldManager };
    if (options.dryRun) query.dryRun = 'All';
    await this.send(HttpMethod.PATCH, path, action, { query, contentType: 'application/merge-patch+json', body: JSON.stringify({ spec: { replicas } }) });
  }

  async list(apiVersion: string, kind: string, namespace: string, selectors: ListSelectors = {}): Promise<KubeObject[]> {
    const info = await this.resource(apiVersion, kind);
    const scope = info.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const action: RequestAction = { verb: 'list', resource: qualified(info), name: null, namespace: info.namespaced ? namespace : null };
    const query: Record<string, string> = {};
    if (selectors.labelSelector) query.labelSelector = selectors.labelSelector;
    if (selectors.fieldSelector) query.fieldSelector = selectors.fieldSelector;
    if (selectors.limit !== undefined) query.limit = String(selectors.limit);
    const list = (await this.send(HttpMethod.GET, `${groupVersionPath(apiVersion)}${scope}/${info.plural}`, action, { query })) as { items?: KubeObject[] };
    // The API server leaves apiVersion and kind out of list items.
    return (list.items ?? []).map((item) => ({ ...item, apiVersion, kind }));
  }

  /**
   * Gets the object (delivered as ADDED) and watches it from that resourceVersion, as kubectl's
   * rollout status does with its list-then-watch. Resolves when the server ends the watch (or
   * says the resourceVersion is too old: the caller starts over) or `signal` aborts.
   */
  async watch(ref: ObjectRef, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const { path, action } = await this.locate(ref, 'watch');
    const current = await this.get(ref);
    if (current) onEvent({ type: 'ADDED', object: current });
    const collection = path.slice(0, path.lastIndexOf('/'));
    const query = { fieldSelector: `metadata.name=${ref.name}`, resourceVersion: current?.metadata.resourceVersion };
    const watchAction = { ...action, name: null };
    await new Promise<void>((resolve, reject) => {
      let controller: AbortController | null = null;
      /** Set when the stream said why it ends (an ERROR event): the abort that follows is ours. */
      let ended: { error: ClusterError | null } | null = null;
      const stop = (): void => controller?.abort();
      signal.addEventListener('abort', stop, { once: true });
      const finish = (error: unknown): void => {
        signal.removeEventListener('abort', stop);
        if (ended?.error) reject(ended.error);
        else if (ended || signal.aborted || !error) resolve();
        else {
          const code = (error as { statusCode?: number }).statusCode;
          if (code === 401) this.credentials?.forget();
          reject(code === undefined ? transportError(error, this.target) : statusError(code, '', watchAction, this.target));
        }
      };
      const onLine = (type: string, object: unknown): void => {
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') onEvent({ type, object: object as KubeObject });
        else if (type === 'ERROR') {
          const code = (object as { code?: number }).code ?? 500;
          // 410 Gone: the resourceVersion is too old; ending the watch makes the caller get and watch again.
          ended = { error: code === 410 ? null : statusError(code, JSON.stringify(object), watchAction, this.target) };
          controller?.abort();
        }
      };
      new Watch(this.kubeConfig).watch(collection, query, onLine, finish).then(
        (started) => {
          controller = started;
          if (signal.aborted) started.abort();
        },
        (error: unknown) => finish(error),
      );
    });
  }
}

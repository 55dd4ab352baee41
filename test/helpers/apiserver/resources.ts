/**
 * The kinds the stub API server serves, and the legacy discovery documents built from them
 * (APIVersions at /api, APIGroupList at /apis, APIResourceList at /api/v1 and /apis/{group}/{version}),
 * shaped like kube-apiserver 1.32 answers them. Aggregated discovery (apidiscovery.k8s.io/v2) is not
 * served: clients that ask for it with `Accept: …;as=APIGroupDiscoveryList,…,application/json` get the
 * plain document and fall back to legacy discovery, which is what client-go does against older servers.
 */

export interface Resource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The plural name used in paths. */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Subresources served, e.g. ["status", "scale"]. */
  readonly subresources: readonly string[];
  /** Whether this kind is a CustomResourceDefinition (changes list encoding and discovery fields). */
  readonly custom: boolean;
}

export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: { shortNames?: string[]; categories?: string[]; subresources?: string[] } = {},
): Resource {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    subresources: extra.subresources ?? [],
    custom: false,
  };
}

export const RESOURCES: readonly Resource[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status'] }),
  builtin('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
  builtin('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], categories: ['all'], subresources: ['status'] }),
  builtin('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  builtin('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  builtin('', 'v1', 'Secret', 'secrets', true),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  builtin('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['scale', 'status'] }),
  builtin('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], subresources: ['scale', 'status'] }),
  builtin('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], subresources: ['scale', 'status'] }),
  builtin('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], subresources: ['status'] }),
  builtin('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'], subresources: ['status'] }),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
  }),
  { ...builtin('example.com', 'v1', 'Widget', 'widgets', true, { shortNames: ['wd'] }), custom: true },
  { ...builtin('example.com', 'v1', 'Gadget', 'gadgets', false), custom: true },
];

/** The CustomResourceDefinition the server holds for a custom kind, as `kubectl get crd` shows it. */
export function definitionOf(resource: Resource): object {
  const names = {
    plural: resource.plural,
    singular: resource.singular,
    kind: resource.kind,
    listKind: `${resource.kind}List`,
    ...(resource.shortNames.length > 0 ? { shortNames: resource.shortNames } : {}),
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${resource.plural}.${resource.group}` },
    spec: {
      group: resource.group,
      names,
      scope: resource.namespaced ? 'Namespaced' : 'Cluster',
      versions: [
        {
          name: resource.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
      conversion: { strategy: 'None' },
    },
    status: {
      acceptedNames: names,
      storedVersions: [resource.version],
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
      ],
    },
  };
}

export function groupVersion(resource: Pick<Resource, 'group' | 'version'>): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

export function resourceByKind(apiVersion: string, kind: string): Resource | undefined {
  return RESOURCES.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
}

export function resourceByPlural(group: string, version: string, plural: string): Resource | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** "deployments.apps", "pods": how the API server names a resource in messages. */
export function qualifiedName(resource: Resource): string {
  return resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
}

/** GET /api */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** GET /apis: every group except the legacy core group. */
export function apiGroupList(): object {
  const groups = [...new Set(RESOURCES.filter((r) => r.group !== '').map((r) => r.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => {
      const version = RESOURCES.find((r) => r.group === name)!.version;
      const entry = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [entry], preferredVersion: entry };
    }),
  };
}

/** GET /apis/{group}: one APIGroup, or undefined for an unknown group. */
export function apiGroup(name: string): object | undefined {
  const found = RESOURCES.find((r) => r.group === name && name !== '');
  if (found === undefined) return undefined;
  const entry = { groupVersion: `${name}/${found.version}`, version: found.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: [entry], preferredVersion: entry };
}

/** GET /api/v1 or /apis/{group}/{version}: the resources and subresources, or undefined if none. */
export function apiResourceList(group: string, version: string): object | undefined {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: resources.flatMap((r) => [
      {
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: [...VERBS],
        ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
        ...(r.categories.length > 0 ? { categories: r.categories } : {}),
      },
      ...r.subresources.map((sub) => ({
        name: `${r.plural}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: r.kind }),
        verbs: ['get', 'patch', 'update'],
      })),
    ]),
  };
}

/**
 * Where each Kubernetes kind keeps its pod spec, and which API groups own that kind.
 * A document whose kind is not here (or whose apiVersion names another group, as CRDs that reuse
 * a name like `Deployment` do) has no container image fields for us.
 */
export interface WorkloadKind {
  /** Keys from the document root to the PodSpec mapping. */
  readonly podSpecPath: readonly string[];
  /** API groups that define this kind; '' is the core group (`apiVersion: v1`). */
  readonly groups: readonly string[];
}

const TEMPLATE = ['spec', 'template', 'spec'];
const APPS = ['apps', 'extensions'];

export const WORKLOAD_KINDS: Readonly<Record<string, WorkloadKind>> = {
  Pod: { podSpecPath: ['spec'], groups: [''] },
  PodTemplate: { podSpecPath: ['template', 'spec'], groups: [''] },
  ReplicationController: { podSpecPath: TEMPLATE, groups: [''] },
  Deployment: { podSpecPath: TEMPLATE, groups: APPS },
  StatefulSet: { podSpecPath: TEMPLATE, groups: ['apps'] },
  DaemonSet: { podSpecPath: TEMPLATE, groups: APPS },
  ReplicaSet: { podSpecPath: TEMPLATE, groups: APPS },
  Job: { podSpecPath: TEMPLATE, groups: ['batch'] },
  CronJob: { podSpecPath: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], groups: ['batch'] },
};

export const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

/** Kustomize's own kinds, whose `images:` list rewrites images in the resources it builds. */
export const KUSTOMIZE_KINDS = new Set(['Kustomization', 'Component']);

/** The group of an apiVersion: `apps/v1` → `apps`, `v1` → ``. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

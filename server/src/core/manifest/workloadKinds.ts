/**
 * Where each of Kubernetes' own workload kinds keeps its pod spec, and which API groups own that kind
 * (as of Kubernetes 1.35). The location table (builtInLocations.ts) makes a rule of each; `kubectl set
 * image` (engine/cluster/setImage.ts) works on these kinds only.
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

/** Kustomize's own kinds, whose `images:` list rewrites images in the resources it builds. */
export const KUSTOMIZE_KINDS = new Set(['Kustomization', 'Component']);

/** The group of an apiVersion: `apps/v1` → `apps`, `v1` → ``. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

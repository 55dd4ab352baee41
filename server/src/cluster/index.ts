/**
 * The Cluster port: its types and errors, and where kubeconfig files are looked for. The adapter itself
 * (adapter.ts) is a second entry point, imported dynamically and bundled apart, so that nothing loads
 * @kubernetes/client-node before a cluster is needed.
 */
export type { Kubeconfig } from './kubeconfig';
export { kubeconfigPaths } from './kubeconfigPaths';
export { ClusterError } from './types';
export type { Cluster, ContextInfo, FieldConflict, KubeObject, ObjectRef, PatchOptions } from './types';

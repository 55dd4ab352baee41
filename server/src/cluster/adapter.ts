/**
 * What the extension imports dynamically to reach a cluster: scripts/build.mjs bundles this apart
 * (dist/client-cluster.js), so activating the extension does not load @kubernetes/client-node.
 */
export { createCluster } from './client';
export { readKubeconfig } from './kubeconfig';

/**
 * What the extension and `image-aware apply` import dynamically to reach a cluster: scripts/build.mjs
 * bundles this apart (dist/cluster.js), so activating the extension or starting the CLI does not
 * load @kubernetes/client-node.
 */
export { createCluster } from './client';
export { readKubeconfig } from './kubeconfig';

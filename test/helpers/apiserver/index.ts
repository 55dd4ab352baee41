/**
 * The stub Kubernetes API server in one import: the server (./server), its simulated controllers
 * (./controllers) and the real kubectl run against it (./kubectlRecording).
 * test/cluster/kubectl.test.ts proves the server with kubectl.
 */
export { startApiServer } from './server';
export type { ApiServer, ApiServerOptions, RecordedRequest, TokenUser } from './server';
export { normalizedReference, pullFailure } from './controllers';
export type { PullFailureCause, Simulation } from './controllers';
export type { KubeconfigOptions } from './kubeconfig';
export { isDiscovery, kubectlBinary, recordKubectl, runKubectl } from './kubectlRecording';
export type { KubectlOptions, KubectlResult } from './kubectlRecording';

/** Running other programs: build tools, credential helpers and kubeconfig exec plugins. */
export { describeEnding } from './describe';
export { HELPER_LEFTOVER_MS, runInGroup } from './group';
export type { GroupEnding, ProcessEnv } from './group';
export { findExecutable } from './lookPath';

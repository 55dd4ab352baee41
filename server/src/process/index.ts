/** Running other programs: build tools, vulnerability scanners, credential helpers and kubeconfig exec plugins. */
export { describeEnding } from './describe';
export { HELPER_LEFTOVER_MS, runInGroup } from './group';
export type { GroupEnding, ProcessEnv } from './group';
export { keepTail, lineSplitter, meaningfulLines } from './lines';
export { findExecutable } from './lookPath';

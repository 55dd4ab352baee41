/** Writing files all or none, for the CLI and the registry cache. */
export { FileWriteError, writeFileAtomic, writeFiles } from './atomicWrite';

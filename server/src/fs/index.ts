/** Files: written all or none (the CLI and the registry cache), cache entries, and a Helm chart read bounded. */
export { FileWriteError, writeFileAtomic, writeFiles } from './atomicWrite';
export { EntryFiles } from './entryFiles';
export type { StoredEntry } from './entryFiles';
/** The files of a Helm chart that the analysis of its values reads, for the editor and the CLI. */
export { chartOfFile, isChartFolder, readChartFiles } from './chartFiles';
export type { ChartFiles, ChartLimits, TextOverride } from './chartFiles';

/** Files: written all or none (the CLI and the registry cache), and a Helm chart read bounded. */
export { FileWriteError, writeFileAtomic, writeFiles } from './atomicWrite';
/** The files of a Helm chart that the analysis of its values reads, for the editor and the CLI. */
export { chartOfFile, isChartFolder, readChartFiles } from './chartFiles';
export type { ChartFiles, ChartLimits, TextOverride } from './chartFiles';

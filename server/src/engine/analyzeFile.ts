/**
 * The analysis of any file the front ends open or check: a Dockerfile (by its language or its name) is
 * read by dockerfile/read.ts and analysed by the core's analyzeDockerfile; everything else is YAML,
 * for the core's analyze (which tells Compose files and kustomizations by their names).
 */
import { analyze, analyzeDockerfile } from '../core';
import type { Analysis, AnalyzeOptions } from '../core';
import { readDockerfile } from './dockerfile/read';

/** `Dockerfile`, `Containerfile`, `*.Dockerfile` and `*.Containerfile` in any case, as VS Code's Dockerfile language names them. */
const DOCKERFILE_NAME = /(^|[\\/])([^\\/]+\.)?(docker|container)file$/i;
/** `Dockerfile.*` and `Containerfile.*` (`Dockerfile.dev`), capitalised, so `dockerfile.test.ts` is no Dockerfile. */
const DOCKERFILE_VARIANT = /(^|[\\/])(Docker|Container)file\.[^\\/]+$/;

export function isDockerfileName(fileName: string): boolean {
  return DOCKERFILE_NAME.test(fileName) || DOCKERFILE_VARIANT.test(fileName);
}

export interface AnalyzeFileOptions extends AnalyzeOptions {
  /** The editor's language id; `dockerfile` makes the file a Dockerfile whatever its name. */
  readonly languageId?: string;
}

/** Whether the file is analysed as a Dockerfile. */
export function isDockerfile(options: Pick<AnalyzeFileOptions, 'fileName' | 'languageId'>): boolean {
  if (options.languageId !== undefined && options.languageId !== 'plaintext') return options.languageId === 'dockerfile';
  return options.fileName !== undefined && isDockerfileName(options.fileName);
}

export function analyzeFile(text: string, options: AnalyzeFileOptions): Analysis {
  return isDockerfile(options) ? analyzeDockerfile(text, readDockerfile, options) : analyze(text, options);
}

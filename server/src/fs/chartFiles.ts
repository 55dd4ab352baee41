/**
 * Reads what the analysis of a Helm chart's values files needs (core helm/chart.ts): Chart.yaml and
 * the files of `templates/` (templates and `_*.tpl` helpers, in subfolders too), for the editor and
 * the CLI alike. Bounded by the caller's limits (the core's): so many files of so many characters,
 * symbolic links not followed, a file that cannot be read left out. `override` gives a file's text
 * where the caller has a newer one (an editor's open document).
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

export interface ChartFiles {
  readonly root: string;
  readonly chartYaml: string | null;
  /** Names relative to the chart folder, with `/`: `templates/deployment.yaml`. */
  readonly templates: ReadonlyArray<{ readonly name: string; readonly text: string }>;
}

export interface ChartLimits {
  readonly maxFiles: number;
  readonly maxChars: number;
}

const CHART_FILE = 'Chart.yaml';
const TEMPLATE_FILE = /\.(ya?ml|tpl|txt)$/i;

export type TextOverride = (path: string) => string | undefined;

async function readBounded(path: string, override: TextOverride, maxChars: number): Promise<string | null> {
  const open = override(path);
  if (open !== undefined) return open.slice(0, maxChars);
  try {
    const info = await lstat(path);
    // A UTF-8 character is at most 4 bytes: a larger file holds more than maxChars.
    if (!info.isFile() || info.size > maxChars * 4) return null;
    return (await readFile(path, 'utf8')).slice(0, maxChars);
  } catch {
    return null;
  }
}

/** Whether a folder holds a Chart.yaml file (not a link). */
export async function isChartFolder(folder: string): Promise<boolean> {
  try {
    return (await lstat(join(folder, CHART_FILE))).isFile();
  } catch {
    return false;
  }
}

/** The chart folder a file belongs to: its own folder or one above it, up to the folder above `templates/`. */
export async function chartOfFile(path: string): Promise<string | null> {
  const parts = path.split(sep);
  const templates = parts.lastIndexOf('templates');
  const folder = templates > 0 ? parts.slice(0, templates).join(sep) : dirname(path);
  return (await isChartFolder(folder)) ? folder : null;
}

export async function readChartFiles(root: string, limits: ChartLimits, override: TextOverride = () => undefined): Promise<ChartFiles> {
  const chartYaml = await readBounded(join(root, CHART_FILE), override, limits.maxChars);
  const templates: Array<{ name: string; text: string }> = [];
  const pending = [join(root, 'templates')];
  while (pending.length > 0 && templates.length < limits.maxFiles) {
    const folder = pending.pop()!;
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() && TEMPLATE_FILE.test(entry.name) && templates.length < limits.maxFiles) {
        const text = await readBounded(path, override, limits.maxChars);
        if (text !== null) templates.push({ name: relative(root, path).split(sep).join('/'), text });
      }
    }
  }
  return { root, chartYaml, templates };
}

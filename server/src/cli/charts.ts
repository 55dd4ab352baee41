/**
 * The Helm charts of the files `check`, `pin` and `push` read: a values file (values.yaml,
 * values-*.yaml) in a folder with a Chart.yaml is analysed with its chart's context (Chart.yaml's
 * appVersion, what the templates read; core helm/chart.ts), read once per chart.
 */
import { basename, dirname } from 'node:path';
import { chartContext, isValuesFileName, MAX_CHART_TEMPLATES, MAX_TEMPLATE_CHARS } from '../core';
import type { ChartContext } from '../core';
import { isChartFolder, readChartFiles } from '../fs';
import type { InputLocation } from './inputs';

/** The chart contexts read so far, by chart folder (null: the folder is no chart). */
export type ChartCache = Map<string, ChartContext | null>;

/** The chart context of a file when it is a chart's values file, else null; each chart is read once per cache. */
export async function chartOf(absolutePath: string | null, cache: ChartCache): Promise<ChartContext | null> {
  if (absolutePath === null || !isValuesFileName(basename(absolutePath))) return null;
  const root = dirname(absolutePath);
  let context = cache.get(root);
  if (context === undefined) {
    context = null;
    if (await isChartFolder(root)) {
      const files = await readChartFiles(root, { maxFiles: MAX_CHART_TEMPLATES, maxChars: MAX_TEMPLATE_CHARS });
      context = chartContext(files.chartYaml, files.templates);
    }
    cache.set(root, context);
  }
  return context;
}

/** The chart context of each input that is a chart's values file, by its absolute path. */
export async function readCharts(inputs: readonly InputLocation[]): Promise<Map<string, ChartContext>> {
  const cache: ChartCache = new Map();
  const charts = new Map<string, ChartContext>();
  for (const { absolutePath } of inputs) {
    const context = await chartOf(absolutePath, cache);
    if (context && absolutePath !== null) charts.set(absolutePath, context);
  }
  return charts;
}

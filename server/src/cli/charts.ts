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

/** The chart context of each input that is a chart's values file, by its absolute path. */
export async function readCharts(inputs: readonly InputLocation[]): Promise<Map<string, ChartContext>> {
  const byRoot = new Map<string, ChartContext>();
  const charts = new Map<string, ChartContext>();
  for (const { absolutePath } of inputs) {
    if (absolutePath === null || !isValuesFileName(basename(absolutePath))) continue;
    const root = dirname(absolutePath);
    if (!byRoot.has(root) && (await isChartFolder(root))) {
      const files = await readChartFiles(root, { maxFiles: MAX_CHART_TEMPLATES, maxChars: MAX_TEMPLATE_CHARS });
      byRoot.set(root, chartContext(files.chartYaml, files.templates));
    }
    const context = byRoot.get(root);
    if (context) charts.set(absolutePath, context);
  }
  return charts;
}

/**
 * The Helm chart fixtures of test/fixtures/helm/ (each file cites its source): a chart's context
 * built the way the front ends build it, and the analysis of its values.yaml under it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../../server/src/core/analysis';
import type { Analysis } from '../../server/src/core/analysis';
import { chartContext } from '../../server/src/core/helm/chart';
import type { ChartContext, ChartTemplate } from '../../server/src/core/helm/chart';

export const HELM_FIXTURES = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'helm');

export interface ChartFixture {
  readonly dir: string;
  readonly chartYaml: string;
  readonly templates: readonly ChartTemplate[];
  readonly values: string;
  readonly context: ChartContext;
}

export function chartFixture(name: 'create' | 'bitnami' | 'ingress-nginx'): ChartFixture {
  const dir = join(HELM_FIXTURES, name);
  const templates = readdirSync(join(dir, 'templates'))
    .sort()
    .map((file) => ({ name: `templates/${file}`, text: readFileSync(join(dir, 'templates', file), 'utf8') }));
  const chartYaml = readFileSync(join(dir, 'Chart.yaml'), 'utf8');
  return { dir, chartYaml, templates, values: readFileSync(join(dir, 'values.yaml'), 'utf8'), context: chartContext(chartYaml, templates) };
}

export function analyzeValues(text: string, chart: ChartContext): Analysis {
  return analyze(text, { fileName: 'values.yaml', maxFileSize: 10 * 1024 * 1024, chart });
}

/** The template of a fixture chart by file name. */
export function templateOf(fixture: ChartFixture, file: string): string {
  const template = fixture.templates.find((t) => t.name === `templates/${file}`);
  if (!template) throw new Error(`No template ${file} in ${fixture.dir}`);
  return template.text;
}

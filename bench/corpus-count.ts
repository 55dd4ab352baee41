/**
 * How many image fields the analysis finds in a folder of YAML files and Dockerfiles, per kind: the
 * before/after measure of where images are found (docs/where-images-are-found.md). It reads every
 * *.yaml and *.yml file and every file named like a Dockerfile below the folder (not following links,
 * skipping node_modules and .git, files over 2 MB and past 50,000 files), analyses each as the CLI
 * does (engine/analyzeFile.ts: Compose files and kustomizations by name, Dockerfiles by theirs), and
 * prints one row per kind (a Compose file's and a Dockerfile's records have theirs): the image fields
 * with a value, and the records without one (a key with no value, a pull policy alone), then, where the
 * records say what holds them (`location.label`), one row per place.
 * A Helm values file (values.yaml, values-*.yaml beside a Chart.yaml) is analysed with its chart's
 * context (Chart.yaml and the files of templates/), and its values images are counted as the kind
 * `Helm values`. An older checkout counts what it finds with its own copy of this script.
 *
 *   node out/bench/corpus-count.js FOLDER [--json]
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { chartContext, isValuesFileName, MAX_CHART_TEMPLATES, MAX_TEMPLATE_CHARS } from '../server/src/core/helm/chart';
import type { ChartContext, ChartTemplate } from '../server/src/core/helm/chart';
import { analyzeFile, isDockerfileName } from '../server/src/engine/analyzeFile';

const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 50_000;
const SKIPPED = new Set(['node_modules', '.git']);

function yamlFiles(root: string): string[] {
  const files: string[] = [];
  const pending = [root];
  while (pending.length > 0 && files.length < MAX_FILES) {
    const folder = pending.pop()!;
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const info = lstatSync(path);
      if (info.isDirectory() && !SKIPPED.has(name)) pending.push(path);
      else if (info.isFile() && (/\.ya?ml$/i.test(name) || isDockerfileName(name)) && info.size <= MAX_FILE_BYTES) files.push(path);
    }
  }
  return files.slice(0, MAX_FILES);
}

/** The context of the chart whose values file `file` is, or null; read once per chart folder. */
function chartOf(file: string, charts: Map<string, ChartContext | null>): ChartContext | null {
  const root = dirname(file);
  if (!isValuesFileName(basename(file))) return null;
  if (!charts.has(root)) {
    const chartYaml = join(root, 'Chart.yaml');
    charts.set(root, existsSync(chartYaml) ? chartContext(readFileSync(chartYaml, 'utf8'), templatesOf(join(root, 'templates'))) : null);
  }
  return charts.get(root)!;
}

function templatesOf(folder: string): ChartTemplate[] {
  const templates: ChartTemplate[] = [];
  const pending = existsSync(folder) ? [folder] : [];
  while (pending.length > 0 && templates.length < MAX_CHART_TEMPLATES) {
    const at = pending.pop()!;
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const info = lstatSync(path);
      if (info.isDirectory()) pending.push(path);
      else if (info.isFile() && info.size <= MAX_TEMPLATE_CHARS) templates.push({ name: path, text: readFileSync(path, 'utf8') });
    }
  }
  return templates;
}

interface Row {
  images: number;
  empty: number;
}

/** What a record says about its place, in versions that have one. */
type Placed = { readonly location?: { readonly label: string } };

function add(rows: Map<string, Row>, key: string, hasImage: boolean): void {
  const row = rows.get(key) ?? { images: 0, empty: 0 };
  if (hasImage) row.images++;
  else row.empty++;
  rows.set(key, row);
}

function count(root: string): { files: number; documents: number; byKind: Map<string, Row>; byPlace: Map<string, Row> } {
  const byKind = new Map<string, Row>();
  const byPlace = new Map<string, Row>();
  let documents = 0;
  const files = yamlFiles(root);
  const charts = new Map<string, ChartContext | null>();
  for (const file of files) {
    const analysis = analyzeFile(readFileSync(file, 'utf8'), { fileName: file, maxFileSize: MAX_FILE_BYTES, chart: chartOf(file, charts) });
    documents += analysis.documents.length;
    for (const { analysis: doc } of analysis.documents) {
      for (const record of doc.fields.containers) {
        const hasImage = Boolean(record.image?.value || record.image?.nonString);
        add(byKind, record.workloadKind, hasImage);
        const label = (record as Placed).location?.label;
        if (label !== undefined) add(byPlace, label, hasImage);
      }
      for (const image of doc.fields.values?.images ?? []) {
        add(byKind, 'Helm values', image.rendered.ref !== null);
        add(byPlace, 'Helm values image', image.rendered.ref !== null);
      }
      if (doc.fields.kustomizeImages.length > 0) {
        const row = byKind.get('Kustomization images:') ?? { images: 0, empty: 0 };
        row.images += doc.fields.kustomizeImages.length;
        byKind.set('Kustomization images:', row);
      }
    }
  }
  return { files: files.length, documents, byKind, byPlace };
}

function main(): void {
  const [root, flag] = process.argv.slice(2);
  if (!root) {
    process.stderr.write('Usage: node out/bench/corpus-count.js FOLDER [--json]\n');
    process.exit(2);
  }
  const { files, documents, byKind, byPlace } = count(root);
  const sorted = (rows: Map<string, Row>): Array<[string, Row]> => [...rows].sort((a, b) => b[1].images - a[1].images || a[0].localeCompare(b[0]));
  const images = [...byKind.values()].reduce((sum, row) => sum + row.images, 0);
  if (flag === '--json') {
    const json = { files, documents, images, byKind: Object.fromEntries(sorted(byKind)), byPlace: Object.fromEntries(sorted(byPlace)) };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${files} files, ${documents} documents, ${images} image fields\n`);
  for (const [title, rows] of [
    ['kind', sorted(byKind)],
    ['place', sorted(byPlace)],
  ] as const) {
    if (rows.length === 0) continue;
    const width = Math.max(...rows.map(([key]) => key.length), title.length);
    process.stdout.write(`\n${title.padEnd(width)}  images  without\n`);
    for (const [key, row] of rows) process.stdout.write(`${key.padEnd(width)}  ${String(row.images).padStart(6)}  ${String(row.empty).padStart(7)}\n`);
  }
}

main();

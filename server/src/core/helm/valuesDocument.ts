/**
 * One document of a Helm values file, analysed the way its chart renders it: the values images
 * (helm/valuesImages.ts) with their findings, the string images with every finding a container's
 * image gets, and `yaml-syntax` like any manifest. A values document is always read as a manifest,
 * so completion works in it while it is being written.
 */
import { documentFindings } from '../diagnostics/documentFindings';
import type { Finding } from '../diagnostics/finding';
import { nestedTooDeep, tooManyContainers } from '../diagnostics/notAnalysed';
import { fastParse } from '../manifest/fastParse';
import type { ImageFields } from '../manifest/imageFields';
import { slowParse } from '../manifest/slowParse';
import { MAX_DEPTH } from '../manifest/yamlTree';
import type { ChartContext } from './chart';
import { valuesFindings } from './findings';
import { locateValuesImages, MAX_VALUES_IMAGES } from './valuesImages';

/** The keys whose values a values document's analysis reads: the fast parser declines where they hold block scalars. */
const VALUES_KEYS: ReadonlySet<string> = new Set([
  'image',
  'registry',
  'repository',
  'tag',
  'digest',
  'pullPolicy',
  'imagePullPolicy',
  'imageRegistry',
  'name',
]);

export function analyzeValuesDocument(
  source: string,
  chart: ChartContext,
): { readonly fields: ImageFields; readonly findings: readonly Finding[]; readonly parser: 'fast' | 'slow' } {
  const fast = fastParse(source, 0, source.length, VALUES_KEYS);
  const parsed = fast ?? slowParse(source, 0, source.length);
  const located = locateValuesImages(parsed.root, chart);
  const fields: ImageFields = {
    containers: located.strings,
    kustomizeImages: [],
    definedSecrets: [],
    isManifest: true,
    truncated: located.truncated,
    values: located.values,
  };
  const findings = [...documentFindings(fields, source, parsed.problems), ...valuesFindings(located.values.images)];
  if (located.truncated) findings.push(tooManyContainers(source, MAX_VALUES_IMAGES));
  if (parsed.tooDeepAt !== null) findings.push(nestedTooDeep(parsed.tooDeepAt, MAX_DEPTH));
  findings.sort((a, b) => a.start - b.start || a.end - b.end);
  return { fields, findings, parser: fast ? 'fast' : 'slow' };
}

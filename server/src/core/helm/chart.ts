/**
 * A Helm chart as the analysis of its values files needs it: Chart.yaml's appVersion (what an empty
 * `image.tag` renders as) and what the templates read from `.Values`, found by reading the actions
 * (`{{ … }}`) of every template and helper: `.Values.image.tag` is read directly; `.Values.image`
 * alone is handed on whole (to `with`, `include`, Bitnami's `common.images.image`), and what is read
 * of it then is known by the fields read relative to a context (`.digest`, `.imageRoot.digest`).
 * Front ends read the files (bounded) and build one ChartContext per chart state; the analysis of a
 * values file takes it as plain data, and reuses earlier documents only under the same context.
 */
import { slowParse } from '../manifest/slowParse';
import { getScalar, isNullScalar } from '../manifest/yamlTree';

/** A file of the chart's `templates/` folder: a template (`deployment.yaml`) or helpers (`_helpers.tpl`). */
export interface ChartTemplate {
  /** Relative to the chart folder: `templates/deployment.yaml`. */
  readonly name: string;
  readonly text: string;
}

export interface ChartContext {
  readonly appVersion: string | null;
  /** Whether any template was read: without templates nothing is known of what the chart reads. */
  readonly templatesKnown: boolean;
  /** Dotted `.Values` paths the templates read: `image.repository`, or `image` where it is handed on whole. */
  readonly valuesPaths: ReadonlySet<string>;
  /** Fields read relative to a context (`.digest`, `.imageRoot.digest`, `$image.tag`): their last segment. */
  readonly relativeFields: ReadonlySet<string>;
  /** Images go through Bitnami's `common.images.image`, where `global.imageRegistry` wins and a digest replaces the tag. */
  readonly bitnamiImages: boolean;
  /** Named templates (`define`) by name: their bodies, to follow an `include` from an image. */
  readonly defines: ReadonlyMap<string, string>;
}

/** Template files read per chart, characters read per file: far past any real chart. */
export const MAX_CHART_TEMPLATES = 500;
export const MAX_TEMPLATE_CHARS = 512 * 1024;

/** Bitnami's helper reads these of the object it gets as `imageRoot` (bitnami/common templates/_images.tpl). */
const BITNAMI_HELPER = 'common.images.image';
const BITNAMI_FIELDS = ['registry', 'repository', 'tag', 'digest'];

/** Built-in objects of a template other than `.Values`: reads of them say nothing about values. */
const BUILT_INS = new Set(['Chart', 'Release', 'Capabilities', 'Template', 'Files', 'Subcharts']);

/** `{{ … }}`, with `{{-` and `-}}` trimming markers. */
const ACTION = /\{\{-?([\s\S]*?)-?\}\}/g;
/** A field chain: `.a.b`, `$.Values.a`, `$x.a`. */
const CHAIN = /(\$[A-Za-z_]\w*|\$)?((?:\.[A-Za-z_]\w*)+)/g;
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"|`[^`]*`/g;
const DEFINE = /^\s*(?:define|block)\s+"([^"]+)"/;

export interface Chain {
  /** Offsets in the text scanned. */
  readonly start: number;
  readonly end: number;
  /** `$name` or `$` before the fields; null for a chain from the current context (`.a.b`). */
  readonly variable: string | null;
  readonly fields: readonly string[];
}

/** The field chains of one action's text (string literals left out), offsets from `base`. */
export function chainsOf(action: string, base: number): Chain[] {
  const blanked = action.replace(STRING_LITERAL, (literal) => ' '.repeat(literal.length));
  const chains: Chain[] = [];
  for (const match of blanked.matchAll(CHAIN)) {
    const before = match.index === 0 ? '' : blanked[match.index - 1];
    if (/[\w)\]]/.test(before) && match[1] === undefined) continue;
    chains.push({ start: base + match.index, end: base + match.index + match[0].length, variable: match[1] ?? null, fields: match[2].slice(1).split('.') });
  }
  return chains;
}

/** The `.Values` path a chain reads (`image.tag`), or null when it reads something else. */
export function valuesPathOf(chain: Chain): string | null {
  const fromRoot = chain.variable === null || chain.variable === '$';
  return fromRoot && chain.fields[0] === 'Values' && chain.fields.length > 1 ? chain.fields.slice(1).join('.') : null;
}

/** Whether a chain reads from a context other than the root (`.digest` in a `with`, `.imageRoot.tag` in a helper). */
function isRelative(chain: Chain): boolean {
  if (chain.variable !== null && chain.variable !== '$') return true;
  return chain.variable === null && chain.fields[0] !== 'Values' && !BUILT_INS.has(chain.fields[0]);
}

export interface Action {
  readonly start: number;
  readonly end: number;
  /** The text between the delimiters and trim markers, starting at `innerStart`. */
  readonly inner: string;
  readonly innerStart: number;
}

export function actionsOf(text: string): Action[] {
  const actions: Action[] = [];
  for (const match of text.matchAll(ACTION)) {
    const open = match[0].startsWith('{{-') ? 3 : 2;
    actions.push({ start: match.index, end: match.index + match[0].length, inner: match[1], innerStart: match.index + open });
  }
  return actions;
}

/** The bodies of the named templates a text defines (`define "x"` … its `end`, nesting counted). */
function definesOf(text: string, actions: readonly Action[], into: Map<string, string>): void {
  for (let i = 0; i < actions.length; i++) {
    const name = DEFINE.exec(actions[i].inner)?.[1];
    if (name === undefined) continue;
    let depth = 1;
    let j = i + 1;
    for (; j < actions.length && depth > 0; j++) {
      const word = /^\s*(\w+)/.exec(actions[j].inner)?.[1];
      if (word === 'end') depth--;
      else if (word === 'if' || word === 'with' || word === 'range' || word === 'define' || word === 'block') depth++;
    }
    into.set(name, text.slice(actions[i].end, actions[j - 1]?.start ?? text.length));
  }
}

function appVersionOf(chartYaml: string): string | null {
  const root = slowParse(chartYaml, 0, Math.min(chartYaml.length, MAX_TEMPLATE_CHARS)).root;
  const scalar = root?.type === 'map' ? getScalar(root, 'appVersion') : undefined;
  return scalar && !isNullScalar(scalar) && scalar.value !== '' ? scalar.value : null;
}

/** The context of a chart from its Chart.yaml text (null when it has none) and its templates. */
export function chartContext(chartYaml: string | null, templates: readonly ChartTemplate[]): ChartContext {
  const valuesPaths = new Set<string>();
  const relativeFields = new Set<string>();
  const defines = new Map<string, string>();
  let bitnamiImages = false;
  for (const template of templates.slice(0, MAX_CHART_TEMPLATES)) {
    const text = template.text.slice(0, MAX_TEMPLATE_CHARS);
    const actions = actionsOf(text);
    definesOf(text, actions, defines);
    for (const action of actions) {
      if (action.inner.includes(`"${BITNAMI_HELPER}"`)) bitnamiImages = true;
      for (const chain of chainsOf(action.inner, 0)) {
        const path = valuesPathOf(chain);
        if (path !== null) valuesPaths.add(path);
        else if (isRelative(chain)) relativeFields.add(chain.fields[chain.fields.length - 1]);
      }
    }
  }
  if (bitnamiImages) {
    for (const field of BITNAMI_FIELDS) relativeFields.add(field);
    if (valuesPaths.has('global')) valuesPaths.add('global.imageRegistry');
  }
  return Object.freeze({
    appVersion: chartYaml === null ? null : appVersionOf(chartYaml),
    templatesKnown: templates.length > 0,
    valuesPaths,
    relativeFields,
    bitnamiImages,
    defines,
  });
}

/** Whether the templates read `field` of the values object at `path`: directly, or relative to it where it is handed on whole. */
export function readsField(chart: ChartContext, path: string, field: string): boolean {
  return chart.valuesPaths.has(`${path}.${field}`) || (chart.valuesPaths.has(path) && chart.relativeFields.has(field));
}

/** The file names Helm reads as values: `values.yaml`, and by convention `values-*.yaml`, `values.*.yaml` (given with -f). */
const VALUES_FILE = /(^|[\\/])values([-._][^\\/]*)?\.ya?ml$/i;

export function isValuesFileName(fileName: string): boolean {
  return VALUES_FILE.test(fileName);
}

/**
 * Users' own resources: a mapping from API group and kind to where their objects keep images, read
 * from a `.image-aware.yaml` file and from the `imageAware.resources` setting, both of this shape
 * (docs/where-images-are-found.md):
 *
 *   resources:
 *     - group: example.com            # or apiVersion: example.com/v1; `*` matches any characters
 *       kind: Widget                  # a kind, or a pattern
 *       podSpecs: [spec.template.spec]
 *       containers: [spec.runner]     # mappings with image and imagePullPolicy
 *       images:
 *         - path: spec.engine.image
 *           pullPolicy: imagePullPolicy   # the key of its pull policy beside the image
 *       pullSecrets: [spec.imagePullSecrets]
 *
 * One reader checks both (over ConfigValue, which a YAML tree and a JSON value both become), so the
 * file and the setting accept exactly the same entries. An entry with a problem is left out whole and
 * the problem reported: in the file as an `invalid-config` finding at its exact span, for the setting
 * as a sentence naming where it is.
 */
import { valueSpanToSource } from './diagnostics/imageFindings';
import type { Finding } from './diagnostics/finding';
import { BUILT_IN_LOCATIONS, BUILT_IN_RULES } from './manifest/builtInLocations';
import { splitDocuments } from './manifest/documents';
import { EVERY_ITEM, EVERY_VALUE, parsePath } from './manifest/locationPaths';
import type { Path } from './manifest/locationPaths';
import { fieldRule, imageLocation, locationTable, podSpec, scope } from './manifest/locations';
import type { FieldRule, LocationRule, LocationTable } from './manifest/locations';
import { plainScalarType } from './manifest/plainScalarType';
import { slowParse } from './manifest/slowParse';
import { formatPlatform, parsePlatform } from './platforms';
import { isNullScalar } from './manifest/yamlTree';
import type { YamlNode, YamlScalar } from './manifest/yamlTree';
import type { Span } from './span';

/** The file the editor reads at a workspace folder's root and the CLI in its working directory. */
export const CONFIG_FILE_NAME = '.image-aware.yaml';
const CONFIG_FILE = /(^|[\\/])\.image-aware\.yaml$/;

/** Entries and paths a mapping may hold: far more than anyone writes by hand, and bounded, as all outside data. */
export const MAX_RESOURCES = 100;
const MAX_PATHS = 32;
const MAX_TEXT = 256;
/** How deep a JSON setting value is read; the schema needs four levels. */
const MAX_JSON_DEPTH = 8;

export function isConfigFile(fileName: string): boolean {
  return CONFIG_FILE.test(fileName);
}

/** A value of the file or the setting: what the reader needs of either, with the span where the file has one. */
type ConfigValue =
  | { readonly type: 'map'; readonly entries: readonly ConfigEntry[]; readonly span: Span | null }
  | { readonly type: 'seq'; readonly items: readonly ConfigValue[]; readonly span: Span | null }
  | { readonly type: 'string'; readonly value: string; readonly span: Span | null; readonly scalar: YamlScalar | null }
  | { readonly type: 'null' | 'number' | 'boolean'; readonly span: Span | null };

interface ConfigEntry {
  readonly key: string;
  readonly keySpan: Span | null;
  readonly value: ConfigValue;
}

function fromYaml(node: YamlNode | null, at: Span): ConfigValue {
  if (node === null) return { type: 'null', span: at };
  const span = { start: node.start, end: node.end };
  if (node.type === 'map')
    return { type: 'map', span, entries: node.pairs.map((p) => ({ key: p.key.value, keySpan: p.key, value: fromYaml(p.value, p.key) })) };
  if (node.type === 'seq') return { type: 'seq', span, items: node.items.map((item) => fromYaml(item, span)) };
  if (isNullScalar(node)) return { type: 'null', span };
  const type = node.style === 'plain' ? plainScalarType(node.value) : 'string';
  return type === 'string' ? { type, value: node.value, span, scalar: node } : { type, span };
}

function fromJson(value: unknown, depth: number): ConfigValue {
  if (typeof value === 'string') return { type: 'string', value, span: null, scalar: null };
  if (typeof value === 'number' || typeof value === 'boolean') return { type: typeof value as 'number' | 'boolean', span: null };
  if (Array.isArray(value) && depth < MAX_JSON_DEPTH)
    return { type: 'seq', span: null, items: value.slice(0, MAX_RESOURCES + 1).map((v) => fromJson(v, depth + 1)) };
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && depth < MAX_JSON_DEPTH) {
    return { type: 'map', span: null, entries: Object.entries(value).map(([key, v]) => ({ key, keySpan: null, value: fromJson(v, depth + 1) })) };
  }
  return { type: 'null', span: null };
}

/** A problem with one part of the mapping: `where` for the setting (`resources[0].kind`), `span` for the file. */
export interface ConfigProblem {
  readonly message: string;
  readonly where: string;
  readonly span: Span | null;
}

/** Users' rules and what was wrong with the entries left out. */
export interface LocationConfig {
  readonly rules: readonly LocationRule[];
  /** The file's `platforms.targets`, valid ones only (absent in the setting, which has its own key). */
  readonly targets?: readonly string[];
  readonly problems: readonly ConfigProblem[];
}

export const NO_CONFIG: LocationConfig = Object.freeze({ rules: Object.freeze([]), problems: Object.freeze([]) });

/** The keys of a `.image-aware.yaml`: users' resources, the platforms workloads run on, and what to trust and require of images (settings.ts parseSignatures). */
const ROOT_KEYS = ['resources', 'platforms', 'signatures'];
const ENTRY_KEYS = ['kind', 'group', 'apiVersion', 'podSpecs', 'containers', 'images', 'pullSecrets'];
const IMAGE_KEYS = ['path', 'pullPolicy'];
const KIND = /^[A-Za-z0-9*]+$/;
const GROUP = /^[a-z0-9*]([a-z0-9.*-]*[a-z0-9*])?$/;
const VERSION = /^[a-z0-9*]+$/;
const KEY = /^[^.[\]*\s]+$/;

class Reader {
  readonly problems: ConfigProblem[] = [];
  readonly rules: LocationRule[] = [];
  readonly targets: string[] = [];

  constructor(private readonly source: string) {}

  problem(message: string, where: string, span: Span | null): null {
    this.problems.push({ message, where, span });
    return null;
  }

  /** The whole file: a mapping whose `resources` is the list of resources. */
  root(value: ConfigValue): void {
    if (value.type === 'null') return;
    if (value.type !== 'map') {
      this.problem(`${this.source} must be a mapping with a "resources" list.`, '', value.span);
      return;
    }
    for (const entry of value.entries) {
      if (!ROOT_KEYS.includes(entry.key))
        this.problem(`Unknown key "${entry.key}": ${this.source} has only "resources", "platforms" and "signatures".`, entry.key, entry.keySpan);
    }
    const platforms = value.entries.find((e) => e.key === 'platforms')?.value;
    if (platforms !== undefined && platforms.type !== 'null') this.platforms(platforms);
    const resources = value.entries.find((e) => e.key === 'resources')?.value;
    if (resources === undefined || resources.type === 'null') return;
    this.resources(resources, 'resources');
  }

  /** `platforms: { targets: [linux/amd64, …] }`: the platforms workloads run on (platforms.ts). */
  private platforms(value: ConfigValue): void {
    const targets = value.type === 'map' ? value.entries.find((e) => e.key === 'targets') : undefined;
    if (value.type !== 'map' || value.entries.some((e) => e.key !== 'targets')) {
      this.problem(`"platforms" must be a mapping with only a "targets" list, like targets: [linux/amd64, linux/arm64].`, 'platforms', value.span);
      return;
    }
    this.list(targets, 'platforms.targets').forEach((item, i) => {
      const target = item.type === 'string' ? parsePlatform(item.value) : null;
      if (target === null) this.problem(`"platforms.targets[${i}]" must be a platform like linux/amd64 or linux/arm/v7.`, `platforms.targets[${i}]`, item.span);
      else this.targets.push(formatPlatform(target));
    });
  }

  resources(value: ConfigValue, where: string): void {
    if (value.type !== 'seq') {
      this.problem(`"${where}" must be a list of resources.`, where, value.span);
      return;
    }
    value.items.forEach((item, i) => {
      if (i === MAX_RESOURCES) this.problem(`At most ${MAX_RESOURCES} resources are read; the rest are left out.`, `${where}[${i}]`, item.span);
      if (i >= MAX_RESOURCES) return;
      const rule = this.resource(item, `${where}[${i}]`);
      if (rule) this.rules.push(rule);
    });
  }

  private resource(value: ConfigValue, where: string): LocationRule | null {
    if (value.type !== 'map') return this.problem(`${where} must be a mapping with a kind and where its images are.`, where, value.span);
    const before = this.problems.length;
    const get = (key: string): ConfigEntry | undefined => value.entries.find((e) => e.key === key);
    for (const entry of value.entries) {
      if (!ENTRY_KEYS.includes(entry.key))
        this.problem(`Unknown key "${entry.key}"; a resource has ${ENTRY_KEYS.join(', ')}.`, `${where}.${entry.key}`, entry.keySpan);
    }
    const kind = this.text(get('kind'), `${where}.kind`, KIND, 'a kind (letters and digits, * for any)', value.span);
    const group = get('group');
    const apiVersion = get('apiVersion');
    let groups: string[] = [];
    let versions: string[] | null = null;
    if ((group === undefined) === (apiVersion === undefined)) {
      this.problem(`${where} needs either "group" or "apiVersion" (one of them).`, where, group?.keySpan ?? apiVersion?.keySpan ?? value.span);
    } else if (group) {
      const text = this.text(group, `${where}.group`, GROUP, 'an API group like example.com ("" for the core group)', null, true);
      if (text !== null) groups = [text];
    } else {
      const text = this.text(apiVersion, `${where}.apiVersion`, /^./, 'an apiVersion like example.com/v1', null);
      const slash = text === null ? -1 : text.lastIndexOf('/');
      const [g, v] = text === null ? ['', ''] : slash < 0 ? ['', text] : [text.slice(0, slash), text.slice(slash + 1)];
      if (text !== null && ((g !== '' && !GROUP.test(g)) || !VERSION.test(v))) {
        this.problem(
          `"${text}" is not an apiVersion: write group/version (example.com/v1) or a core version (v1).`,
          `${where}.apiVersion`,
          apiVersion!.value.span,
        );
      } else if (text !== null) {
        groups = [g];
        versions = [v];
      }
    }
    const podSpecs = this.paths(get('podSpecs'), `${where}.podSpecs`);
    const containers = this.paths(get('containers'), `${where}.containers`);
    const pullSecrets = this.paths(get('pullSecrets'), `${where}.pullSecrets`);
    const images = this.images(get('images'), `${where}.images`, kind ?? '');
    if (this.problems.length > before || kind === null) return null;
    if (podSpecs.length + containers.length + images.length === 0) {
      return this.problem(`${where} names no podSpecs, containers or images, so it finds nothing.`, where, value.span);
    }
    const note = `Mapped by ${this.source} (${kind}).`;
    const container = imageLocation({ label: 'container', note });
    return {
      groups,
      versions,
      kinds: [kind],
      withoutApiVersion: false,
      scope: scope('', {
        pullSecrets,
        fields: [
          ...containers.map((p) => fieldRule(p, container)),
          ...images.map((image) => ({ ...image, location: imageLocation({ ...image.location, note }) })),
        ],
        scopes: podSpecs.map((p) => podSpec(p)),
      }),
      objects: [],
      source: this.source,
    };
  }

  /** A string value matching `pattern`, or null after reporting why not. */
  private text(entry: ConfigEntry | undefined, where: string, pattern: RegExp, what: string, missingSpan: Span | null, emptyAllowed = false): string | null {
    if (entry === undefined) return this.problem(`"${where.slice(where.lastIndexOf('.') + 1)}" is missing: write ${what}.`, where, missingSpan);
    const value = entry.value;
    if (value.type !== 'string') return this.problem(`"${where}" must be ${what}.`, where, value.span);
    if (value.value.length > MAX_TEXT) return this.problem(`"${where}" is longer than ${MAX_TEXT} characters.`, where, value.span);
    if (!(emptyAllowed && value.value === '') && !pattern.test(value.value)) return this.problem(`"${value.value}" is not ${what}.`, where, value.span);
    return value.value;
  }

  private list(entry: ConfigEntry | undefined, where: string): readonly ConfigValue[] {
    if (entry === undefined || entry.value.type === 'null') return [];
    if (entry.value.type !== 'seq') return this.problem(`"${where}" must be a list.`, where, entry.value.span) ?? [];
    if (entry.value.items.length > MAX_PATHS) return this.problem(`"${where}" has more than ${MAX_PATHS} entries.`, where, entry.value.span) ?? [];
    return entry.value.items;
  }

  private paths(entry: ConfigEntry | undefined, where: string): Path[] {
    const paths: Path[] = [];
    this.list(entry, where).forEach((item, i) => {
      const found = this.path(item, `${where}[${i}]`);
      if (found) paths.push(found);
    });
    return paths;
  }

  private path(value: ConfigValue, where: string): Path | null {
    if (value.type !== 'string') return this.problem(`${where} must be a path like spec.template.spec.`, where, value.span);
    const parsed = parsePath(value.value);
    if (parsed.ok) return parsed.path;
    const span = value.scalar ? valueSpanToSource(value.scalar, parsed.start, parsed.end) : null;
    return this.problem(`${where}: ${parsed.message}`, where, span);
  }

  private images(entry: ConfigEntry | undefined, where: string, kind: string): FieldRule[] {
    return this.list(entry, where).flatMap((item, i) => this.image(item, `${where}[${i}]`, kind) ?? []);
  }

  private image(value: ConfigValue, where: string, kind: string): FieldRule | null {
    if (value.type !== 'map') return this.problem(`${where} must be a mapping with "path" (and "pullPolicy").`, where, value.span);
    const before = this.problems.length;
    for (const entry of value.entries) {
      if (!IMAGE_KEYS.includes(entry.key))
        this.problem(`Unknown key "${entry.key}"; an image has path and pullPolicy.`, `${where}.${entry.key}`, entry.keySpan);
    }
    const pathEntry = value.entries.find((e) => e.key === 'path');
    const found = pathEntry ? this.path(pathEntry.value, `${where}.path`) : this.problem(`${where} needs a "path" to the image field.`, where, value.span);
    const last = found?.[found.length - 1];
    if (found && (last === EVERY_ITEM || last === EVERY_VALUE)) {
      this.problem(`${where}.path must end with the image's own key (like spec.image), not "${last}".`, `${where}.path`, pathEntry!.value.span);
    }
    const policyEntry = value.entries.find((e) => e.key === 'pullPolicy');
    const policyKey = policyEntry
      ? this.text(policyEntry, `${where}.pullPolicy`, KEY, 'the key of the pull policy beside the image, like imagePullPolicy', null)
      : null;
    if (this.problems.length > before || !found || last === undefined) return null;
    return { path: found.slice(0, -1), location: imageLocation({ role: 'image', label: `${kind} image`, imageKey: last, policyKey }), pullSecretKey: null };
  }
}

function read(value: ConfigValue, source: string): Reader {
  const reader = new Reader(source);
  reader.root(value);
  return reader;
}

/** A value as JSON holds it, for settings read the way the editor's are: strings, mappings and lists (other scalars are null). */
function plainOf(value: ConfigValue): unknown {
  if (value.type === 'string') return value.value;
  if (value.type === 'seq') return value.items.map(plainOf);
  if (value.type === 'map') return Object.fromEntries(value.entries.map((entry) => [entry.key, plainOf(entry.value)]));
  return null;
}

/**
 * The rules of a `.image-aware.yaml` file and its problems as findings (spans in `text`), and its `signatures`
 * mapping as plain data (the shape of the `imageAware.signatures` setting).
 */
export function readConfigFile(text: string): { readonly config: LocationConfig; readonly findings: Finding[]; readonly signatures?: unknown } {
  const [first] = splitDocuments(text);
  if (!first) return { config: NO_CONFIG, findings: [] };
  const parsed = slowParse(text, first.start, first.end);
  const findings: Finding[] = parsed.problems.slice(0, 1).map((p) => ({
    code: 'invalid-config',
    message: `${CONFIG_FILE_NAME} is not valid YAML: ${p.message.split('\n')[0]}`,
    start: p.start,
    end: Math.max(p.end, p.start + 1),
  }));
  if (findings.length > 0) return { config: NO_CONFIG, findings };
  const root = fromYaml(parsed.root, { start: first.start, end: first.start });
  const reader = read(root, CONFIG_FILE_NAME);
  for (const problem of reader.problems) {
    const span = problem.span ?? { start: first.start, end: first.start };
    findings.push({ code: 'invalid-config', message: problem.message, start: span.start, end: Math.max(span.end, span.start + 1) });
  }
  const signatures = root.type === 'map' ? root.entries.find((entry) => entry.key === 'signatures')?.value : undefined;
  return {
    config: { rules: reader.rules, problems: reader.problems, ...(reader.targets.length > 0 ? { targets: reader.targets } : {}) },
    findings: findings.sort((a, b) => a.start - b.start),
    ...(signatures === undefined ? {} : { signatures: plainOf(signatures) }),
  };
}

/** The rules of the `imageAware.resources` setting (the list itself); problems name where they are. */
export function readResourceSetting(value: unknown, setting: string): LocationConfig {
  if (value === undefined || value === null) return NO_CONFIG;
  const reader = new Reader(setting);
  reader.resources(fromJson(value, 0), setting);
  return reader.rules.length === 0 && reader.problems.length === 0 ? NO_CONFIG : { rules: reader.rules, problems: reader.problems };
}

/** The location table with users' rules after the built-in ones (which keep a mapping both name). */
export function locationsWith(...configs: readonly LocationConfig[]): LocationTable {
  const rules = configs.flatMap((config) => config.rules);
  return rules.length === 0 ? BUILT_IN_LOCATIONS : locationTable([...BUILT_IN_RULES, ...rules]);
}

/**
 * The location table: for each API group and kind, where its objects keep image fields. A rule is a
 * tree of scopes whose paths (locationPaths.ts) lead to the mappings that hold an image: a pod spec is
 * a scope with its containers, init and ephemeral containers, image volumes and `imagePullSecrets`;
 * other resources name container-like mappings and single image fields directly. Built-in rules
 * (builtInLocations.ts) and users' own (locationConfig.ts) compile to the same table, which the
 * Locator (imageFields.ts) walks. Everything here is data, shared by every record that came from it.
 */
import type { PullPolicyRule } from '../policy/pullPolicy';
import { IMAGE_VOLUME_RULE, KUBERNETES_RULE } from '../policy/pullPolicy';
import { path } from './locationPaths';
import { apiGroup } from './workloadKinds';
import type { Path } from './locationPaths';
import { PLATFORM_LABELS } from '../platforms';

/** What holds an image: a pod's container lists, an image volume, or another image field. */
export type ImageRole = 'container' | 'initContainer' | 'ephemeralContainer' | 'imageVolume' | 'image';

/** How one kind of place names, defaults and explains its image. */
export interface ImageLocation {
  readonly role: ImageRole;
  /** What people call the mapping that holds the image, lower case: `container`, `Tekton step`, `image volume`. */
  readonly label: string;
  readonly imageKey: string;
  /** The key of its pull policy in the same mapping; null where it has none. */
  readonly policyKey: string | null;
  /** Who fills the pull policy in and what its values mean; null where no pull policy applies (a Dockerfile's base image). */
  readonly policy: PullPolicyRule | null;
  /** The API rejects the mapping without an image (missing-image); otherwise the image may come from elsewhere. */
  readonly imageRequired: boolean;
  /** What differs here from a Deployment's container, one or two sentences for the hover; null when nothing does. */
  readonly note: string | null;
  /** What runs the image, plural, for sentences: `pods`, Compose's `containers`, a Dockerfile's `builds`. */
  readonly runner: string;
}

/** Mappings a path reaches that hold an image. */
export interface FieldRule {
  readonly path: Path;
  readonly location: ImageLocation;
  /** A key of the same mapping that names one pull Secret (KubeVirt's `imagePullSecret`). */
  readonly pullSecretKey: string | null;
  /** The location instead when the mapping has this key (a Compose service with `build`, which changes the default policy). */
  readonly withKey?: { readonly key: string; readonly location: ImageLocation };
}

/** A part of an object whose fields share pull secrets: the object itself, or a pod spec within it. */
export interface Scope {
  /** From the enclosing scope (empty: the same node). */
  readonly path: Path;
  /** Sequences of pull Secret references (`{name}` mappings or plain names), from this scope. */
  readonly pullSecrets: readonly Path[];
  readonly fields: readonly FieldRule[];
  readonly scopes: readonly Scope[];
  /** A pod spec: its nodeSelector and node affinity say which nodes (platforms) its images run on (placement.ts). */
  readonly podSpec?: boolean;
}

export interface LocationRule {
  /** API group patterns (`*` matches any characters); '' is the core group (`apiVersion: v1`). */
  readonly groups: readonly string[];
  /** Version patterns the apiVersion must have too; null for any version. */
  readonly versions: readonly string[] | null;
  /** Kind patterns. */
  readonly kinds: readonly string[];
  /** Whether a document without apiVersion matches (Kubernetes' own kinds only). */
  readonly withoutApiVersion: boolean;
  readonly scope: Scope;
  /** Where whole objects are embedded, each read as a document of its own (an OpenShift Template's `objects`). */
  readonly objects: readonly Path[];
  /** Where the rule comes from, for people: `built in`, `.image-aware.yaml`, `imageAware.resources`. */
  readonly source: string;
}

export function imageLocation(fields: Partial<ImageLocation> & Pick<ImageLocation, 'label'>): ImageLocation {
  return Object.freeze({
    role: 'container',
    imageKey: 'image',
    policyKey: 'imagePullPolicy',
    policy: KUBERNETES_RULE,
    imageRequired: false,
    note: null,
    runner: 'pods',
    ...fields,
  });
}

export const CONTAINER = imageLocation({ label: 'container', imageRequired: true });
export const INIT_CONTAINER = imageLocation({ role: 'initContainer', label: 'init container', imageRequired: true });
export const EPHEMERAL_CONTAINER = imageLocation({
  role: 'ephemeralContainer',
  label: 'ephemeral container',
  imageRequired: true,
  note:
    'Ephemeral containers cannot be created with the Pod: the API server rejects them in a new Pod ("cannot be set on create") ' +
    'and in every pod template; they are added later through the ephemeralcontainers subresource (kubectl debug).',
});
export const IMAGE_VOLUME = imageLocation({
  role: 'imageVolume',
  label: 'image volume',
  imageKey: 'reference',
  policyKey: 'pullPolicy',
  policy: IMAGE_VOLUME_RULE,
  imageRequired: true,
  note:
    'An image volume (KEP-4639) mounts the image or OCI artifact read-only instead of running it: reference and pullPolicy ' +
    "work like a container's image and imagePullPolicy, with the same default and the pod's pull secrets. It needs the ImageVolume " +
    'feature gate: beta and on by default since Kubernetes 1.35.',
});

/** A path as the code writes it (text) or as a user's mapping gave it (already parsed). */
function toPath(at: string | Path): Path {
  return typeof at === 'string' ? (at === '' ? [] : path(at)) : at;
}

export function fieldRule(at: string | Path, location: ImageLocation, pullSecretKey: string | null = null): FieldRule {
  return { path: toPath(at), location, pullSecretKey };
}

/** A single image field: `pathText` ends with the image's own key, which `location` must name. */
export function imageField(pathText: string, location: ImageLocation, pullSecretKey: string | null = null): FieldRule {
  const segments = path(pathText);
  if (segments[segments.length - 1] !== location.imageKey) throw new Error(`Bad built-in image path "${pathText}": it must end with ${location.imageKey}.`);
  return { path: segments.slice(0, -1), location, pullSecretKey };
}

export function scope(at: string | Path, parts: Partial<Omit<Scope, 'path'>>): Scope {
  return { path: toPath(at), pullSecrets: [], fields: [], scopes: [], ...parts };
}

/** A PodSpec at `at`; `containers` is the location of its `containers` (Knative's have their own policy rule). */
export function podSpec(at: string | Path, containers: ImageLocation = CONTAINER): Scope {
  return scope(at, {
    pullSecrets: [path('imagePullSecrets')],
    podSpec: true,
    fields: [
      fieldRule('containers[]', containers),
      fieldRule('initContainers[]', INIT_CONTAINER),
      fieldRule('ephemeralContainers[]', EPHEMERAL_CONTAINER),
      fieldRule('volumes[].image', IMAGE_VOLUME),
    ],
  });
}

/** Rules by kind, for the documents of one analysis; built once per set of rules. */
export interface LocationTable {
  readonly rules: readonly LocationRule[];
  /** Rules whose kinds are plain names, by name; the others are matched one by one. */
  readonly byKind: ReadonlyMap<string, readonly LocationRule[]>;
  readonly patterned: readonly LocationRule[];
  /** Keys whose values the analysis reads: the fast parser must decode them where they hold block scalars. */
  readonly decodedKeys: ReadonlySet<string>;
}

/** Keys whose values a pod spec's placement is read from (placement.ts). */
const PLACEMENT_KEYS = [...Object.keys(PLATFORM_LABELS), 'key', 'operator'];

/** Keys every analysis reads besides the table's image fields. */
const ALWAYS_DECODED = ['kind', 'apiVersion', 'name', 'newName', 'newTag', 'digest'];

function isPattern(text: string): boolean {
  return text.includes('*');
}

function scopeKeys(s: Scope, keys: Set<string>): void {
  for (const f of s.fields) {
    keys.add(f.location.imageKey);
    if (f.location.policyKey !== null) keys.add(f.location.policyKey);
    if (f.pullSecretKey !== null) keys.add(f.pullSecretKey);
  }
  for (const p of s.pullSecrets) keys.add(p[p.length - 1]);
  if (s.podSpec) for (const key of PLACEMENT_KEYS) keys.add(key);
  for (const inner of s.scopes) scopeKeys(inner, keys);
}

export function locationTable(rules: readonly LocationRule[]): LocationTable {
  const byKind = new Map<string, LocationRule[]>();
  const patterned: LocationRule[] = [];
  const decodedKeys = new Set(ALWAYS_DECODED);
  for (const rule of rules) {
    if (rule.kinds.some(isPattern)) patterned.push(rule);
    for (const kind of rule.kinds) {
      if (isPattern(kind)) continue;
      const list = byKind.get(kind) ?? [];
      list.push(rule);
      byKind.set(kind, list);
    }
    scopeKeys(rule.scope, decodedKeys);
  }
  return { rules, byKind, patterned, decodedKeys };
}

/** Whether `text` matches a pattern whose `*` stands for any characters (also none). */
export function matchesPattern(pattern: string, text: string): boolean {
  if (!isPattern(pattern)) return pattern === text;
  const parts = pattern.split('*');
  if (!text.startsWith(parts[0]) || !text.endsWith(parts[parts.length - 1]) || text.length < parts[0].length + parts[parts.length - 1].length) return false;
  let at = parts[0].length;
  const last = text.length - parts[parts.length - 1].length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > last) return false;
    at = found + part.length;
  }
  return true;
}

function ruleMatches(rule: LocationRule, kind: string, apiVersion: string | null): boolean {
  if (!rule.kinds.some((pattern) => matchesPattern(pattern, kind))) return false;
  if (apiVersion === null) return rule.withoutApiVersion;
  const group = apiGroup(apiVersion);
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  return (
    rule.groups.some((pattern) => matchesPattern(pattern, group)) &&
    (rule.versions === null || rule.versions.some((pattern) => matchesPattern(pattern, version)))
  );
}

/** The rules for an object of `kind` and `apiVersion` (null when the document has none), in table order. */
export function rulesFor(table: LocationTable, kind: string, apiVersion: string | null): LocationRule[] {
  const named = table.byKind.get(kind) ?? [];
  const candidates = table.patterned.length === 0 ? named : [...named, ...table.patterned.filter((rule) => !named.includes(rule))];
  return candidates.filter((rule) => ruleMatches(rule, kind, apiVersion));
}

/**
 * Completion of pull policy values and of image names already used in the workspace (after `image:`,
 * `imagePullPolicy:`, and the keys of the image record at the cursor: an image volume's `reference:`
 * and `pullPolicy:`, a Crossplane package's `package:`), and, with
 * RegistryFacts, of what the registry has: after the `:` of an image's tag its repository's tags
 * (tags.ts orders them), after its `@` the digest its tag points at now (the index first, then each
 * platform's), and the same in kustomize `images:` (`newTag:` takes the tags of `newName`, else
 * `name`; `digest:` the digest of that tag).
 * The context comes from the text of the current line, not from the tree, because while a user
 * types the document is often not valid YAML yet; the document only has to be a manifest.
 * `registryCompletionNeed` tells a front end which registry question completion at an offset needs,
 * so it can ask before calling computeCompletions with the answer; `tagDescriptionNeeds`, the
 * manifests of the first tags offered, whose platforms and created dates each row shows at its end
 * (`description`), with a "moving tag" mark after the label (`labelDetail`). Digest rows show the
 * digest short (written whole) and their platforms. A suggest widget cuts a row that does not fit
 * (about 430 px by default), so each part is kept short: two platforms at most, then a count.
 */
import { lineStartOf } from '../lines';
import { documentAt } from '../analysis';
import type { Analysis, AnalyzedDocument } from '../analysis';
import { defaultPullPolicy, KUBERNETES_RULE } from '../policy/pullPolicy';
import { createdOf, manifestAnswer, platformsOf, repositoryKey, tagKey, tagsOf } from '../facts';
import type { ManifestFound, ManifestQuery, RegistryFacts } from '../facts';
import { shortDigest } from '../reference/digest';
import { parseReference } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import { orderTags } from '../tags';
import { fileFacts } from '../workspace';
import type { WorkspaceFacts } from '../workspace';
import { containerAt, kustomizeEntryAt, valuesImageAt } from './fieldAt';
import type { CompletionItem, CompletionList } from './types';

/**
 * `key:` (at the start of the line, after sequence dashes, or after `{`/`,`; optionally quoted),
 * then the value typed so far. A `-` counts only as a sequence indicator (followed by a space),
 * so `sidecar-image:` and `my-newName:` are keys of their own.
 */
const FIELD_BEFORE_CURSOR = /(?:^\s*(?:-\s+)*|[{,]\s*)(["']?)([A-Za-z_$][\w$-]*)\1\s*:[ \t]+(["']?)([^"'#\s,}]*)$/;

/** What a field holds: an image, a pull policy, a kustomize `images:` entry's part, or a Helm values image's tag or digest. */
type FieldRole = 'image' | 'policy' | 'newName' | 'newTag' | 'digest' | 'valuesTag' | 'valuesDigest';

/** Keys of a Helm values image (helm/) with a role of their own there. */
const VALUES_ROLES: Readonly<Record<string, FieldRole>> = { tag: 'valuesTag', digest: 'valuesDigest', pullPolicy: 'policy' };

/** Keys with one meaning in every manifest; others count where the image record at the cursor names them. */
const FIXED_ROLES: Readonly<Record<string, FieldRole>> = { image: 'image', imagePullPolicy: 'policy', newName: 'newName', newTag: 'newTag', digest: 'digest' };

function policyItems(analysis: Analysis, offset: number): CompletionItem[] {
  const container = containerAt(analysis, offset);
  const image = container?.image?.value?.value;
  const rule = container ? container.location.policy : KUBERNETES_RULE;
  if (rule === null) return [];
  const fallback = image !== undefined ? defaultPullPolicy(image, rule).policy : undefined;
  return rule.policies.map((policy, i) => ({
    label: policy,
    kind: 'policy',
    detail: policy === fallback ? `${rule.owner} default for ${image}` : undefined,
    documentation: rule.brief(policy),
    sortText: String(i),
    preselect: policy === fallback,
  }));
}

/** `current` is the whole value being edited (also the text after the cursor), which is not offered. */
function imageItems(analysis: Analysis, workspace: WorkspaceFacts | null, current: string): CompletionItem[] {
  const counts = new Map(workspace?.images ?? []);
  for (const image of fileFacts(analysis).images) if (!counts.has(image)) counts.set(image, 1);
  return [...counts]
    .filter(([image]) => image !== current)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([image, count], i) => ({
      label: image,
      kind: 'image',
      detail: `used ${count} time${count === 1 ? '' : 's'} in the workspace`,
      sortText: String(i).padStart(6, '0'),
    }));
}

/** The field being typed at the cursor: what it holds and the range of its whole value. */
interface CursorField {
  readonly key: FieldRole;
  readonly start: number;
  readonly end: number;
}

/** In a Dockerfile, the image token at the cursor (inside its quotes): the analysis reads every token typed, valid or not. */
function dockerfileField(doc: AnalyzedDocument, offset: number): CursorField | null {
  for (const container of doc.analysis.fields.containers) {
    const value = container.image?.value;
    if (!value) continue;
    const quote = value.style === 'plain' ? 0 : 1;
    const start = doc.start + value.start + quote;
    const end = doc.start + value.end - quote;
    if (offset >= start && offset <= end) return { key: 'image', start, end };
  }
  return null;
}

function cursorField(analysis: Analysis, offset: number): CursorField | null {
  const doc = documentAt(analysis, offset);
  if (doc?.analysis.parser === 'dockerfile') return dockerfileField(doc, offset);
  if (!doc?.analysis.fields.isManifest) return null;
  const text = analysis.text;
  const lineStart = lineStartOf(text, offset);
  const match = FIELD_BEFORE_CURSOR.exec(text.slice(lineStart, offset));
  const key = match && fieldRole(analysis, offset, match[2]);
  if (!match || !key) return null;
  const start = offset - match[4].length;
  let end = offset;
  while (end < text.length && !/["'#\s,}]/.test(text[end])) end++;
  return { key, start, end };
}

function fieldRole(analysis: Analysis, offset: number, key: string): FieldRole | null {
  if (Object.hasOwn(VALUES_ROLES, key) && valuesImageAt(analysis, offset)) return VALUES_ROLES[key];
  if (Object.hasOwn(FIXED_ROLES, key)) return FIXED_ROLES[key];
  const location = containerAt(analysis, offset)?.location;
  return location?.imageKey === key ? 'image' : location?.policyKey === key ? 'policy' : null;
}

/** Where a tag or a digest from the registry would go, and for which repository (and tag). */
type RegistrySlot =
  | { readonly kind: 'tag'; readonly repository: ImageReference; readonly start: number; readonly end: number }
  | { readonly kind: 'digest'; readonly repository: ImageReference; readonly tag: string; readonly start: number; readonly end: number };

/** A bare repository name (no tag, no digest), parsed. */
function repositoryRef(name: string | undefined | null): ImageReference | null {
  if (!name) return null;
  const parsed = parseReference(name);
  return parsed.ok && parsed.value.tag === null && parsed.value.digest === null ? parsed.value : null;
}

function imageSlot(text: string, field: CursorField, offset: number): RegistrySlot | null {
  const value = text.slice(field.start, field.end);
  const cursor = offset - field.start;
  const at = value.indexOf('@');
  const nameEnd = at < 0 ? value.length : at;
  const slash = value.lastIndexOf('/', nameEnd - 1);
  const colon = value.indexOf(':', slash + 1);
  const tagColon = colon >= 0 && colon < nameEnd ? colon : -1;
  if (at >= 0 && cursor > at) {
    const repository = repositoryRef(value.slice(0, tagColon >= 0 ? tagColon : at));
    const tag = tagColon >= 0 ? value.slice(tagColon + 1, at) : 'latest';
    if (!repository || tag === '') return null;
    return { kind: 'digest', repository, tag, start: field.start + at + 1, end: field.end };
  }
  if (tagColon >= 0 && cursor > tagColon) {
    const repository = repositoryRef(value.slice(0, tagColon));
    return repository && { kind: 'tag', repository, start: field.start + tagColon + 1, end: field.start + nameEnd };
  }
  return null;
}

function kustomizeSlot(analysis: Analysis, field: CursorField, offset: number): RegistrySlot | null {
  const entry = kustomizeEntryAt(analysis, offset);
  const repository = repositoryRef(entry?.newName?.value?.value || entry?.name?.value?.value);
  if (!entry || !repository) return null;
  if (field.key === 'newTag') return { kind: 'tag', repository, start: field.start, end: field.end };
  return { kind: 'digest', repository, tag: entry.newTag?.value?.value || 'latest', start: field.start, end: field.end };
}

/** `tag:` takes the tags of the repository the chart renders, `digest:` the digest of its tag. */
function valuesSlot(analysis: Analysis, field: CursorField, offset: number): RegistrySlot | null {
  const rendered = valuesImageAt(analysis, offset)?.rendered;
  const name = rendered?.parts.find((part) => part.role === 'repository');
  const repository = name ? repositoryRef(rendered!.text.slice(0, name.end)) : null;
  if (!rendered || !repository) return null;
  if (field.key === 'valuesTag') return { kind: 'tag', repository, start: field.start, end: field.end };
  const tag = rendered.parts.find((part) => part.role === 'tag');
  return { kind: 'digest', repository, tag: (tag && rendered.text.slice(tag.start, tag.end)) || 'latest', start: field.start, end: field.end };
}

function registrySlot(analysis: Analysis, field: CursorField, offset: number): RegistrySlot | null {
  if (field.key === 'image') return imageSlot(analysis.text, field, offset);
  if (field.key === 'valuesTag' || field.key === 'valuesDigest') return valuesSlot(analysis, field, offset);
  if (field.key === 'newTag' || field.key === 'digest') return kustomizeSlot(analysis, field, offset);
  return null;
}

/** What completion at offset needs from a registry: a repository's tags, or one tag's manifest. */
export type CompletionNeed =
  | { readonly kind: 'tags'; readonly key: string; readonly registry: string; readonly path: string }
  | { readonly kind: 'manifest'; readonly query: ManifestQuery };

export function registryCompletionNeed(analysis: Analysis, offset: number): CompletionNeed | null {
  const field = cursorField(analysis, offset);
  const slot = field && registrySlot(analysis, field, offset);
  if (!slot) return null;
  const { domain: registry, path } = slot.repository;
  if (slot.kind === 'tag') return { kind: 'tags', key: repositoryKey(slot.repository), registry, path };
  return { kind: 'manifest', query: { key: tagKey(slot.repository, slot.tag), registry, path, reference: slot.tag } };
}

/** How many of the tags offered first completion describes (platforms, created date): one manifest question each. */
export const DESCRIBED_TAGS = 8;

/** A date for a list row: the day of an RFC 3339 time, else nothing (a registry's free text is not shown there). */
function day(created: string | undefined): string | null {
  const match = created === undefined ? null : /^(\d{4}-\d{2}-\d{2})T/.exec(created);
  return match ? match[1] : null;
}

/**
 * The platforms of a manifest for a list row, which has about 30 characters beside the label: two at most, else the
 * first and how many more; an OS every platform shares is written once (`linux/amd64, arm64`).
 */
function platformSummary(found: ManifestFound): string {
  const platforms = platformsOf(found);
  if (platforms.length > 2) return `${platforms[0]} +${platforms.length - 1}`;
  const os = `${platforms[0]?.split('/')[0]}/`;
  return platforms.length === 2 && platforms[1].startsWith(os) ? `${platforms[0]}, ${platforms[1].slice(os.length)}` : platforms.join(', ');
}

/** What a tag's row shows at its end: the platforms, then the created date. */
function describe(found: ManifestFound): string | undefined {
  const parts = [platformSummary(found), day(createdOf(found))].filter((part): part is string => !!part);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function tagItems(slot: RegistrySlot, facts: RegistryFacts): CompletionItem[] | null {
  const list = tagsOf(facts, slot.repository);
  if (!list) return null;
  const cached = list.stale ? ' (cached: the registry could not be reached)' : '';
  return orderTags(list.tags).map(({ tag, moving }, i) => {
    const answer = manifestAnswer(facts, tagKey(slot.repository, tag));
    const description = answer?.status === 'found' ? describe(answer) : undefined;
    return {
      label: tag,
      kind: 'tag',
      ...(moving ? { labelDetail: ' moving tag' } : {}),
      ...(description === undefined ? {} : { description }),
      detail: moving ? `moving tag: pushed again and again${cached}` : `tag of ${slot.repository.familiar}${cached}`,
      documentation: moving ? `"${tag}" is re-pushed over time, so it names different images; pin a digest or pick a version tag.` : undefined,
      sortText: String(i).padStart(6, '0'),
    };
  });
}

/**
 * The manifest questions that describe the first DESCRIBED_TAGS tags completion at `offset` offers, given the tag list
 * in `facts`: those not answered yet. A front end asks them after the tag list, within its time limit.
 */
export function tagDescriptionNeeds(analysis: Analysis, offset: number, facts: RegistryFacts): ManifestQuery[] {
  const field = cursorField(analysis, offset);
  const slot = field && registrySlot(analysis, field, offset);
  const list = slot?.kind === 'tag' ? tagsOf(facts, slot.repository) : undefined;
  if (!slot || !list) return [];
  const { domain: registry, path } = slot.repository;
  return orderTags(list.tags)
    .slice(0, DESCRIBED_TAGS)
    .map(({ tag }) => ({ key: tagKey(slot.repository, tag), registry, path, reference: tag }))
    .filter((query) => !facts.manifests.has(query.key));
}

function digestItems(slot: RegistrySlot & { kind: 'digest' }, facts: RegistryFacts): CompletionItem[] | null {
  const answer = manifestAnswer(facts, tagKey(slot.repository, slot.tag));
  if (answer?.status !== 'found') return null;
  const cached = answer.stale ? ' (cached: the registry could not be reached)' : '';
  const what = answer.isIndex ? `index of ${answer.platforms.length} platform${answer.platforms.length === 1 ? '' : 's'}` : 'single platform';
  const platforms = platformsOf(answer);
  const description = platformSummary(answer);
  const items: CompletionItem[] = [
    {
      label: shortDigest(answer.digest),
      insertText: answer.digest,
      kind: 'digest',
      ...(description === '' ? {} : { description }),
      detail: `:${slot.tag} now (${what})${cached}`,
      sortText: '000000',
      preselect: true,
    },
  ];
  answer.platforms.forEach((platform, i) => {
    items.push({
      label: shortDigest(platform.digest),
      insertText: platform.digest,
      kind: 'digest',
      description: platforms[i],
      detail: `${platforms[i]} only, from the index :${slot.tag} points at${cached}`,
      sortText: String(i + 1).padStart(6, '0'),
    });
  });
  return items;
}

export function computeCompletions(analysis: Analysis, offset: number, workspace: WorkspaceFacts | null, facts?: RegistryFacts | null): CompletionList | null {
  const field = cursorField(analysis, offset);
  if (!field) return null;
  const slot = facts ? registrySlot(analysis, field, offset) : null;
  if (slot && facts) {
    const items = slot.kind === 'tag' ? tagItems(slot, facts) : digestItems(slot, facts);
    if (items) return { start: slot.start, end: slot.end, items };
  }
  // Kustomize and values tags and digests come only from a registry.
  if (field.key === 'newTag' || field.key === 'digest' || field.key === 'valuesTag' || field.key === 'valuesDigest') return null;
  // The whole value under the cursor is excluded (not only the part before the cursor): it is
  // in this file's facts only because it is being typed.
  const items = field.key === 'policy' ? policyItems(analysis, offset) : imageItems(analysis, workspace, analysis.text.slice(field.start, field.end));
  return { start: field.start, end: field.end, items };
}

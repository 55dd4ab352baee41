/**
 * Quick fixes for the diagnostics and the "set the pull policy" refactoring (with each place's own
 * key: `imagePullPolicy`, an image volume's `pullPolicy`, a Crossplane package's `packagePullPolicy`).
 * Every action is a set of byte-minimal edits from edits/fieldEdits.ts, offered only when
 * edits/checkEdits.ts confirms them on the re-read document (an image edit must read back as the
 * intended reference).
 *
 * Fixes per diagnostic, in the order offered (the first of each preferred unless said otherwise):
 * - `invalid-reference` with an uppercase repository path: "Lowercase the repository" (the domain,
 *   tag and digest as written).
 * - `tag-not-found`: "Use tag X" for the registry's newest tags (tags.ts newestTags: no moving tags,
 *   releases before prereleases). It is never reported on a pinned image (the digest is pulled; a
 *   missing tag next to it is a stale pin), so the fix never has a digest to keep.
 * - `latest-tag`, `implicit-latest`: "Use version X" for the newest versions, each also as "Use
 *   version X and its digest": from the registry's tag list when the facts have it (the digest from
 *   the registry, as `imageAware.pin` chooses it; when the facts lack that tag's manifest the action
 *   comes without edits and names the question, `CodeAction.needs`, for a front end to ask when it is
 *   chosen), else from the tags the workspace uses for the repository (the digest where the
 *   workspace pins that tag). Writing the implied `:latest` is offered for `implicit-latest` only, last
 *   and never preferred: it keeps the moving tag.
 * - `not-pinned`: the digest the workspace uses for the same tag.
 * - `digest-with-latest`: remove `:latest` (and an explicit Always with it).
 * - `invalid-pull-policy`: each accepted value, the case-insensitive match preferred; when that match
 *   is the default for the image, removing the line comes first and is preferred instead.
 * - `redundant-pull-policy`: remove the line.
 * With RegistryFacts come the pinning actions (edits/pinEdits.ts): "Pin to digest" for a tag the
 * registry knows, "Update pinned digest" on a stale pin, "Unpin", and one "Pin all images in file";
 * for container images, kustomize `images:` entries (their `digest:`) and Helm values images alike.
 * Fixes of other diagnostics plug into `imageFixes` (containers) or `siteTagFixes` (every kind).
 */
import type { Analysis, AnalyzedDocument } from '../analysis';
import { EditChecker, expecting, quoteValue } from '../edits/checkEdits';
import type { PlannedEdit } from '../edits/checkEdits';
import { insertPullPolicy, removeEntry, replaceScalar } from '../edits/fieldEdits';
import { choosePin, isRefused, pinFileEdits, pinIndexSite, pinSite, readsAsImage, repinSite, withTagAndDigest } from '../edits/pinEdits';
import type { PinnedImage, RefusedPin } from '../edits/pinEdits';
import type { TextEdit } from '../edits/textEdit';
import { manifestAnswer, referenceOf, repositoryKey, tagKey, tagsOf } from '../facts';
import type { ManifestQuery, RegistryFacts } from '../facts';
import { imageSites } from '../imageSites';
import type { ImageSite } from '../imageSites';
import { VALUES_RULE } from '../helm/location';
import type { ValuesImage } from '../helm/types';
import type { ContainerFields, KustomizeImageFields } from '../manifest/imageFields';
import type { YamlScalar } from '../manifest/yamlTree';
import { defaultPullPolicy, policyOf } from '../policy/pullPolicy';
import { isOciDigest, shortDigest } from '../reference/digest';
import { lowercasedRepository, parseReference } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { PinSettings, Settings } from '../settings';
import { newestTags } from '../tags';
import type { WorkspaceFacts } from '../workspace';
import type { DiagnosticCode } from '../diagnostics/catalog';
import type { CompletionNeed } from './completion';
import { collectDiagnostics } from './diagnostics';
import type { CodeAction } from './types';
import { uppercaseRegistryActions } from './uppercaseRegistryFix';

/** How many tags or versions a fix offers. */
const OFFERED = 3;

/** The repository a reference names, without tag or digest, as compared (canonical). */
function repository(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** Tags and tag@digest pairs the workspace uses for the same repository. */
function workspaceVersions(ref: ImageReference, workspace: WorkspaceFacts | null): { tags: string[]; pins: Map<string, string> } {
  const tags = new Set<string>();
  const pins = new Map<string, string>();
  for (const image of workspace?.images.keys() ?? []) {
    const other = parseReference(image);
    if (!other.ok || repository(other.value) !== repository(ref) || other.value.tag === null) continue;
    tags.add(other.value.tag);
    if (isOciDigest(other.value.digest)) pins.set(other.value.tag, other.value.digest);
  }
  return { tags: newestTags([...tags], OFFERED), pins };
}

/** The digest a version's fix writes: known now, asked for when the action is chosen (`needs`), or none to offer. */
type VersionDigest = { readonly digest: string } | { readonly needs: ManifestQuery } | null;

/** The versions a latest-tag fix offers, newest first, and where their digests come from. */
interface Versions {
  readonly tags: readonly string[];
  /** What the titles add: where the versions come from, when not from the registry. */
  readonly note: string;
  readonly digestNote: string;
  digestOf(tag: string): VersionDigest;
}

/** The registry's newest versions when the facts hold the repository's tag list, else the workspace's. */
function versionsOf(ref: ImageReference, workspace: WorkspaceFacts | null, facts: RegistryFacts | null | undefined, pin: PinSettings): Versions {
  const listed = facts ? tagsOf(facts, ref) : undefined;
  const newest = listed ? newestTags(listed.tags, OFFERED) : [];
  if (facts && newest.length > 0) {
    return {
      tags: newest,
      note: '',
      digestNote: '',
      digestOf: (tag) => {
        const key = tagKey(ref, tag);
        const answer = manifestAnswer(facts, key);
        if (answer === undefined) return { needs: { key, registry: ref.domain, path: ref.path, reference: tag } };
        return answer.status === 'found' ? { digest: choosePin(answer, pin).digest } : null;
      },
    };
  }
  const { tags, pins } = workspaceVersions(ref, workspace);
  return {
    tags,
    note: ' (used in the workspace)',
    digestNote: ' (as the workspace pins it)',
    digestOf: (tag) => (pins.has(tag) ? { digest: pins.get(tag)! } : null),
  };
}

/** A pin that passed its check, or null for none or a refused one (whose action is not offered). */
function passed(outcome: PinnedImage | RefusedPin | null): PinnedImage | null {
  return outcome === null || isRefused(outcome) ? null : outcome;
}

/** The codes of `codes` that a fix making the image pullable also fixes. */
function withPullCodes(code: DiagnosticCode, codes: Set<string>): DiagnosticCode[] {
  return codes.has('pull-would-fail') ? [code, 'pull-would-fail'] : [code];
}

class Actions {
  readonly actions: CodeAction[] = [];

  /** `checker` checks edits to the document the actions are about. */
  constructor(protected readonly checker: EditChecker) {}

  /** Offers the action when every edit is possible and together they pass their check; says whether it is offered. */
  add(title: string, fixes: CodeAction['fixes'], planned: (PlannedEdit | null)[], isPreferred = false): boolean {
    if (planned.some((p) => p === null)) return false;
    const result = this.checker.check(planned as PlannedEdit[]);
    if (result.ok) this.addChecked(title, fixes, result.edits, isPreferred);
    return result.ok;
  }

  addChecked(title: string, fixes: CodeAction['fixes'], edits: readonly TextEdit[], isPreferred = false): void {
    this.actions.push({ title, fixes, isPreferred, edits });
  }

  /** tag-not-found: "Use tag X" for the registry's newest tags; `planTag` writes a tag into the site's own field. */
  tagNotFoundFixes(
    codes: Set<string>,
    site: ImageSite | undefined,
    facts: RegistryFacts | null | undefined,
    planTag: (tag: string) => PlannedEdit | null,
  ): void {
    const listed = site && facts && codes.has('tag-not-found') ? tagsOf(facts, site.ref) : undefined;
    if (!listed) return;
    const fixes = withPullCodes('tag-not-found', codes);
    let preferred = true;
    for (const tag of newestTags(listed.tags, OFFERED)) {
      if (this.add(`Use tag ${tag}`, fixes, [planTag(tag)], preferred)) preferred = false;
    }
  }

  /**
   * invalid-pull-policy: each accepted value, the one that differs only in case preferred. When that
   * one is `fallback` (the default for the image) and `removal` can take the line out, "Remove" comes
   * first and is preferred: the fixed line would only be redundant.
   */
  policyValueFixes(key: string, policies: readonly string[], docStart: number, value: YamlScalar, fallback: string | null, removal: PlannedEdit | null): void {
    const near = policies.find((candidate) => candidate.toLowerCase() === value.value.toLowerCase());
    const removed = near !== undefined && near === fallback && this.add(`Remove ${key} (${near} is the default)`, ['invalid-pull-policy'], [removal], true);
    for (const candidate of policies) {
      this.add(`Change ${key} to ${candidate}`, ['invalid-pull-policy'], [replaceScalar(docStart, value, candidate)], candidate === near && !removed);
    }
  }

  /**
   * Pin, update a stale pin, unpin: what the registry's answer for this image site makes possible.
   * `unpin` removes the digest; `workspacePinned` says an offline action already pins it (and is preferred).
   */
  registryFixes(
    text: string,
    codes: Set<string>,
    site: ImageSite,
    facts: RegistryFacts,
    settings: Settings,
    unpin: PlannedEdit | null,
    workspacePinned: boolean,
  ): void {
    const ref = site.ref;
    const pinned = passed(pinSite(text, site, facts, settings.pin, this.checker));
    if (pinned) {
      const fixes = (['not-pinned', 'latest-tag', 'implicit-latest'] as const).filter((code) => codes.has(code));
      const tag = ref.tag ?? 'latest';
      const what = pinned.choice.platform !== null ? `the ${pinned.choice.platform} image of :${tag}` : `the digest :${tag} points to now`;
      const note = pinned.choice.platformMissing ? `; the index has no ${settings.pin.platform} image, so the index is pinned` : '';
      const title = `Pin to digest: ${shortDigest(pinned.choice.digest)} (${what}${note})`;
      this.addChecked(title, fixes, [pinned.edit], codes.has('not-pinned') && !workspacePinned);
    }
    const repinned = codes.has('stale-pin') ? passed(repinSite(text, site, facts, settings.pin, this.checker)) : null;
    if (repinned) {
      const { choice } = repinned;
      const what = choice.platform !== null ? `the ${choice.platform} image :${ref.tag} points to now` : `what :${ref.tag} points to now`;
      this.addChecked(`Update pinned digest to ${shortDigest(choice.digest)} (${what})`, ['stale-pin'], [repinned.edit], true);
    }
    const index = codes.has('single-platform-pin') ? passed(pinIndexSite(text, site, facts, settings.pin, this.checker)) : null;
    if (index)
      this.addChecked(`Pin the index ${shortDigest(index.choice.digest)} (every platform of :${ref.tag})`, ['single-platform-pin'], [index.edit], true);
    if (ref.digest !== null && ref.tag !== null) {
      this.add(`Unpin: use the tag :${ref.tag} without a digest`, [], [unpin]);
    }
  }
}

/** A tag written into a scalar that holds only the tag (kustomize `newTag`, a values `tag`); it must read back as exactly that. */
function tagScalarEdit(docStart: number, scalar: YamlScalar | null | undefined): (tag: string) => PlannedEdit | null {
  return (tag) => (scalar ? replaceScalar(docStart, scalar, tag) : null);
}

/** Checks that a value read back is a valid image reference. */
function parsesAsImage(value: string): string | null {
  return parseReference(value).ok ? null : `the image would read ${quoteValue(value)}, which is not a valid image reference`;
}

class ActionBuilder extends Actions {
  private workspacePinned = false;

  constructor(
    private readonly text: string,
    private readonly doc: AnalyzedDocument,
    private readonly container: ContainerFields,
    checker: EditChecker,
  ) {
    super(checker);
  }

  /** Rewrites the image as `ref`'s repository with `tag` and `digest`; it must read back as exactly that. */
  setImage(ref: ImageReference, tag: string | null, digest: string | null): PlannedEdit {
    return expecting(replaceScalar(this.doc.start, this.container.image!.value!, withTagAndDigest(ref, tag, digest)), readsAsImage(ref, tag, digest));
  }

  /** The fixes that rewrite the image; `site` is its registry site (with facts only). */
  imageFixes(
    codes: Set<string>,
    workspace: WorkspaceFacts | null,
    facts: RegistryFacts | null | undefined,
    site: ImageSite | undefined,
    pin: PinSettings,
  ): void {
    const value = this.container.image?.value;
    if (!value) return;
    if (codes.has('invalid-reference')) this.lowercaseFix(value);
    const parsed = parseReference(value.value);
    if (!parsed.ok) return;
    const ref = parsed.value;
    this.tagNotFoundFixes(codes, site, facts, (tag) => this.setImage(ref, tag, null));
    const latest = codes.has('implicit-latest') ? 'implicit-latest' : codes.has('latest-tag') ? 'latest-tag' : null;
    if (latest) this.versionFixes(latest, ref, versionsOf(ref, workspace, facts, pin));
    const { pins } = workspaceVersions(ref, workspace);
    if (codes.has('not-pinned') && ref.tag !== null && pins.has(ref.tag)) {
      const title = `Pin to ${shortDigest(pins.get(ref.tag)!)} (the digest the workspace uses for :${ref.tag})`;
      this.workspacePinned = this.add(title, ['not-pinned'], [this.setImage(ref, ref.tag, pins.get(ref.tag)!)], true);
    }
    if (codes.has('digest-with-latest')) this.digestWithLatestFix(ref);
  }

  /** "Repository name must be lowercase": lowercase the repository path. */
  private lowercaseFix(value: YamlScalar): void {
    const lowered = lowercasedRepository(value.value);
    if (lowered === null) return;
    this.add(`Lowercase the repository: ${lowered}`, ['invalid-reference'], [expecting(replaceScalar(this.doc.start, value, lowered), parsesAsImage)], true);
  }

  /** "Use version X" for each version, the first preferred, each also with its digest where one is known or can be asked. */
  private versionFixes(code: DiagnosticCode, ref: ImageReference, versions: Versions): void {
    let preferred = true;
    for (const tag of versions.tags) {
      if (!this.add(`Use version ${tag}${versions.note}`, [code], [this.setImage(ref, tag, null)], preferred)) continue;
      preferred = false;
      const digest = versions.digestOf(tag);
      const title = `Use version ${tag} and its digest${versions.digestNote}`;
      if (digest && 'digest' in digest) this.add(title, [code], [this.setImage(ref, tag, digest.digest)]);
      else if (digest) this.actions.push({ title, fixes: [code], isPreferred: false, edits: [], needs: digest.needs });
    }
  }

  private digestWithLatestFix(ref: ImageReference): void {
    const unTagged = this.setImage(ref, null, ref.digest);
    const policy = this.container.pullPolicy;
    const written = policy?.value?.value;
    const alwaysWritten = written !== undefined && policyOf(this.container)?.behaviour === 'always';
    const removal = policy && alwaysWritten ? removeEntry(this.text, this.doc.start, this.container, policy) : null;
    if (removal) {
      const key = this.container.location.policyKey;
      this.add(`Remove ":latest" and "${key}: ${written}": the digest pins the image`, ['digest-with-latest'], [unTagged, removal], true);
    } else {
      // Also when an explicit Always cannot be removed in place (it shares its line with `- `):
      // the tag can still go.
      this.add('Remove ":latest": the digest pins the image', ['digest-with-latest'], [unTagged], true);
    }
  }

  /**
   * implicit-latest: write the tag Kubernetes implies; offered last, never preferred (it keeps the moving
   * tag), and not when the registry has no `latest`.
   */
  writeLatestFix(codes: Set<string>): void {
    const ref = referenceOf(this.container.image?.value?.value);
    if (!ref || !codes.has('implicit-latest') || codes.has('tag-not-found')) return;
    this.add(`Write :latest explicitly: ${withTagAndDigest(ref, 'latest', null)}`, ['implicit-latest'], [this.setImage(ref, 'latest', null)]);
  }

  /** Pin, update a stale pin, unpin this container's image. */
  containerRegistryFixes(codes: Set<string>, site: ImageSite, facts: RegistryFacts, settings: Settings): void {
    const unpin = site.ref.digest !== null && site.ref.tag !== null ? this.setImage(site.ref, site.ref.tag, null) : null;
    this.registryFixes(this.text, codes, site, facts, settings, unpin, this.workspacePinned);
  }

  pullPolicyFixes(codes: Set<string>): void {
    const { location } = this.container;
    const key = location.policyKey;
    const rule = location.policy;
    const policy = this.container.pullPolicy;
    const value = policy?.value;
    if (key === null || rule === null) return;
    const image = this.container.image?.value;
    if (policy && value && codes.has('invalid-pull-policy')) {
      const fallback = image && referenceOf(image.value) ? defaultPullPolicy(image.value, rule).policy : null;
      this.policyValueFixes(key, rule.policies, this.doc.start, value, fallback, removeEntry(this.text, this.doc.start, this.container, policy));
    }
    if (policy && codes.has('redundant-pull-policy')) {
      this.add(`Remove the redundant ${key}`, ['redundant-pull-policy'], [removeEntry(this.text, this.doc.start, this.container, policy)], true);
    }
    if (!policy && image) {
      const fallback = defaultPullPolicy(image.value, rule).policy;
      for (const candidate of rule.policies) {
        const note = candidate === fallback ? ' (the current default)' : '';
        this.add(`Set ${key}: ${candidate}${note}`, [], [insertPullPolicy(this.text, this.doc.start, this.container, candidate)]);
      }
    }
  }
}

/** Use an existing tag, pin, update a stale pin, unpin a kustomize `images:` entry (unpinning removes its `digest:`). */
function kustomizeFixes(
  text: string,
  doc: AnalyzedDocument,
  entry: KustomizeImageFields,
  site: ImageSite,
  codes: Set<string>,
  facts: RegistryFacts,
  settings: Settings,
  checker: EditChecker,
): CodeAction[] {
  const actions = new Actions(checker);
  actions.tagNotFoundFixes(codes, site, facts, tagScalarEdit(doc.start, entry.newTag?.value));
  const unpin = entry.digest && entry.newTag?.value ? removeEntry(text, doc.start, entry, entry.digest) : null;
  actions.registryFixes(text, codes, site, facts, settings, unpin, false);
  return actions.actions;
}

/** Use an existing tag, pin, update a stale pin, unpin a Helm values image (unpinning removes its `digest:`), and fix its pull policy. */
function valuesFixes(
  text: string,
  doc: AnalyzedDocument,
  image: ValuesImage,
  site: ImageSite | undefined,
  codes: Set<string>,
  facts: RegistryFacts | null | undefined,
  settings: Settings,
  checker: EditChecker,
): CodeAction[] {
  const actions = new Actions(checker);
  actions.tagNotFoundFixes(codes, site, facts, tagScalarEdit(doc.start, image.tag?.value));
  if (facts && site) {
    const unpin = image.digest && site.ref.tag !== null ? removeEntry(text, doc.start, image, image.digest) : null;
    actions.registryFixes(text, codes, site, facts, settings, unpin, false);
  }
  const policy = image.pullPolicy;
  if (policy?.value && codes.has('invalid-pull-policy')) {
    const fallback = image.rendered.ref ? defaultPullPolicy(image.rendered.text, VALUES_RULE).policy : null;
    actions.policyValueFixes('pullPolicy', VALUES_RULE.policies, doc.start, policy.value, fallback, removeEntry(text, doc.start, image, policy));
  }
  if (policy && codes.has('redundant-pull-policy')) {
    actions.add('Remove the redundant pullPolicy', ['redundant-pull-policy'], [removeEntry(text, doc.start, image, policy)], true);
  }
  return actions.actions;
}

/** One action that pins every image of the file (containers and kustomize entries) whose tag the registry knows. */
function pinAllAction(analysis: Analysis, facts: RegistryFacts, settings: Settings): CodeAction | null {
  const { pins } = pinFileEdits(analysis, facts, settings.pin);
  if (pins.length === 0) return null;
  const platform = settings.pin.platform !== null ? ` (${settings.pin.platform} where multi-platform)` : '';
  return {
    title: `Pin all images in file to their digests: ${pins.length} image${pins.length === 1 ? '' : 's'}${platform}`,
    fixes: [],
    isPreferred: false,
    edits: pins.map((pin) => pin.edit),
  };
}

/** The absolute span of a container's image and pull policy entries: the code actions there are about it. */
function containerSpan(doc: AnalyzedDocument, container: ContainerFields): { first: number; last: number } {
  const { image, pullPolicy } = container;
  const first = doc.start + Math.min(image?.key.start ?? Infinity, pullPolicy?.key.start ?? Infinity);
  const last = doc.start + Math.max(image?.value?.end ?? -1, pullPolicy?.value?.end ?? -1, image?.key.end ?? -1);
  return { first, last };
}

/** A repository's tag list, asked for the same way completion asks (CompletionNeed). */
export type TagListNeed = Extract<CompletionNeed, { kind: 'tags' }>;

/**
 * The tag lists the version fixes at `[start, end]` read (container images on `latest`, written or
 * implied): a front end asks for them before computeCodeActions, which works without them (offering
 * the workspace's tags instead).
 */
export function codeActionTagNeeds(analysis: Analysis, start: number, end: number): TagListNeed[] {
  const needs = new Map<string, TagListNeed>();
  for (const doc of analysis.documents) {
    if (doc.end < start || doc.start > end) continue;
    for (const container of doc.analysis.fields.containers) {
      const { first, last } = containerSpan(doc, container);
      const ref = referenceOf(container.image?.value?.value);
      if (last < start || first > end || !ref || ref.digest !== null || (ref.tag !== null && ref.tag !== 'latest')) continue;
      const key = repositoryKey(ref);
      needs.set(key, { kind: 'tags', key, registry: ref.domain, path: ref.path });
    }
  }
  return [...needs.values()];
}

/**
 * Code actions for the image records whose image or pull policy overlaps `[start, end]`.
 * With facts, the registry's pinning actions are added (and "Pin all images in file" once, when
 * the range touches an image).
 */
export function computeCodeActions(
  analysis: Analysis,
  start: number,
  end: number,
  settings: Settings,
  workspace: WorkspaceFacts | null = null,
  facts?: RegistryFacts | null,
): CodeAction[] {
  const diagnostics = collectDiagnostics(analysis, settings, workspace, facts).filter((d) => d.start <= end && d.end >= start);
  const sites = facts ? imageSites(analysis) : [];
  let touchesImage = false;
  const actions: CodeAction[] = [];
  for (const doc of analysis.documents) {
    if (doc.end < start || doc.start > end) continue;
    const checker = new EditChecker(analysis.text, doc);
    for (const container of doc.analysis.fields.containers) {
      const { first, last } = containerSpan(doc, container);
      if (last < start || first > end) continue;
      const codes = new Set<string>(diagnostics.filter((d) => d.start >= first && d.end <= last).map((d) => d.code));
      const builder = new ActionBuilder(analysis.text, doc, container, checker);
      const site = sites.find((s) => s.container === container);
      builder.imageFixes(codes, workspace, facts, site, settings.pin);
      if (facts && site) {
        touchesImage = true;
        builder.containerRegistryFixes(codes, site, facts, settings);
      }
      builder.pullPolicyFixes(codes);
      builder.writeLatestFix(codes);
      actions.push(...builder.actions);
    }
    for (const entry of doc.analysis.fields.kustomizeImages) {
      const site = sites.find((s) => s.entry === entry);
      if (!facts || !site || doc.start + entry.end < start || doc.start + entry.start > end) continue;
      touchesImage = true;
      const codes = new Set<string>(diagnostics.filter((d) => d.start >= doc.start + entry.start && d.end <= doc.start + entry.end).map((d) => d.code));
      actions.push(...kustomizeFixes(analysis.text, doc, entry, site, codes, facts, settings, checker));
    }
    for (const image of doc.analysis.fields.values?.images ?? []) {
      if (doc.start + image.end < start || doc.start + image.key.start > end) continue;
      const site = sites.find((s) => s.values === image);
      if (site) touchesImage = true;
      const codes = new Set<string>(diagnostics.filter((d) => d.start >= doc.start + image.key.start && d.end <= doc.start + image.end).map((d) => d.code));
      actions.push(...valuesFixes(analysis.text, doc, image, site, codes, facts, settings, checker));
    }
  }
  actions.push(...uppercaseRegistryActions(analysis, diagnostics));
  const pinAll = facts && touchesImage ? pinAllAction(analysis, facts, settings) : null;
  if (pinAll) actions.push(pinAll);
  return actions;
}

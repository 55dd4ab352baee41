/**
 * Quick fixes for the offline diagnostics and the "set the pull policy" refactoring (with each place's
 * own key: `imagePullPolicy`, an image volume's `pullPolicy`, a Crossplane package's `packagePullPolicy`). Every action
 * is a set of byte-minimal edits from edits/fieldEdits.ts, offered only when edits/checkEdits.ts
 * confirms them on the re-read document (an image edit must read back as the intended reference).
 * Without RegistryFacts, tags and digests are only proposed when the workspace already uses them
 * for the same repository (digests only when they are valid OCI digests).
 * With RegistryFacts come the pinning actions (edits/pinEdits.ts): "Pin to digest" for a tag the
 * registry knows, "Update pinned digest" on a stale pin, "Unpin", and one "Pin all images in file";
 * for container images and for kustomize `images:` entries alike (there they add, replace or
 * remove the entry's `digest:`).
 */
import type { Analysis, AnalyzedDocument } from '../analysis';
import { EditChecker, expecting } from '../edits/checkEdits';
import type { PlannedEdit } from '../edits/checkEdits';
import { insertPullPolicy, removeEntry, replaceScalar } from '../edits/fieldEdits';
import { isRefused, pinFileEdits, pinIndexSite, pinSite, readsAsImage, repinSite, withTagAndDigest } from '../edits/pinEdits';
import type { PinnedImage, RefusedPin } from '../edits/pinEdits';
import type { TextEdit } from '../edits/textEdit';
import type { RegistryFacts } from '../facts';
import { imageSites } from '../imageSites';
import type { ImageSite } from '../imageSites';
import { VALUES_RULE } from '../helm/location';
import type { ValuesImage } from '../helm/types';
import type { ContainerFields, KustomizeImageFields } from '../manifest/imageFields';
import { defaultPullPolicy, policyOf } from '../policy/pullPolicy';
import { isOciDigest } from '../reference/digest';
import { parseReference } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { Settings } from '../settings';
import type { WorkspaceFacts } from '../workspace';
import { collectDiagnostics } from './diagnostics';
import type { CodeAction } from './types';

/** The repository a reference names, without tag or digest, as written (familiar) and compared (canonical). */
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
    if (other.value.tag !== 'latest') tags.add(other.value.tag);
    if (isOciDigest(other.value.digest)) pins.set(other.value.tag, other.value.digest);
  }
  // Highest version first, comparing digit runs as numbers (1.10 before 1.9), so the preferred
  // action is the newest tag.
  return { tags: [...tags].sort((a, b) => b.localeCompare(a, 'en', { numeric: true })), pins };
}

/** A pin that passed its check, or null for none or a refused one (whose action is not offered). */
function passed(outcome: PinnedImage | RefusedPin | null): PinnedImage | null {
  return outcome === null || isRefused(outcome) ? null : outcome;
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

  imageFixes(codes: Set<string>, workspace: WorkspaceFacts | null): void {
    const value = this.container.image?.value;
    const parsed = value && parseReference(value.value);
    if (!parsed || !parsed.ok) return;
    const ref = parsed.value;
    const { tags, pins } = workspaceVersions(ref, workspace);
    if (codes.has('implicit-latest')) {
      this.add(`Write the implied tag: ${withTagAndDigest(ref, 'latest', null)}`, ['implicit-latest'], [this.setImage(ref, 'latest', null)]);
    }
    if (codes.has('implicit-latest') || codes.has('latest-tag')) {
      const code = codes.has('implicit-latest') ? 'implicit-latest' : 'latest-tag';
      tags.slice(0, 5).forEach((tag, i) => {
        const digest = pins.get(tag) ?? null;
        this.add(`Use ${withTagAndDigest(ref, tag, digest)} (used elsewhere in the workspace)`, [code], [this.setImage(ref, tag, digest)], i === 0);
      });
    }
    if (codes.has('not-pinned') && ref.tag !== null && pins.has(ref.tag)) {
      const title = `Pin to ${pins.get(ref.tag)!.slice(0, 19)}… (the digest the workspace uses for :${ref.tag})`;
      this.workspacePinned = this.add(title, ['not-pinned'], [this.setImage(ref, ref.tag, pins.get(ref.tag)!)], true);
    }
    if (codes.has('digest-with-latest')) {
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
    if (policy && value && codes.has('invalid-pull-policy')) {
      for (const candidate of rule.policies) {
        const preferred = candidate.toLowerCase() === value.value.toLowerCase();
        this.add(`Change ${key} to ${candidate}`, ['invalid-pull-policy'], [replaceScalar(this.doc.start, value, candidate)], preferred);
      }
    }
    if (policy && codes.has('redundant-pull-policy')) {
      this.add(`Remove the redundant ${key}`, ['redundant-pull-policy'], [removeEntry(this.text, this.doc.start, this.container, policy)], true);
    }
    const image = this.container.image?.value;
    if (!policy && image) {
      const fallback = defaultPullPolicy(image.value, rule).policy;
      for (const candidate of rule.policies) {
        const note = candidate === fallback ? ' (the current default)' : '';
        this.add(`Set ${key}: ${candidate}${note}`, [], [insertPullPolicy(this.text, this.doc.start, this.container, candidate)]);
      }
    }
  }
}

/** Pin, update a stale pin, unpin a kustomize `images:` entry (unpinning removes its `digest:`). */
function kustomizeRegistryFixes(
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
  const unpin = entry.digest && entry.newTag?.value ? removeEntry(text, doc.start, entry, entry.digest) : null;
  actions.registryFixes(text, codes, site, facts, settings, unpin, false);
  return actions.actions;
}

/** Pin, update a stale pin, unpin a Helm values image (unpinning removes its `digest:`), and fix its pull policy. */
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
  if (facts && site) {
    const unpin = image.digest && site.ref.tag !== null ? removeEntry(text, doc.start, image, image.digest) : null;
    actions.registryFixes(text, codes, site, facts, settings, unpin, false);
  }
  const policy = image.pullPolicy;
  if (policy?.value && codes.has('invalid-pull-policy')) {
    for (const candidate of VALUES_RULE.policies) {
      const preferred = candidate.toLowerCase() === policy.value.value.toLowerCase();
      actions.add(`Change pullPolicy to ${candidate}`, ['invalid-pull-policy'], [replaceScalar(doc.start, policy.value, candidate)], preferred);
    }
  }
  if (policy && codes.has('redundant-pull-policy')) {
    actions.add('Remove the redundant pullPolicy', ['redundant-pull-policy'], [removeEntry(text, doc.start, image, policy)], true);
  }
  return actions.actions;
}

function shortDigest(digest: string): string {
  return `${digest.slice(0, 19)}…`;
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
      const first = doc.start + Math.min(container.image?.key.start ?? Infinity, container.pullPolicy?.key.start ?? Infinity);
      const last = doc.start + Math.max(container.image?.value?.end ?? -1, container.pullPolicy?.value?.end ?? -1, container.image?.key.end ?? -1);
      if (last < start || first > end) continue;
      const codes = new Set<string>(diagnostics.filter((d) => d.start >= first && d.end <= last).map((d) => d.code));
      const builder = new ActionBuilder(analysis.text, doc, container, checker);
      builder.imageFixes(codes, workspace);
      const site = sites.find((s) => s.container === container);
      if (facts && site) {
        touchesImage = true;
        builder.containerRegistryFixes(codes, site, facts, settings);
      }
      builder.pullPolicyFixes(codes);
      actions.push(...builder.actions);
    }
    for (const entry of doc.analysis.fields.kustomizeImages) {
      const site = sites.find((s) => s.entry === entry);
      if (!facts || !site || doc.start + entry.end < start || doc.start + entry.start > end) continue;
      touchesImage = true;
      const codes = new Set<string>(diagnostics.filter((d) => d.start >= doc.start + entry.start && d.end <= doc.start + entry.end).map((d) => d.code));
      actions.push(...kustomizeRegistryFixes(analysis.text, doc, entry, site, codes, facts, settings, checker));
    }
    for (const image of doc.analysis.fields.values?.images ?? []) {
      if (doc.start + image.end < start || doc.start + image.key.start > end) continue;
      const site = sites.find((s) => s.values === image);
      if (site) touchesImage = true;
      const codes = new Set<string>(diagnostics.filter((d) => d.start >= doc.start + image.key.start && d.end <= doc.start + image.end).map((d) => d.code));
      actions.push(...valuesFixes(analysis.text, doc, image, site, codes, facts, settings, checker));
    }
  }
  const pinAll = facts && touchesImage ? pinAllAction(analysis, facts, settings) : null;
  if (pinAll) actions.push(pinAll);
  return actions;
}

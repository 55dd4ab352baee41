/**
 * Push, and pin what was pushed.
 *
 * The digest to pin is the one the registry serves for the tag, asked fresh after the push: a tool
 * may recompress layers on the way (docker does), and buildah and podman write a digest file while
 * docker prints one, so the tool's own digest is kept for the record only.
 * Pinning the pushed image reuses the pin actions' own edit code with facts that hold just the pushed
 * tag, so only images naming that repository and tag (as kubelet would resolve them) are touched: one
 * without a digest gets the "Pin to digest" edit (core pinSite), one pinned to another digest (an
 * earlier push of the tag) the "Update pinned digest" edit (core repinSite), which keeps its tag.
 */
import { tagKey, parseReference, effectiveTag, imageSites, pinSite, isOciDigest, isRefused, NO_FACTS, quote, repinSite } from '../../core';
import type { ImageReference, PinnedImage, PinSettings, ManifestFound, RefusedPin, RegistryFacts } from '../../core';
import type { RegistryClient } from '../../registry';
import type { BuildTool, RunIo } from '../../tools';
import { toManifestFound } from '../collectFacts';
import type { PinTarget } from '../pinEdits';

export interface PushedImage {
  /** The reference pushed, as given. */
  readonly image: string;
  /** What the registry serves for the tag now: the digest to pin. */
  readonly digest: string;
  /** What the tool said it pushed, when it says (informational; may differ from `digest`). */
  readonly toolDigest: string | null;
  /** The registry's answer for the tag, as a fact the pin edits are made from. */
  readonly manifest: ManifestFound;
}

export interface PushImageOptions {
  /** False for loopback and insecure registries (plain HTTP or an untrusted certificate). */
  readonly tlsVerify: boolean;
  readonly io: RunIo;
  /**
   * The pin settings the result will be pinned with: with a pin platform the manifest body is read
   * (one GET instead of a HEAD, as the pin action does), so a pushed multi-platform index is pinned
   * to that platform's image.
   */
  readonly pin?: PinSettings;
}

/** A pushable reference: valid, with no digest (a tool pushes by tag). */
function pushableReference(image: string): ImageReference {
  const parsed = parseReference(image);
  if (!parsed.ok) throw new Error(`Cannot push "${image}": ${parsed.error.message}`);
  if (parsed.value.digest !== null) throw new Error(`Cannot push "${image}": an image is pushed by tag, and this one names a digest.`);
  return parsed.value;
}

/** Pushes `image` with the tool, then asks the registry which digest its tag names now. */
export async function pushImage(image: string, tool: BuildTool, registry: RegistryClient, options: PushImageOptions): Promise<PushedImage> {
  const ref = pushableReference(image);
  const { toolDigest } = await tool.push(image, { tlsVerify: options.tlsVerify }, options.io);
  const info = await registry.getManifest(
    { registry: ref.domain, path: ref.path, reference: effectiveTag(ref) },
    { detail: options.pin?.platform ? 'body' : 'digest', fresh: true, signal: options.io.signal },
  );
  if (!isOciDigest(info.digest)) {
    throw new Error(`${ref.domain} answered ${quote(String(info.digest))} as the digest of ${image}, which is not a valid OCI digest; nothing was pinned.`);
  }
  return { image, digest: info.digest, toolDigest, manifest: toManifestFound(info) };
}

/** Facts that know one thing: the pushed tag's manifest. */
function pushedFacts(pushed: PushedImage): RegistryFacts {
  const ref = pushableReference(pushed.image);
  return { ...NO_FACTS, manifests: new Map([[tagKey(ref, effectiveTag(ref)), pushed.manifest]]) };
}

/**
 * The pin edits for the pushed image in each file: only images with its repository and tag, pinned
 * as the pin action writes them, or re-pinned when they name another digest (a re-pin is a
 * PinnedImage whose `site.ref.digest` is not null). Images pinned to the pushed digest already
 * are left alone. Files with a pin or a refused pin (its check failed) are listed.
 */
export function pushedPinEdits<Id>(
  targets: readonly PinTarget<Id>[],
  pushed: PushedImage,
  pin: PinSettings,
): Array<{ readonly id: Id; readonly pins: readonly PinnedImage[]; readonly refused: readonly RefusedPin[] }> {
  const facts = pushedFacts(pushed);
  return targets.flatMap((target) => {
    const { text } = target.analysis;
    const outcomes = imageSites(target.analysis).flatMap((site) => pinSite(text, site, facts, pin) ?? repinSite(text, site, facts, pin) ?? []);
    const pins = outcomes.filter((outcome): outcome is PinnedImage => !isRefused(outcome));
    const refused = outcomes.filter(isRefused);
    return outcomes.length === 0 ? [] : [{ id: target.id, pins, refused }];
  });
}

/**
 * Pins every image of many files at once ("pin all in file", "pin the workspace"): it asks the
 * registry for each unique `repo:tag` exactly once (however many files, containers and kustomize
 * `images:` entries use it), then lets the core write the byte-minimal edits per file
 * (core/edits/pinEdits.ts).
 * A tag can be moved at any time, so every tag is asked again (`fresh`), past the client's tag
 * cache: only the digest is needed, so each question is one HEAD request; with a pin platform the
 * body is needed too, so each is one GET by tag (detail `body`), whose bytes give the digest of the
 * index and its platforms, or a HEAD when the body the tag named last is cached: still one manifest
 * request per unique reference. A cached answer stands in only when the registry cannot be reached.
 */
import type { Analysis, PinnedImage, PinSettings, ManifestQuery, RegistryFacts } from '../core';
import { tagAnswer, imageSites, pinFileEdits, referenceQueries } from '../core';
import type { RegistryClient } from '../registry';
import { collectFacts, uniqueByKey } from './collectFacts';

export interface PinTarget<Id> {
  /** Whatever names the file for the caller (a URI, a path). */
  readonly id: Id;
  readonly analysis: Analysis;
}

/** An image not pinned: its tag is unknown, its registry failed, or its pin edit was refused (checkEdits.ts). */
export interface SkippedImage<Id> {
  readonly id: Id;
  readonly image: string;
  /** Where the image value starts in the file (an absolute UTF-16 offset), so a front end can say `path:line`. */
  readonly start: number;
  readonly reason: string;
}

export interface PinReport<Id> {
  /** Files with at least one pin, in the order given. */
  readonly files: ReadonlyArray<{ readonly id: Id; readonly pins: readonly PinnedImage[] }>;
  /** Images with a tag and no digest that could not be pinned, and why (a refused edit among them). */
  readonly skipped: readonly SkippedImage<Id>[];
  /** How many unique references were asked for. */
  readonly asked: number;
  readonly facts: RegistryFacts;
}

export interface PinOptions {
  readonly pin: PinSettings;
  readonly signal?: AbortSignal;
  readonly concurrency?: number;
}

/** The tag questions of every image (container or kustomize entry with `newTag`) that has no digest yet. */
function pinQueries(analysis: Analysis): ManifestQuery[] {
  return imageSites(analysis).flatMap((site) => (site.ref.digest === null ? referenceQueries(site.ref) : []));
}

export async function pinEdits<Id>(targets: readonly PinTarget<Id>[], client: RegistryClient, options: PinOptions): Promise<PinReport<Id>> {
  const queries = uniqueByKey(targets.flatMap((target) => pinQueries(target.analysis)));
  const facts = await collectFacts(queries, client, {
    signal: options.signal,
    concurrency: options.concurrency,
    fresh: true,
    detail: options.pin.platform === null ? 'digest' : 'body',
  });
  const files: Array<{ id: Id; pins: readonly PinnedImage[] }> = [];
  const skipped: SkippedImage<Id>[] = [];
  for (const target of targets) {
    const { pins, refused } = pinFileEdits(target.analysis, facts, options.pin);
    if (pins.length > 0) files.push({ id: target.id, pins });
    for (const site of imageSites(target.analysis)) {
      if (site.ref.digest !== null || pins.some((pin) => pin.site.span.start === site.span.start)) continue;
      const refusal = refused.find((r) => r.site.span.start === site.span.start)?.refusal;
      const answer = tagAnswer(facts, site.ref);
      const failure = (answer?.status === 'failed' ? answer.reason : undefined) ?? facts.problems.get(site.ref.domain)?.reason;
      const reason = refusal
        ? `the edit was refused: ${refusal.reason}`
        : answer?.status === 'not-found'
          ? `${site.ref.domain} has no tag "${site.ref.tag ?? 'latest'}" in ${site.ref.path}`
          : (failure ?? 'the registry was not asked (cancelled)');
      skipped.push({ id: target.id, image: site.ref.input, start: site.span.start, reason });
    }
  }
  return { files, skipped, asked: queries.length, facts };
}

/** The findings that mean the analysis of a file stopped short: images past them were not read, so none of them is pinned. */
const STOPPED_SHORT = new Set(['not-analysed', 'yaml-syntax']);

/** Where the analysis of a file stopped short (the size limit, binary content, too many containers, a YAML syntax error), in text order. */
export function stoppedShort(analysis: Analysis): Array<{ readonly start: number; readonly message: string }> {
  const inDocuments = analysis.documents.flatMap(({ start, analysis: document }) => document.findings.map((f) => ({ ...f, start: start + f.start })));
  return [...inDocuments, ...analysis.fileFindings].filter((finding) => STOPPED_SHORT.has(finding.code));
}

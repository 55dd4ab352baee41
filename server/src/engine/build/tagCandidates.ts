/**
 * Which image fields of the workspace a Dockerfile builds, as tags to offer when it is built: the
 * tags of the container images whose Dockerfile (dockerfileFor) it is, each with the files that
 * name it, the nearest manifest's first (in the Dockerfile's folder, then each folder up to the
 * workspace folder, then manifests elsewhere that the mapping setting sends to it). Kustomize
 * entries rename images and are left out.
 */
import { imageSites } from '../../core';
import type { Analysis, ImageReference, ImageSite } from '../../core';
import { dockerfileFor, foldersBelow } from './dockerfiles';

/** A manifest of the workspace: its workspace-relative path (`/` separators) and its analysis. */
export interface ManifestOfWorkspace {
  readonly path: string;
  readonly analysis: Analysis;
}

export interface TagCandidate {
  /** Repository and tag as the manifests write them, never a digest. */
  readonly tag: string;
  /** The manifests that name it, workspace-relative. */
  readonly files: readonly string[];
}

/** The repository as the manifest writes it (`ghcr.io/acme/web`), without tag or digest. */
function repositoryAsWritten(ref: ImageReference): string {
  return ref.input.slice(0, ref.parts.path.end);
}

/** The image to build for a manifest's image field: its repository and tag as written, never its digest. */
export function buildTagOf(ref: ImageReference): string {
  return ref.tag === null ? repositoryAsWritten(ref) : `${repositoryAsWritten(ref)}:${ref.tag}`;
}

/** The workspace-relative Dockerfile that builds a container's image in `manifest`, or null. */
export function dockerfileOfSite(
  site: ImageSite,
  manifest: string | null,
  dockerfiles: readonly string[],
  mapping: Readonly<Record<string, string>>,
): string | null {
  return site.container ? dockerfileFor(repositoryAsWritten(site.ref), manifest, dockerfiles, mapping) : null;
}

/**
 * The tags `dockerfile` builds for the workspace's manifests: the nearest manifest's first; among
 * equally near ones the tag more manifests name, then path order, then text order.
 */
export function tagCandidates(
  dockerfile: string,
  manifests: readonly ManifestOfWorkspace[],
  dockerfiles: readonly string[],
  mapping: Readonly<Record<string, string>>,
): TagCandidate[] {
  const hits = manifests.flatMap((file) =>
    imageSites(file.analysis).flatMap((site) =>
      dockerfileOfSite(site, file.path, dockerfiles, mapping) === dockerfile
        ? [{ tag: buildTagOf(site.ref), file: file.path, distance: foldersBelow(file.path, dockerfile) ?? Infinity, offset: site.span.start }]
        : [],
    ),
  );
  hits.sort((a, b) => a.distance - b.distance || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.offset - b.offset));
  const candidates = new Map<string, { readonly distance: number; readonly rank: number; readonly files: Set<string> }>();
  for (const hit of hits) {
    const known = candidates.get(hit.tag);
    if (known) known.files.add(hit.file);
    else candidates.set(hit.tag, { distance: hit.distance, rank: candidates.size, files: new Set([hit.file]) });
  }
  return [...candidates.entries()]
    .sort(([, a], [, b]) => a.distance - b.distance || b.files.size - a.files.size || a.rank - b.rank)
    .map(([tag, { files }]) => ({ tag, files: [...files] }));
}

/**
 * Which Dockerfile builds which image of the workspace's manifests: the engine's dockerfileFor
 * (mapping setting first, then the folder-name convention) applied to every container image, for
 * the code lens on `image:` fields and for the tag Build Image suggests.
 */
import { imageSites } from '../../../server/src/core';
import type { ImageReference, ImageSite } from '../../../server/src/core';
import { dockerfileFor } from '../../../server/src/engine';
import type { ManifestFile } from '../workspace/files';

/** The repository as the manifest writes it (`ghcr.io/acme/web`), without tag or digest. */
function repositoryAsWritten(ref: ImageReference): string {
  return ref.input.slice(0, ref.parts.path.end);
}

/** The image to build for a manifest's image field: its repository and tag as written, never its digest. */
export function buildTagOf(ref: ImageReference): string {
  return ref.tag === null ? repositoryAsWritten(ref) : `${repositoryAsWritten(ref)}:${ref.tag}`;
}

/** The workspace-relative Dockerfile that builds a container's image, or null. Kustomize entries rename images and are left out. */
export function dockerfileOfSite(site: ImageSite, dockerfiles: readonly string[], mapping: Readonly<Record<string, string>>): string | null {
  return site.container ? dockerfileFor(repositoryAsWritten(site.ref), dockerfiles, mapping) : null;
}

/** The images of the workspace that `dockerfile` builds, as tags to suggest (most used first). */
export function tagsBuiltBy(
  dockerfile: string,
  manifests: readonly ManifestFile[],
  dockerfiles: readonly string[],
  mapping: Readonly<Record<string, string>>,
): string[] {
  const counts = new Map<string, number>();
  for (const file of manifests) {
    for (const site of imageSites(file.analysis)) {
      if (dockerfileOfSite(site, dockerfiles, mapping) !== dockerfile) continue;
      const tag = buildTagOf(site.ref);
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([tag]) => tag);
}

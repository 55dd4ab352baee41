/**
 * Where an image's signatures are kept when not beside it. cosign writes and reads them in the repository named by
 * `COSIGN_REPOSITORY` (sigstore/cosign README, "Specifying Registry"), one for every image; the setting
 * `imageAware.signatures.repositories` maps repository patterns (repositoryPatterns.ts) to a repository, so that
 * different images can keep them in different places. The most specific pattern that matches wins; a setting's
 * pattern wins over `COSIGN_REPOSITORY`, which stands for the pattern `*`. A target that is not a repository name
 * (it has a tag or digest, or does not parse) is ignored.
 */
import { parseReference } from '../reference/reference';
import { matchingPatterns } from './repositoryPatterns';

export interface SignatureRepository {
  readonly domain: string;
  readonly path: string;
}

function repositoryOf(target: string): SignatureRepository | null {
  const parsed = parseReference(target.trim());
  if (!parsed.ok || parsed.value.tag !== null || parsed.value.digest !== null) return null;
  return { domain: parsed.value.domain, path: parsed.value.path };
}

/**
 * The repository that holds the signatures of `repository` (`domain/path`), or null when they are kept beside it.
 * `patterns` maps patterns to repositories; `cosignRepository` is the value of COSIGN_REPOSITORY, if set.
 */
export function signatureRepositoryFor(repository: string, patterns: Readonly<Record<string, string>>, cosignRepository?: string): SignatureRepository | null {
  for (const target of matchingPatterns(patterns, repository)) {
    const found = repositoryOf(target);
    if (found !== null) return found;
  }
  if (cosignRepository !== undefined && cosignRepository.trim() !== '') return repositoryOf(cosignRepository);
  return null;
}

/**
 * What the build commands need to know about Dockerfiles, without building anything: the `FROM`
 * lines (base images and stage names, for `--target` and for links), and which Dockerfile builds
 * an image of a manifest. Dockerfiles are read by dockerfile/read.ts, as for their analysis.
 */
import { parseReference } from '../../core';
import { readDockerfile } from '../dockerfile/read';

export interface FromLine {
  /** The 0-based line of the `FROM` keyword. */
  readonly line: number;
  /** Offsets of the image as written (UTF-16, into the whole text). */
  readonly start: number;
  readonly end: number;
  /** The image as written: a reference, a stage name, `scratch`, or with `${ARG}`s left unexpanded. */
  readonly image: string;
  /** The `AS` name, or null. */
  readonly stage: string | null;
  /** The `--platform=` value as written, or null. */
  readonly platform: string | null;
}

/** Every `FROM` instruction of a Dockerfile that names an image, in order. */
export function fromLines(text: string): FromLine[] {
  return readDockerfile(text).uses.flatMap(({ role, line, image, stage, platform }) =>
    role === 'from' ? [{ line, start: image.start, end: image.end, image: image.value, stage, platform }] : [],
  );
}

/** The stage names (`FROM … AS name`) in order, as written: what `--target` can be. */
export function stageNames(text: string): string[] {
  return fromLines(text).flatMap((from) => (from.stage === null ? [] : [from.stage]));
}

const DOCKERFILE_NAMES = ['dockerfile', 'containerfile'];

function globMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/** The names a repository goes by: as written, fully qualified (`docker.io/library/nginx`) and familiar (`nginx`). */
function repositoryNames(repository: string): string[] {
  const parsed = parseReference(repository);
  if (!parsed.ok) return [repository];
  const ref = parsed.value;
  const familiar = ref.familiar.slice(0, ref.familiar.length - (ref.tag === null ? 0 : ref.tag.length + 1) - (ref.digest === null ? 0 : ref.digest.length + 1));
  return [...new Set([repository, `${ref.domain}/${ref.path}`, familiar])];
}

function mappedDockerfile(repository: string, mapping: Readonly<Record<string, string>>): string | null {
  const names = repositoryNames(repository);
  // Exact patterns win over wildcards; among wildcards, the longest (most specific) pattern wins.
  const patterns = Object.keys(mapping).sort((a, b) => Number(a.includes('*')) - Number(b.includes('*')) || (a.includes('*') ? b.length - a.length : 0));
  const pattern = patterns.find((p) => names.some((name) => globMatches(p, name)));
  return pattern === undefined ? null : mapping[pattern];
}

/**
 * How many folders below the folder of `manifest` the Dockerfile `dockerfile` is (0 when they are
 * side by side), or null when it is not in or below that folder. Both are workspace-relative paths
 * with `/` separators.
 */
export function foldersBelow(manifest: string, dockerfile: string): number | null {
  const manifestFolder = manifest.split('/').slice(0, -1);
  const dockerfileFolder = dockerfile.split('/').slice(0, -1);
  if (manifestFolder.length > dockerfileFolder.length || manifestFolder.some((part, i) => part !== dockerfileFolder[i])) return null;
  return dockerfileFolder.length - manifestFolder.length;
}

/**
 * The Dockerfile that builds `repository` (as written in a manifest, without tag or digest) for an
 * image field of `manifest` (workspace-relative, or null for a document that is in no workspace
 * folder): `mapping` first (repository pattern → workspace-relative path, `*` matching any run of
 * characters), then the convention: a `Dockerfile` or `Containerfile` in a folder named like the
 * repository's last path part (`web/Dockerfile` for `ghcr.io/acme/web`), in the manifest's folder
 * or below it, so a manifest is about the Dockerfiles beside it and under it, never about one
 * elsewhere that happens to share a folder name. When several match, the one matching more of the
 * repository path from the end wins (`acme/web/` over `old/web/`), then a Dockerfile over a
 * Containerfile next to it, then the one nearest the manifest; a tie that remains answers null.
 * `dockerfiles` are workspace-relative paths with `/` separators.
 */
export function dockerfileFor(
  repository: string,
  manifest: string | null,
  dockerfiles: readonly string[],
  mapping: Readonly<Record<string, string>>,
): string | null {
  const mapped = mappedDockerfile(repository, mapping);
  if (mapped !== null || manifest === null) return mapped;
  const repoParts = repository.split('/');
  const scored = dockerfiles.flatMap((file) => {
    const parts = file.split('/');
    const kind = DOCKERFILE_NAMES.indexOf(parts[parts.length - 1].toLowerCase());
    const dirs = parts.slice(0, -1);
    const below = foldersBelow(manifest, file);
    let matched = 0;
    while (matched < dirs.length && matched < repoParts.length && dirs[dirs.length - 1 - matched] === repoParts[repoParts.length - 1 - matched]) matched++;
    return kind < 0 || matched === 0 || below === null ? [] : [{ file, matched, kind, below }];
  });
  scored.sort((a, b) => b.matched - a.matched || a.kind - b.kind || a.below - b.below);
  const [best, next] = scored;
  if (!best) return null;
  return next && next.matched === best.matched && next.kind === best.kind && next.below === best.below ? null : best.file;
}

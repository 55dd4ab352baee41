/**
 * `ko://` values are inputs to ko (ko.build), not image references. ko's Kubernetes integration
 * (ko-build/ko docs/features/k8s.md, commit 43cdbd25) says `ko resolve` and `ko apply` scan YAML for
 * strings with the `ko://` prefix, build and push the Go import path after it with `ko build`, and
 * replace the string with the fully-specified reference of the built image; `ko resolve` prints
 * references "resolved to built/pushed image digests" (docs/reference/ko_resolve.md). So a
 * `ko://` value names no registry to ask and nothing to pin until ko has run.
 */

export const KO_SCHEME = 'ko://';

/** The Go import path of a `ko://` value (possibly empty), or null when the value is not one. */
export function koImportPath(value: string): string | null {
  return value.startsWith(KO_SCHEME) ? value.slice(KO_SCHEME.length) : null;
}

/** What is wrong with a `ko://` value whose import path is empty. */
export const KO_WITHOUT_PATH = '"ko://" names no Go import path for ko to build, as in "ko://github.com/org/repo/cmd/app".';

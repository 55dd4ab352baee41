/**
 * kustomize's image transformer on one image value, exactly as kustomize v5.5.0 (the one kubectl 1.32
 * embeds) does it: IsImageMatched and Split in api/internal/image/image.go, SetImageValue in
 * api/filters/imagetag/updater.go (kubernetes-sigs/kustomize, tag api/v0.18.0).
 *
 * An entry's `name` is not compared as a string: kustomize puts it into the regular expression
 * `^NAME(:tag)?(@sha256:digest)?$`, so `nginx` matches `nginx`, `nginx:1.2` and `nginx@sha256:…` but not
 * `docker.io/library/nginx`, and the `.` of `my.registry/app` matches any character. Go's regexp and
 * JavaScript's agree on the names read here (see matcherFor); a name using other syntax is not
 * evaluated, and says so, rather than matched differently.
 */
import type { KustomizeImageEntry } from './kustomization';

/** An `images:` entry's values as kustomize reads them: "" is not set. */
export interface ImageOverride {
  readonly name: string;
  readonly newName: string;
  readonly newTag: string;
  readonly digest: string;
  readonly tagSuffix: string;
  /** The pattern kustomize makes of `name`; null when it is not evaluated here. */
  readonly matcher: RegExp | null;
}

/** What follows the name in IsImageMatched's pattern; the character classes are the same in both engines. */
const SUFFIX = '(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$';
/** Characters that are literal in both engines' syntax. */
const LITERAL = /[A-Za-z0-9_/:@,=%#!~'"<>&;` -]/;
/** Operators both engines read alike: alternation, groups, repetition (greedy or lazy) and anchors. */
const OPERATOR = /[|()*+?^$]/;
/** Escaped punctuation is a literal in both. */
const ESCAPABLE = /[.*+?()|^$\\/[\]{}-]/;

/**
 * The name as a JavaScript regular expression that matches exactly what Go's does, or null when it
 * uses syntax the two read differently (character classes, counted repetition, flags, `\d` and
 * other class escapes, non-ASCII). Go's `.` matches any character but a line break, so it becomes
 * `[^\n]`; a name Go cannot compile (`(`, `*x`) becomes one JavaScript cannot compile either, and
 * kustomize v5.5.0 then panics; null is returned for those too.
 */
function translate(name: string): RegExp | null {
  let pattern = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '.') pattern += '[^\\n]';
    else if (c === '\\') {
      const next = name[i + 1];
      if (next === undefined || !ESCAPABLE.test(next)) return null;
      // With the `u` flag JavaScript refuses `\-` outside a class, where `-` is literal anyway.
      pattern += next === '-' ? '-' : `\\${next}`;
      i++;
    } else if (LITERAL.test(c)) pattern += c;
    else if (OPERATOR.test(c)) {
      // `(?` starts a flag group or named group in Go, an assertion in JavaScript.
      if (c === '(' && name[i + 1] === '?') return null;
      pattern += c;
    } else return null;
  }
  try {
    return new RegExp(`^${pattern}${SUFFIX}`, 'u');
  } catch {
    return null;
  }
}

/** Whether kustomize's entry matches `value`; null when its name is not evaluated here. */
export function isImageMatched(value: string, override: ImageOverride): boolean | null {
  return override.matcher === null ? null : override.matcher.test(value);
}

export function overrideOf(entry: KustomizeImageEntry): ImageOverride {
  const { name, newName, newTag, digest, tagSuffix } = entry.fields;
  const value = (field: typeof name): string => field?.value ?? '';
  return {
    name: value(name),
    newName: value(newName),
    newTag: value(newTag),
    digest: value(digest),
    tagSuffix: value(tagSuffix),
    matcher: translate(value(name)),
  };
}

/** kustomize's Split: the name, tag and digest of an image value, found after the first `/` only. */
export function splitImage(value: string): { name: string; tag: string; digest: string } {
  const found = value.indexOf('/');
  const slash = found > 0 ? found : 0;
  const search = found > 0 ? value.slice(found) : value;
  const at = search.indexOf('@');
  const colon = search.indexOf(':');
  if (colon < 0 && at < 0) return { name: value, tag: '', digest: '' };
  if (at >= 0 && (at < colon || colon < 0)) return { name: value.slice(0, at + slash), tag: '', digest: value.slice(at + slash + 1) };
  if (at >= 0 && colon >= 0)
    return { name: value.slice(0, colon + slash), tag: value.slice(colon + slash + 1, at + slash), digest: value.slice(at + slash + 1) };
  return { name: value.slice(0, colon + slash), tag: value.slice(colon + slash + 1), digest: '' };
}

/** The value after the entry: the entry's rewrite when its name matches, else `value` itself. */
export function applyOverride(value: string, override: ImageOverride): string {
  const parts = splitImage(value);
  let { name, tag, digest } = parts;
  if (override.newName !== '') name = override.newName;
  // A new tag or digest replaces both the tag and the digest; a suffix is added to the tag.
  if (override.newTag !== '' && override.digest !== '') [tag, digest] = [override.newTag, override.digest];
  else if (override.newTag !== '') [tag, digest] = [override.newTag, ''];
  else if (override.digest !== '') [tag, digest] = ['', override.digest];
  else if (override.tagSuffix !== '') [tag, digest] = [tag + override.tagSuffix, ''];
  return `${name}${tag === '' ? '' : `:${tag}`}${digest === '' ? '' : `@${digest}`}`;
}

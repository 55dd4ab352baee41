/**
 * Image references, parsed the way Kubernetes parses them: distribution/reference v0.6.0
 * `ParseNormalizedNamed` (normalize.go, reference.go, regexp.go), with digests checked by
 * opencontainers/go-digest v1.0.0 and sha256, sha384 and sha512 registered.
 *
 * A reference is `[domain/]path[:tag][@digest]`.
 *
 * The domain is the part before the first "/", but only when that part contains "." or ":", is exactly
 * "localhost", or has an uppercase letter. Otherwise the whole name is a Docker Hub path. A name without
 * any "/" is always a Docker Hub path, so in "localhost:8080" and "test.com:5000" the part after ":" is a
 * tag, not a port. A domain is DNS-like labels (letters, digits, inner "-") joined by ".", or an IPv6
 * address in brackets, with an optional numeric port. "index.docker.io" is rewritten to "docker.io",
 * and a missing domain means "docker.io".
 *
 * On Docker Hub a path with a single component gets "library/" in front ("nginx" is
 * "docker.io/library/nginx"). Path components are lowercase letters and digits, joined inside a
 * component by one ".", one or two "_", or any number of "-", and components are joined by "/".
 * The path may have at most 255 characters, counting an added "library/" but not the domain.
 *
 * A tag is at most 128 ASCII letters, digits, "_", "." and "-", and does not start with "." or "-".
 * A digest is `algorithm:hex`. The grammar wants at least 32 hex characters, and go-digest then wants
 * exactly 64 (sha256), 96 (sha384) or 128 (sha512) lowercase ones. A reference may have both a tag and
 * a digest, and both are kept.
 *
 * Some rules run before the grammar and decide which error a user sees. A string of exactly 64 lowercase
 * hex characters is refused, because Docker reads it as an image ID. Everything after the domain and
 * before the first ":" must be lowercase, so "nginx@SHA256:…" is a lowercase error, not a digest error.
 *
 * Parsing never throws and is linear in the input. An error carries the upstream category, a sentence
 * for the user and the span of the input that is wrong.
 */
import type { Span } from '../span';
import type { ReferenceErrorCategory } from './category';
import { checkDigest } from './digest';
import { matchReferenceGrammar } from './grammar';
import { characterAt, quote } from './quote';

export type { ReferenceErrorCategory } from './category';
export { isValidTag } from './grammar';

export interface ImageReference {
  readonly input: string;
  /** Normalized registry host[:port]: "docker.io" when absent or written as "index.docker.io". */
  readonly domain: string;
  /** Repository path, with "library/" added for single-component Docker Hub names. */
  readonly path: string;
  /** The tag as written, or null. */
  readonly tag: string | null;
  /** The digest as written (for example "sha256:…"), or null. */
  readonly digest: string | null;
  /** Docker's FamiliarString: "docker.io/" and a lone "library/" removed. */
  readonly familiar: string;
  /** Fully qualified; ":latest" is added only when there is neither a tag nor a digest. */
  readonly canonical: string;
  /** Spans inside `input` as written; the tag excludes ":", the digest excludes "@". */
  readonly parts: {
    readonly domain: Span | null;
    readonly path: Span;
    readonly tag: Span | null;
    readonly digest: Span | null;
  };
}

export interface ReferenceProblem {
  readonly category: ReferenceErrorCategory;
  readonly message: string;
  readonly span: Span;
}

export type ReferenceParseResult = { readonly ok: true; readonly value: ImageReference } | { readonly ok: false; readonly error: ReferenceProblem };

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const MAX_PATH_LENGTH = 255;
const IMAGE_ID = /^[a-f0-9]{64}$/;

/** Validates a digest string such as "sha256:…" the way go-digest does. */
export function parseDigest(digest: string): { ok: true } | { ok: false; category: ReferenceErrorCategory; message: string } {
  const problem = checkDigest(digest);
  return problem === null ? { ok: true } : { ok: false, category: problem.category, message: problem.message };
}

/** Parses an image reference as Kubernetes does (ParseNormalizedNamed). */
export function parseReference(input: string): ReferenceParseResult {
  if (input === '') return fail('invalid reference format', 'The image reference is empty.', { start: 0, end: 0 });
  if (IMAGE_ID.test(input)) {
    return fail(
      'cannot specify 64-byte hexadecimal strings',
      `${quote(input)} is 64 hexadecimal characters, which Docker reads as an image ID, not a repository name.`,
      { start: 0, end: input.length },
    );
  }

  const split = splitDockerDomain(input);
  const colon = input.indexOf(':', split.remainderStart);
  const remoteEnd = colon < 0 ? input.length : colon;
  const uppercase = findUppercase(input, split.remainderStart, remoteEnd);
  if (uppercase >= 0) return lowercaseFailure(input, uppercase, split.remainderStart, remoteEnd);

  // Upstream then parses `domain + "/" + remainder`, which is the input with a normalized prefix.
  const text = split.prefix + input.slice(split.offset);
  const toInput = (span: Span): Span => ({ start: toInputOffset(span.start, split), end: toInputOffset(span.end, split) });
  const scanned = matchReferenceGrammar(text, split.prefix.length);
  if (!scanned.ok) {
    // Upstream reports the lowercase error when only lowercasing makes the text parse (see goToLower).
    const lowered = goToLower(text);
    if (lowered !== text && matchReferenceGrammar(lowered, split.prefix.length).ok) {
      // Point at the uppercase letter in the component where scanning failed, else at the first one.
      const failedComponent = componentBounds(text, scanned.failure.span.start, 0, text.length).start;
      const near = findUppercase(text, failedComponent, text.length);
      const at = near >= 0 ? near : findUppercase(text, 0, text.length);
      return lowercaseFailure(text, at, 0, text.length, toInput);
    }
    return fail('invalid reference format', scanned.failure.message, toInput(scanned.failure.span));
  }

  const match = scanned.match;
  const path = text.slice(match.path.start, match.path.end);
  if (path.length > MAX_PATH_LENGTH) {
    const implied = path.startsWith(OFFICIAL_REPO_PREFIX) && match.path.start < split.prefix.length ? ', counting the implied "library/"' : '';
    return fail(
      'repository name must not be more than 255 characters',
      `Repository path ${quote(path)} is ${path.length} characters long${implied}; at most ${MAX_PATH_LENGTH} are allowed (the registry is not counted).`,
      toInput(match.path),
    );
  }
  if (match.digest !== null) {
    const problem = checkDigest(text.slice(match.digest.start, match.digest.end));
    if (problem !== null) {
      const start = match.digest.start + problem.span.start;
      return fail(problem.category, problem.message, toInput({ start, end: match.digest.start + problem.span.end }));
    }
  }

  const domain = match.domain === null ? '' : text.slice(match.domain.start, match.domain.end);
  const tag = match.tag === null ? null : text.slice(match.tag.start, match.tag.end);
  const digest = match.digest === null ? null : text.slice(match.digest.start, match.digest.end);
  const suffix = (tag === null ? '' : `:${tag}`) + (digest === null ? '' : `@${digest}`);
  return {
    ok: true,
    value: {
      input,
      domain,
      path,
      tag,
      digest,
      familiar: familiarName(domain, path) + suffix,
      canonical: joinName(domain, path) + (suffix === '' ? `:${DEFAULT_TAG}` : suffix),
      parts: {
        domain: match.domain === null ? null : split.writtenDomain,
        path: toInput(match.path),
        tag: match.tag === null ? null : toInput(match.tag),
        digest: match.digest === null ? null : toInput(match.digest),
      },
    },
  };
}

/**
 * The input with its repository path lowercased (the domain, tag and digest as written), when that
 * is what makes it parse: the fix for "repository name must be lowercase". Null when the input
 * parses already, or when lowercasing the path does not make it parse. A domain with uppercase
 * letters is left alone: upstream reads the first component as a domain because of them.
 */
export function lowercasedRepository(input: string): string | null {
  if (parseReference(input).ok) return null;
  const { remainderStart } = splitDockerDomain(input);
  const colon = input.indexOf(':', remainderStart);
  const at = input.indexOf('@', remainderStart);
  const end = Math.min(colon < 0 ? input.length : colon, at < 0 ? input.length : at);
  const candidate = input.slice(0, remainderStart) + goToLower(input.slice(remainderStart, end)) + input.slice(end);
  return candidate !== input && parseReference(candidate).ok ? candidate : null;
}

/**
 * How upstream's splitDockerDomain rewrote the input: the text it parses is `prefix + input.slice(offset)`.
 * `remainderStart` is where the repository path starts in the input, for the lowercase rule.
 */
interface DomainSplit {
  readonly prefix: string;
  readonly offset: number;
  readonly remainderStart: number;
  readonly writtenDomain: Span | null;
}

function splitDockerDomain(input: string): DomainSplit {
  const slash = input.indexOf('/');
  const library = DEFAULT_DOMAIN + '/' + OFFICIAL_REPO_PREFIX;
  if (slash < 0) return { prefix: library, offset: 0, remainderStart: 0, writtenDomain: null };
  const maybeDomain = input.slice(0, slash);
  const writtenDomain = { start: 0, end: slash };
  const singleComponent = input.indexOf('/', slash + 1) < 0;
  if (maybeDomain === LEGACY_DEFAULT_DOMAIN || maybeDomain === DEFAULT_DOMAIN) {
    const prefix = singleComponent ? library : DEFAULT_DOMAIN + '/';
    return { prefix, offset: slash + 1, remainderStart: slash + 1, writtenDomain };
  }
  if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    return { prefix: '', offset: 0, remainderStart: slash + 1, writtenDomain };
  }
  return { prefix: DEFAULT_DOMAIN + '/', offset: 0, remainderStart: 0, writtenDomain: null };
}

/** Maps an offset in the normalized text back to the input; offsets inside the added prefix map to its end. */
function toInputOffset(offset: number, split: DomainSplit): number {
  return Math.max(offset - split.prefix.length, 0) + split.offset;
}

/**
 * Lowercases like Go's strings.ToLower, which uses simple case mapping: "İ" becomes "i", where
 * JavaScript's full mapping gives "i̇". That is the one character where the two differ and the result
 * could still fit the ASCII grammar.
 */
function goToLower(text: string): string {
  return text.replace(/\u0130/g, 'i').toLowerCase();
}

/** Returns the offset of the first character in [start, end) that lowercasing changes, or -1. */
function findUppercase(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      if (code >= 0x41 && code <= 0x5a) return i;
    } else {
      const character = characterAt(text, i);
      if (character.toLowerCase() !== character) return i;
      i += character.length - 1;
    }
  }
  return -1;
}

/** Returns the bounds, within [start, end), of the "/"-, ":"- or "@"-delimited component around `at`. */
function componentBounds(text: string, at: number, start: number, end: number): Span {
  let componentStart = Math.min(at, end);
  while (componentStart > start && !isComponentDelimiter(text[componentStart - 1])) componentStart--;
  let componentEnd = componentStart;
  while (componentEnd < end && !isComponentDelimiter(text[componentEnd])) componentEnd++;
  return { start: componentStart, end: componentEnd };
}

function isComponentDelimiter(character: string): boolean {
  return character === '/' || character === ':' || character === '@';
}

/** Reports the lowercase rule for the component of `text` around the uppercase letter at `at`. */
function lowercaseFailure(text: string, at: number, start: number, end: number, toInput: (span: Span) => Span = (span) => span): ReferenceParseResult {
  const bounds = componentBounds(text, at, start, end);
  const component = text.slice(bounds.start, bounds.end);
  const before = text[bounds.start - 1];
  const message =
    before === '@'
      ? `Digest algorithm ${quote(component)} must be lowercase; write ${quote(goToLower(component))}.`
      : before === ':'
        ? `${quote(component)} contains ${quote(characterAt(text, at))}, which is not allowed here; Kubernetes ` +
          `reports it as "repository name must be lowercase" because the lowercased text would parse.`
        : `Repository name must be lowercase: ${quote(component)} has uppercase letters.`;
  return fail('repository name must be lowercase', message, toInput(bounds));
}

function fail(category: ReferenceErrorCategory, message: string, span: Span): ReferenceParseResult {
  return { ok: false, error: { category, message, span } };
}

function joinName(domain: string, path: string): string {
  return domain === '' ? path : `${domain}/${path}`;
}

/** Docker's familiarizeName: drop "docker.io/", and "library/" when nothing nested follows it. */
function familiarName(domain: string, path: string): string {
  if (domain !== DEFAULT_DOMAIN) return joinName(domain, path);
  const rest = path.startsWith(OFFICIAL_REPO_PREFIX) ? path.slice(OFFICIAL_REPO_PREFIX.length) : path;
  return rest.includes('/') ? path : rest;
}

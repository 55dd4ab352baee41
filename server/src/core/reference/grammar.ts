/**
 * A hand-written scanner for distribution/reference's `ReferenceRegexp` (regexp.go, v0.6.0):
 *
 *     reference := name [":" tag] ["@" digest]
 *     name      := [domain "/"] path-component ["/" path-component]*
 *
 * It accepts exactly the strings that regexp accepts, but when it rejects one it says which character or
 * component broke which rule, so the editor can underline it.
 * It reads each character a bounded number of times, so it is linear in the input, and it never throws.
 *
 * Why a scanner can decide this left to right: a tag and a digest never contain "/", so the name always
 * reaches past the first "/". Only the first component may be a domain, and it is one whenever it fits
 * the domain grammar. When it does not fit but is a valid path component (it has "_" in it, like
 * "a_b.io"), the regexp reads it as the first path component instead, and so does this scanner.
 * Inside the path only ":" (tag) and "@" (digest) can end the name.
 */
import type { Span } from '../span';
import { digestHexLength } from './digest';
import { characterAt, quote } from './quote';

/** Spans of each part inside the scanned text. */
export interface GrammarMatch {
  readonly domain: Span | null;
  readonly path: Span;
  readonly tag: Span | null;
  readonly digest: Span | null;
}

export interface GrammarFailure {
  readonly message: string;
  readonly span: Span;
}

export type GrammarResult = { readonly ok: true; readonly match: GrammarMatch } | { readonly ok: false; readonly failure: GrammarFailure };

const MAX_TAG_LENGTH = 128;
const MIN_DIGEST_HEX = 32;

/**
 * Scans `text` against the full reference grammar.
 * `writtenStart` is where the user's own text begins: normalization may have put "docker.io/library/" in
 * front, and an empty path component right there means the user wrote no repository name at all.
 */
export function matchReferenceGrammar(text: string, writtenStart: number): GrammarResult {
  let domain: Span | null = null;
  let pathStart = 0;
  const firstSlash = text.indexOf('/');
  if (firstSlash > 0) {
    const domainFailure = checkDomain(text, 0, firstSlash);
    if (domainFailure === null) {
      domain = { start: 0, end: firstSlash };
      pathStart = firstSlash + 1;
    } else if (checkPathComponent(text, 0, firstSlash) !== null) {
      return { ok: false, failure: domainFailure };
    }
  }

  const path = scanPath(text, pathStart, writtenStart);
  if ('message' in path) return { ok: false, failure: path };

  let next = path.end;
  let tag: Span | null = null;
  if (text[next] === ':') {
    const at = text.indexOf('@', next + 1);
    tag = { start: next + 1, end: at < 0 ? text.length : at };
    const tagFailure = checkTag(text, tag);
    if (tagFailure !== null) return { ok: false, failure: tagFailure };
    next = tag.end;
  }

  let digest: Span | null = null;
  if (text[next] === '@') {
    digest = { start: next + 1, end: text.length };
    const digestFailure = checkDigestGrammar(text, digest);
    if (digestFailure !== null) return { ok: false, failure: digestFailure };
  }

  return { ok: true, match: { domain, path, tag, digest } };
}

/** Checks a tag against `[\w][\w.-]{0,127}` (ASCII word characters, as in Go's RE2). */
export function isValidTag(tag: string): boolean {
  return checkTag(tag, { start: 0, end: tag.length }) === null;
}

const TAG_RULE = 'a tag may contain only letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-")';

function checkTag(text: string, span: Span): GrammarFailure | null {
  const tag = text.slice(span.start, span.end);
  if (tag === '') {
    return { message: 'The tag after ":" is empty; write a tag or remove the ":".', span: { start: span.start - 1, end: span.start } };
  }
  const bad = tag.search(/[^\w.-]/);
  if (bad >= 0) {
    const character = characterAt(tag, bad);
    return {
      message: `Tag ${quote(tag)} contains ${quote(character)}; ${TAG_RULE}.`,
      span: { start: span.start + bad, end: span.start + bad + character.length },
    };
  }
  if (tag[0] === '.' || tag[0] === '-') {
    return { message: `Tag ${quote(tag)} starts with ${quote(tag[0])}; ${TAG_RULE}.`, span: { start: span.start, end: span.start + 1 } };
  }
  if (tag.length > MAX_TAG_LENGTH) {
    return {
      message: `Tag ${quote(tag)} is ${tag.length} characters long; a tag may have at most ${MAX_TAG_LENGTH}.`,
      span: { start: span.start + MAX_TAG_LENGTH, end: span.end },
    };
  }
  return null;
}

/** Scans "/"-separated path components from `start` up to ":", "@" or the end; returns the path span. */
function scanPath(text: string, start: number, writtenStart: number): Span | GrammarFailure {
  let componentStart = start;
  for (;;) {
    let end = componentStart;
    while (end < text.length && !isPathDelimiter(text.charCodeAt(end))) end++;
    if (end === componentStart) return emptyComponentFailure(text, componentStart === start || componentStart === writtenStart, componentStart);
    const failure = checkPathComponent(text, componentStart, end);
    if (failure !== null) return failure;
    if (text[end] !== '/') return { start, end };
    componentStart = end + 1;
  }
}

function isPathDelimiter(code: number): boolean {
  return code === 0x2f /* / */ || code === 0x3a /* : */ || code === 0x40; /* @ */
}

function emptyComponentFailure(text: string, isFirst: boolean, at: number): GrammarFailure {
  const next = text[at];
  if (isFirst && next !== '/') {
    const where = next === undefined ? 'after the registry' : `before ${quote(next)}`;
    const span = next === undefined ? { start: Math.max(at - 1, 0), end: at } : { start: at, end: at + 1 };
    return { message: `The image reference has no repository name ${where}.`, span };
  }
  if (isFirst) {
    return { message: 'The repository path must not start with "/".', span: { start: at, end: at + 1 } };
  }
  if (next === '/') {
    return { message: 'The repository path has an empty component; remove the extra "/".', span: { start: at, end: at + 1 } };
  }
  return { message: 'The repository path must not end with "/".', span: { start: at - 1, end: at } };
}

const COMPONENT_RULE =
  'a path component may contain only lowercase letters, digits and the separators ".", "_", "__" or "-", and must start and end with a letter or digit';

/** Checks one path component against `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`. */
function checkPathComponent(text: string, start: number, end: number): GrammarFailure | null {
  // Quoted only on failure: a long path has many components and almost all of them are fine.
  const component = (): string => quote(text.slice(start, end));
  let i = start;
  for (;;) {
    const runStart = i;
    while (i < end && isLowerAlphanumeric(text.charCodeAt(i))) i++;
    if (i === runStart) {
      const character = characterAt(text, i);
      // A separator can only be met here at the very start, because a separator run is consumed whole below.
      const problem = isSeparator(text.charCodeAt(i)) ? `starts with ${quote(character)}` : `contains ${quote(character)}`;
      return { message: `Path component ${component()} ${problem}; ${COMPONENT_RULE}.`, span: { start: i, end: i + character.length } };
    }
    if (i === end) return null;
    const separatorStart = i;
    while (i < end && isSeparator(text.charCodeAt(i))) i++;
    if (separatorStart === i) {
      const character = characterAt(text, i);
      return { message: `Path component ${component()} contains ${quote(character)}; ${COMPONENT_RULE}.`, span: { start: i, end: i + character.length } };
    }
    const separator = text.slice(separatorStart, i);
    const span = { start: separatorStart, end: i };
    if (i === end) return { message: `Path component ${component()} ends with ${quote(separator)}; ${COMPONENT_RULE}.`, span };
    if (!isValidSeparator(separator)) {
      return { message: `Path component ${component()} has the separator ${quote(separator)}; ${COMPONENT_RULE}.`, span };
    }
  }
}

function isValidSeparator(separator: string): boolean {
  return separator === '.' || separator === '_' || separator === '__' || /^-+$/.test(separator);
}

function isLowerAlphanumeric(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}

function isSeparator(code: number): boolean {
  return code === 0x2e /* . */ || code === 0x5f /* _ */ || code === 0x2d; /* - */
}

/**
 * Checks a registry host with an optional port: DNS-like labels of letters, digits and inner "-" joined
 * by ".", or an IPv6 address of hex digits and ":" in brackets (no zone, no dotted IPv4 tail).
 */
function checkDomain(text: string, start: number, end: number): GrammarFailure | null {
  const domain = quote(text.slice(start, end));
  let hostEnd: number;
  if (text[start] === '[') {
    const close = text.indexOf(']', start);
    if (close < 0 || close >= end) {
      return { message: `Registry ${domain} opens an IPv6 address with "[" but never closes it with "]".`, span: { start, end } };
    }
    if (close === start + 1) return { message: `Registry ${domain} has an empty IPv6 address.`, span: { start, end: close + 1 } };
    for (let i = start + 1; i < close; i++) {
      if (!isHexDigit(text.charCodeAt(i)) && text[i] !== ':') {
        const character = characterAt(text, i);
        return {
          message: `IPv6 address in ${domain} contains ${quote(character)}; only hex digits and ":" are allowed (no zone and no dotted IPv4 form).`,
          span: { start: i, end: i + character.length },
        };
      }
    }
    hostEnd = close + 1;
    if (hostEnd < end && text[hostEnd] !== ':') {
      const character = characterAt(text, hostEnd);
      return {
        message: `Registry ${domain} has ${quote(character)} after "]"; only ":" and a port may follow.`,
        span: { start: hostEnd, end: hostEnd + character.length },
      };
    }
  } else {
    const colon = text.indexOf(':', start);
    hostEnd = colon < 0 || colon > end ? end : colon;
    if (hostEnd === start) return { message: `Registry ${domain} has no host name before ":".`, span: { start, end: start + 1 } };
    const labelFailure = checkHostLabels(text, start, hostEnd, domain);
    if (labelFailure !== null) return labelFailure;
  }
  return hostEnd < end ? checkPort(text, start, hostEnd, end, domain) : null;
}

function checkHostLabels(text: string, start: number, end: number, domain: string): GrammarFailure | null {
  const rule = 'host names may contain only letters, digits, "-" inside a label, and "." between labels';
  let labelStart = start;
  for (let i = start; i <= end; i++) {
    const code = i < end ? text.charCodeAt(i) : 0x2e;
    if (code === 0x2e /* . */) {
      if (i === labelStart)
        return { message: `Registry host in ${domain} has an empty label; ${rule}.`, span: { start: Math.max(i - 1, start), end: i + (i < end ? 1 : 0) } };
      if (text[labelStart] === '-' || text[i - 1] === '-') {
        const at = text[labelStart] === '-' ? labelStart : i - 1;
        return { message: `Registry host in ${domain} has a label that starts or ends with "-"; ${rule}.`, span: { start: at, end: at + 1 } };
      }
      labelStart = i + 1;
    } else if (!isAsciiAlphanumeric(code) && code !== 0x2d /* - */) {
      const character = characterAt(text, i);
      return { message: `Registry host in ${domain} contains ${quote(character)}; ${rule}.`, span: { start: i, end: i + character.length } };
    }
  }
  return null;
}

function checkPort(text: string, start: number, colon: number, end: number, domain: string): GrammarFailure | null {
  if (colon + 1 === end) {
    // "https://host/repo" splits into the "domain" "https:" followed by "//"; say what the user meant.
    if (text.startsWith('//', end)) {
      return {
        message:
          `Remove the scheme ${quote(text.slice(start, end + 2))}: an image reference ` + `starts with the registry host, as in ${quote(text.slice(end + 2))}.`,
        span: { start, end: end + 2 },
      };
    }
    return { message: `Registry ${domain} has ":" but no port number after it.`, span: { start: colon, end: colon + 1 } };
  }
  for (let i = colon + 1; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) {
      const character = characterAt(text, i);
      return { message: `Registry port in ${domain} contains ${quote(character)}; a port is digits only.`, span: { start: i, end: i + character.length } };
    }
  }
  return null;
}

/** Checks `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}`, the reference grammar's digest. */
function checkDigestGrammar(text: string, span: Span): GrammarFailure | null {
  const digest = text.slice(span.start, span.end);
  const form = 'write it as algorithm:hex, for example "sha256:" followed by 64 lowercase hex characters';
  if (digest === '') return { message: `The digest after "@" is empty; ${form}.`, span: { start: span.start - 1, end: span.start } };
  const colon = digest.indexOf(':');
  const algorithmEnd = colon < 0 ? digest.length : colon;
  let componentStart = true;
  for (let i = 0; i < algorithmEnd; i++) {
    const code = digest.charCodeAt(i);
    const ok = componentStart ? isAsciiLetter(code) : isAsciiAlphanumeric(code) || isAlgorithmSeparator(code);
    if (!ok) {
      const character = characterAt(digest, i);
      const need = componentStart ? 'a letter' : 'letters, digits or one of "+", ".", "_", "-" between them';
      return {
        message: `Digest algorithm in ${quote(digest)} has ${quote(character)} where it needs ${need}; ${form}.`,
        span: { start: span.start + i, end: span.start + i + character.length },
      };
    }
    componentStart = isAlgorithmSeparator(code);
  }
  if (colon < 0) return { message: `Digest ${quote(digest)} has no ":"; ${form}.`, span };
  if (componentStart) {
    return {
      message: `Digest ${quote(digest)} needs a complete algorithm name before ":"; ${form}.`,
      span: { start: span.start, end: span.start + colon + 1 },
    };
  }
  for (let i = colon + 1; i < digest.length; i++) {
    if (!isHexDigit(digest.charCodeAt(i))) {
      const character = characterAt(digest, i);
      return {
        message: `Digest ${quote(digest)} contains ${quote(character)}; the part after ":" must be hexadecimal.`,
        span: { start: span.start + i, end: span.start + i + character.length },
      };
    }
  }
  const hexCount = digest.length - colon - 1;
  if (hexCount < MIN_DIGEST_HEX) {
    const expected = digestHexLength(digest.slice(0, colon));
    const need = expected === undefined ? `at least ${MIN_DIGEST_HEX} are required` : `${digest.slice(0, colon)} needs exactly ${expected}`;
    const hexSpan = hexCount === 0 ? span : { start: span.start + colon + 1, end: span.end };
    return { message: `Digest ${quote(digest)} has ${hexCount} hex characters; ${need}.`, span: hexSpan };
  }
  return null;
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isAsciiAlphanumeric(code: number): boolean {
  return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39);
}

function isAlgorithmSeparator(code: number): boolean {
  return code === 0x2b /* + */ || code === 0x2e /* . */ || code === 0x5f /* _ */ || code === 0x2d; /* - */
}

/**
 * Table-driven tests for parseReference beyond the shared vectors: the spans of each part, where and how
 * errors are reported, hosts and ports, the length and image-ID rules, and hostile input.
 * Expectations for inputs not in the vectors were derived from distribution/reference v0.6.0's source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Span } from '../../../server/src/core/span';
import {
  isValidTag,
  lowercasedRepository,
  parseDigest,
  parseReference,
  type ImageReference,
  type ReferenceErrorCategory,
} from '../../../server/src/core/reference/reference';

const HEX64 = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

/** The text of each written part, so expectations read like the input instead of like offsets. */
function writtenParts(ref: ImageReference): Record<string, string | null> {
  const text = (span: Span | null): string | null => (span === null ? null : ref.input.slice(span.start, span.end));
  return { domain: text(ref.parts.domain), path: text(ref.parts.path), tag: text(ref.parts.tag), digest: text(ref.parts.digest) };
}

interface ValidCase {
  readonly input: string;
  readonly domain: string;
  readonly path: string;
  readonly canonical: string;
  readonly familiar?: string;
  /** Written text of each part; null when the part is absent or (for the domain) not written. */
  readonly written: { domain: string | null; path: string; tag: string | null; digest: string | null };
}

const validCases: ValidCase[] = [
  {
    input: 'nginx',
    domain: 'docker.io',
    path: 'library/nginx',
    canonical: 'docker.io/library/nginx:latest',
    familiar: 'nginx',
    written: { domain: null, path: 'nginx', tag: null, digest: null },
  },
  {
    input: `registry.example.com:5000/team/app:v1@sha256:${HEX64}`,
    domain: 'registry.example.com:5000',
    path: 'team/app',
    canonical: `registry.example.com:5000/team/app:v1@sha256:${HEX64}`,
    written: { domain: 'registry.example.com:5000', path: 'team/app', tag: 'v1', digest: `sha256:${HEX64}` },
  },
  {
    input: 'docker.io/busybox:1',
    domain: 'docker.io',
    path: 'library/busybox',
    canonical: 'docker.io/library/busybox:1',
    familiar: 'busybox:1',
    written: { domain: 'docker.io', path: 'busybox', tag: '1', digest: null },
  },
  {
    input: 'index.docker.io/foo/bar',
    domain: 'docker.io',
    path: 'foo/bar',
    canonical: 'docker.io/foo/bar:latest',
    familiar: 'foo/bar',
    written: { domain: 'index.docker.io', path: 'foo/bar', tag: null, digest: null },
  },
  {
    input: 'library/foo/bar',
    domain: 'docker.io',
    path: 'library/foo/bar',
    canonical: 'docker.io/library/foo/bar:latest',
    familiar: 'library/foo/bar',
    written: { domain: null, path: 'library/foo/bar', tag: null, digest: null },
  },
  // localhost is a domain only when a "/" follows it.
  {
    input: 'localhost',
    domain: 'docker.io',
    path: 'library/localhost',
    canonical: 'docker.io/library/localhost:latest',
    written: { domain: null, path: 'localhost', tag: null, digest: null },
  },
  {
    input: 'localhost/app:dev',
    domain: 'localhost',
    path: 'app',
    canonical: 'localhost/app:dev',
    familiar: 'localhost/app:dev',
    written: { domain: 'localhost', path: 'app', tag: 'dev', digest: null },
  },
  {
    input: 'foo:5000/bar',
    domain: 'foo:5000',
    path: 'bar',
    canonical: 'foo:5000/bar:latest',
    written: { domain: 'foo:5000', path: 'bar', tag: null, digest: null },
  },
  {
    input: 'app:5000',
    domain: 'docker.io',
    path: 'library/app',
    canonical: 'docker.io/library/app:5000',
    written: { domain: null, path: 'app', tag: '5000', digest: null },
  },
  // Uppercase is allowed in the domain, and an uppercase first component is a domain.
  {
    input: 'EXAMPLE.COM:443/team',
    domain: 'EXAMPLE.COM:443',
    path: 'team',
    canonical: 'EXAMPLE.COM:443/team:latest',
    written: { domain: 'EXAMPLE.COM:443', path: 'team', tag: null, digest: null },
  },
  {
    input: 'LOCALHOST/x',
    domain: 'LOCALHOST',
    path: 'x',
    canonical: 'LOCALHOST/x:latest',
    written: { domain: 'LOCALHOST', path: 'x', tag: null, digest: null },
  },
  {
    input: 'DOCKER.IO/x',
    domain: 'DOCKER.IO',
    path: 'x',
    canonical: 'DOCKER.IO/x:latest',
    familiar: 'DOCKER.IO/x',
    written: { domain: 'DOCKER.IO', path: 'x', tag: null, digest: null },
  },
  // IPv6 hosts in brackets, with and without a port.
  { input: '[::1]/repo', domain: '[::1]', path: 'repo', canonical: '[::1]/repo:latest', written: { domain: '[::1]', path: 'repo', tag: null, digest: null } },
  {
    input: '[::1]:5000/a/b:t',
    domain: '[::1]:5000',
    path: 'a/b',
    canonical: '[::1]:5000/a/b:t',
    written: { domain: '[::1]:5000', path: 'a/b', tag: 't', digest: null },
  },
  {
    input: '[FE80::ABCD]:80/x',
    domain: '[FE80::ABCD]:80',
    path: 'x',
    canonical: '[FE80::ABCD]:80/x:latest',
    written: { domain: '[FE80::ABCD]:80', path: 'x', tag: null, digest: null },
  },
  // A first component with "." that is no host but is a valid path component is read as the path, with no domain.
  {
    input: 'a_b.io/foo',
    domain: '',
    path: 'a_b.io/foo',
    canonical: 'a_b.io/foo:latest',
    familiar: 'a_b.io/foo',
    written: { domain: null, path: 'a_b.io/foo', tag: null, digest: null },
  },
  // 64 hex characters are refused only on their own.
  {
    input: `${HEX64}:tag`,
    domain: 'docker.io',
    path: `library/${HEX64}`,
    canonical: `docker.io/library/${HEX64}:tag`,
    written: { domain: null, path: HEX64, tag: 'tag', digest: null },
  },
  // The 255 limit counts the added "library/": 247 characters plus "library/" is exactly 255.
  {
    input: 'a'.repeat(247),
    domain: 'docker.io',
    path: `library/${'a'.repeat(247)}`,
    canonical: `docker.io/library/${'a'.repeat(247)}:latest`,
    written: { domain: null, path: 'a'.repeat(247), tag: null, digest: null },
  },
  {
    input: `example.com/${'b'.repeat(255)}`,
    domain: 'example.com',
    path: 'b'.repeat(255),
    canonical: `example.com/${'b'.repeat(255)}:latest`,
    written: { domain: 'example.com', path: 'b'.repeat(255), tag: null, digest: null },
  },
  {
    input: `nginx:${'_'.repeat(128)}`,
    domain: 'docker.io',
    path: 'library/nginx',
    canonical: `docker.io/library/nginx:${'_'.repeat(128)}`,
    written: { domain: null, path: 'nginx', tag: '_'.repeat(128), digest: null },
  },
];

for (const c of validCases) {
  test(`parses ${JSON.stringify(c.input.slice(0, 80))}`, () => {
    const result = parseReference(c.input);
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.equal(result.value.domain, c.domain);
    assert.equal(result.value.path, c.path);
    assert.equal(result.value.canonical, c.canonical);
    if (c.familiar !== undefined) assert.equal(result.value.familiar, c.familiar);
    assert.deepEqual(writtenParts(result.value), c.written);
  });
}

interface InvalidCase {
  readonly input: string;
  readonly category: ReferenceErrorCategory;
  /** The text the error span covers. */
  readonly at: string;
  /** Where that text starts, when it occurs more than once. */
  readonly start?: number;
  /** The exact message, or fragments it must contain. */
  readonly message: string | readonly string[];
}

const invalidCases: InvalidCase[] = [
  {
    input: 'nginx:v1!',
    category: 'invalid reference format',
    at: '!',
    message: 'Tag "v1!" contains "!"; a tag may contain only letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-").',
  },
  { input: 'Nginx', category: 'repository name must be lowercase', at: 'Nginx', message: 'Repository name must be lowercase: "Nginx" has uppercase letters.' },
  { input: 'nginx@sha256:abc', category: 'invalid reference format', at: 'abc', message: 'Digest "sha256:abc" has 3 hex characters; sha256 needs exactly 64.' },
  { input: '', category: 'invalid reference format', at: '', start: 0, message: 'The image reference is empty.' },
  { input: 'team/App:1', category: 'repository name must be lowercase', at: 'App', message: ['"App"', 'lowercase'] },
  { input: `nginx@Sha256:${HEX64}`, category: 'repository name must be lowercase', at: 'Sha256', message: ['Digest algorithm "Sha256"', '"sha256"'] },
  // With a tag in front, the uppercase algorithm is past the first ":", so go-digest rejects it instead.
  { input: `nginx:1@Sha256:${HEX64}`, category: 'invalid checksum digest format', at: `Sha256:${HEX64}`, message: ['Sha256'] },
  { input: `nginx@sha256:${HEX64.toUpperCase()}`, category: 'invalid checksum digest format', at: 'D', message: ['"D"', 'lowercase'] },
  { input: `nginx@sha512:${HEX64}`, category: 'invalid checksum digest length', at: HEX64, message: ['64 hex characters', 'sha512 needs exactly 128'] },
  { input: `nginx@md5:${HEX64}`, category: 'unsupported digest algorithm', at: 'md5', message: ['"md5"', 'sha256'] },
  { input: 'nginx@sha256', category: 'invalid reference format', at: 'sha256', message: ['no ":"'] },
  { input: 'nginx@', category: 'invalid reference format', at: '@', message: ['empty'] },
  { input: 'nginx:', category: 'invalid reference format', at: ':', message: ['tag', 'empty'] },
  { input: 'nginx:.x', category: 'invalid reference format', at: '.', message: ['starts with "."'] },
  { input: `nginx:${'t'.repeat(130)}`, category: 'invalid reference format', at: 'tt', message: ['130 characters', 'at most 128'] },
  { input: 'nginx:tag\u00e9', category: 'invalid reference format', at: '\u00e9', message: ['"\u00e9"'] },
  { input: 'nginx:\u{1F600}', category: 'invalid reference format', at: '\u{1F600}', message: ['"\u{1F600}"'] },
  { input: 'foo//bar', category: 'invalid reference format', at: '/', start: 4, message: ['empty component'] },
  { input: 'foo/', category: 'invalid reference format', at: '/', message: ['end with "/"'] },
  { input: '/foo', category: 'invalid reference format', at: '/', message: ['start with "/"'] },
  { input: 'foo.com/', category: 'invalid reference format', at: '/', message: ['no repository name'] },
  { input: 'a..b/c', category: 'invalid reference format', at: '..', message: ['empty label'] },
  { input: 'a.b/c..d', category: 'invalid reference format', at: '..', message: ['"c..d"', 'separator ".."'] },
  { input: 'a___b', category: 'invalid reference format', at: '___', message: ['separator "___"'] },
  { input: 'a._b', category: 'invalid reference format', at: '._', message: ['separator "._"'] },
  { input: '-a.com/x', category: 'invalid reference format', at: '-', message: ['"-"'] },
  { input: 'foo.com:http/x', category: 'invalid reference format', at: 'h', message: ['port', 'digits'] },
  { input: 'foo.com:/x', category: 'invalid reference format', at: ':', message: ['no port'] },
  { input: 'https://gcr.io/x', category: 'invalid reference format', at: 'https://', message: ['scheme "https://"', '"gcr.io/x"'] },
  { input: '[::1/x', category: 'invalid reference format', at: '[::1', message: ['"]"'] },
  { input: '[]:5000/x', category: 'invalid reference format', at: '[]', message: ['empty IPv6'] },
  { input: '[::1]x/y', category: 'invalid reference format', at: 'x', message: ['after "]"'] },
  { input: '[::g]/x', category: 'invalid reference format', at: 'g', message: ['"g"'] },
  { input: '[::1]:/x', category: 'invalid reference format', at: ':', start: 5, message: ['no port'] },
  { input: ' nginx', category: 'invalid reference format', at: ' ', message: ['" "'] },
  { input: 'nginx\n', category: 'invalid reference format', at: '\n', message: ['"\\n"'] },
  { input: HEX64, category: 'cannot specify 64-byte hexadecimal strings', at: HEX64, message: ['image ID'] },
  {
    input: 'a'.repeat(248),
    category: 'repository name must not be more than 255 characters',
    at: 'a'.repeat(248),
    message: ['256 characters', 'library/', 'at most 255'],
  },
  {
    input: `example.com/${'b'.repeat(256)}:t`,
    category: 'repository name must not be more than 255 characters',
    at: 'b'.repeat(256),
    message: ['256 characters'],
  },
  // Lowercasing makes these parse, so upstream's Parse reports the lowercase error rather than the format error.
  { input: 'A_b.c/foo', category: 'repository name must be lowercase', at: 'A_b.c', message: ['"A_b.c"'] },
  { input: 'nginx:\u212a', category: 'repository name must be lowercase', at: '\u212a', message: ['"\u212a"'] },
  { input: 'nginx:\u0130', category: 'repository name must be lowercase', at: '\u0130', message: ['"\u0130"'] },
];

for (const c of invalidCases) {
  test(`rejects ${JSON.stringify(c.input.slice(0, 80))}`, () => {
    const result = parseReference(c.input);
    assert.equal(result.ok, false, 'expected a parse error');
    if (result.ok) return;
    const { category, message, span } = result.error;
    assert.equal(category, c.category, message);
    assert.equal(c.input.slice(span.start, span.end), c.at, `span ${span.start}-${span.end} of: ${message}`);
    if (c.start !== undefined) assert.equal(span.start, c.start);
    if (typeof c.message === 'string') assert.equal(message, c.message);
    else for (const fragment of c.message) assert.ok(message.includes(fragment), `${JSON.stringify(fragment)} not in: ${message}`);
  });
}

test('isValidTag follows [\\w][\\w.-]{0,127}', () => {
  for (const tag of ['latest', 'v1.2.3', '_x', 'A-b_c.d', '1'.repeat(128)]) assert.equal(isValidTag(tag), true, tag);
  for (const tag of ['', '.x', '-x', 'a:b', 'a/b', 'a b', '\u00e9', '1'.repeat(129)]) assert.equal(isValidTag(tag), false, tag);
});

test('parseDigest applies go-digest rules', () => {
  assert.deepEqual(parseDigest(`sha256:${HEX64}`), { ok: true });
  assert.deepEqual(parseDigest(`sha384:${'a'.repeat(96)}`), { ok: true });
  assert.deepEqual(parseDigest(`sha512:${'a'.repeat(128)}`), { ok: true });
  const cases: Array<[string, ReferenceErrorCategory]> = [
    ['sha256:abc', 'invalid checksum digest length'],
    [`sha256:${HEX64.toUpperCase()}`, 'invalid checksum digest format'],
    [`sha256:${'g'.repeat(64)}`, 'invalid checksum digest format'],
    ['md5:d41d8cd98f00b204e9800998ecf8427e', 'unsupported digest algorithm'],
    ['constructor:abc', 'unsupported digest algorithm'],
    [`SHA256:${HEX64}`, 'invalid checksum digest format'],
    ['sha256:', 'invalid checksum digest format'],
    [':abc', 'invalid checksum digest format'],
    ['sha256', 'invalid checksum digest format'],
    ['', 'invalid checksum digest format'],
  ];
  for (const [digest, category] of cases) {
    const result = parseDigest(digest);
    assert.equal(result.ok, false, digest);
    if (!result.ok) {
      assert.equal(result.category, category, digest);
      assert.ok(result.message.length > 0);
    }
  }
  const short = parseDigest('sha256:abc');
  assert.ok(!short.ok && short.message === 'Digest "sha256:abc" has 3 hex characters; sha256 needs exactly 64.');
});

/** A small deterministic generator, so a failing hostile input can be reproduced. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

function assertWellFormed(input: string): void {
  let result;
  try {
    result = parseReference(input);
  } catch (error) {
    assert.fail(`parseReference threw on ${JSON.stringify(input.slice(0, 80))}: ${String(error)}`);
  }
  if (result.ok) return;
  const { span, message } = result.error;
  assert.ok(span.start >= 0 && span.start <= span.end && span.end <= input.length, `span ${span.start}-${span.end} outside ${input.length}`);
  assert.ok(message.length > 0 && message.length < 600, `message length ${message.length}`);
  assert.ok(!message.includes('\n'), 'message must be one line');
}

test('never throws on random input', () => {
  const random = randomGenerator(42);
  const alphabet = 'aZ09._-/:@[]%+ \t\n\u0000\u00e9\u0130\u212a\ud800\udc00\u{1F600}';
  for (let n = 0; n < 5000; n++) {
    const length = Math.floor(random() * 40);
    let input = '';
    for (let i = 0; i < length; i++) {
      input += random() < 0.8 ? alphabet[Math.floor(random() * alphabet.length)] : String.fromCharCode(Math.floor(random() * 0x10000));
    }
    assertWellFormed(input);
  }
});

test('is fast on 1 MB inputs', () => {
  const size = 1 << 20;
  const inputs = [
    'a'.repeat(size),
    '/'.repeat(size),
    ':'.repeat(size),
    '@'.repeat(size),
    'A'.repeat(size),
    'a-'.repeat(size / 2),
    'a/'.repeat(size / 2) + 'a',
    'a.'.repeat(size / 2) + 'b/c',
    `[${':'.repeat(size)}]:5000/x`,
    `nginx:${'t'.repeat(size)}`,
    `nginx@sha256:${'f'.repeat(size)}`,
    `nginx@${'a+'.repeat(size / 2)}:${'f'.repeat(64)}`,
    '\u0130'.repeat(size),
    '\ud800'.repeat(size),
  ];
  // CPU time of this process, not wall time: other processes on a busy machine must not fail the test.
  const started = process.cpuUsage();
  for (const input of inputs) assertWellFormed(input);
  const { user, system } = process.cpuUsage(started);
  const elapsed = Math.round((user + system) / 1000);
  assert.ok(elapsed < 3000, `took ${elapsed} ms of CPU for ${inputs.length} inputs of 1 MB`);
});

/**
 * A direct port of upstream's regexps and ParseNormalizedNamed, used only as an oracle: on short random
 * inputs the scanner must agree with it on validity, error category and every parsed field.
 * It stays in the test because V8 cannot run these regexps on long inputs without overflowing its stack.
 */
function upstreamOracle(input: string): { error: string } | { domain: string; path: string; tag: string | null; digest: string | null } {
  const pathComponent = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
  const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
  const domainAndPort = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
  const remoteName = `${pathComponent}(?:/${pathComponent})*`;
  const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
  const reference = new RegExp(`^((?:${domainAndPort}/)?${remoteName})(?::([\\w][\\w.-]{0,127}))?(?:@(${digest}))?$`);
  const anchoredName = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
  const lower = (text: string): string => text.replace(/\u0130/g, 'i').toLowerCase();

  if (/^[a-f0-9]{64}$/.test(input)) return { error: 'cannot specify 64-byte hexadecimal strings' };
  const slash = input.indexOf('/');
  let domain = 'docker.io';
  let remainder = input;
  if (slash < 0) remainder = `library/${input}`;
  else {
    const maybeDomain = input.slice(0, slash);
    if (maybeDomain === 'index.docker.io') remainder = input.slice(slash + 1);
    else if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || lower(maybeDomain) !== maybeDomain) {
      domain = maybeDomain;
      remainder = input.slice(slash + 1);
    }
    if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  }
  const colon = remainder.indexOf(':');
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (lower(remote) !== remote) return { error: 'repository name must be lowercase' };

  const text = `${domain}/${remainder}`;
  const match = reference.exec(text);
  if (match === null) {
    const lowered = lower(text);
    return { error: lowered !== text && reference.test(lowered) ? 'repository name must be lowercase' : 'invalid reference format' };
  }
  const name = anchoredName.exec(match[1]);
  const path = name === null ? match[1] : name[2];
  if (path.length > 255) return { error: 'repository name must not be more than 255 characters' };
  const digestProblem = match[3] === undefined ? null : parseDigest(match[3]);
  if (digestProblem !== null && !digestProblem.ok) return { error: digestProblem.category };
  return { domain: name?.[1] ?? '', path, tag: match[2] ?? null, digest: match[3] ?? null };
}

test('agrees with upstream regexps on random short inputs', () => {
  const tokens = [
    'a',
    'z',
    '0',
    'f',
    'A',
    'F',
    '.',
    '_',
    '__',
    '-',
    '/',
    '//',
    ':',
    '@',
    '[',
    ']',
    '::1',
    '5000',
    'localhost',
    'docker.io',
    'index.docker.io',
    'library',
    'sha256:',
    'sha512:',
    'md5:',
    'Sha256:',
    'SHA256:',
    HEX64,
    HEX64.slice(0, 32),
    HEX64.toUpperCase(),
    ' ',
    '\u0130',
    '\u212a',
    '\u00e9',
    '%',
    '+',
    'x_y.io',
    'A_b.c',
  ];
  const random = randomGenerator(7);
  for (let n = 0; n < 20000; n++) {
    let input = '';
    const count = 1 + Math.floor(random() * 7);
    for (let i = 0; i < count; i++) input += tokens[Math.floor(random() * tokens.length)];
    const expected = upstreamOracle(input);
    const result = parseReference(input);
    const actual = result.ok
      ? { domain: result.value.domain, path: result.value.path, tag: result.value.tag, digest: result.value.digest }
      : { error: result.error.category };
    assert.deepEqual(actual, expected, JSON.stringify(input));
  }
});

test('lowercasedRepository: the path lowercased, domain, tag and digest as written; null when that does not make it parse', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const cases: Array<[string, string | null]> = [
    ['Nginx:1.0', 'nginx:1.0'],
    ['team/Web:Release-1', 'team/web:Release-1'],
    ['Team/Web:1', 'Team/web:1'],
    [`ghcr.io/Acme/Web@${digest}`, `ghcr.io/acme/web@${digest}`],
    ['localhost:5000/App', 'localhost:5000/app'],
    ['nginx:1.0', null],
    ['Nginx:1.0:2', null],
    ['Nginx@SHA256:abc', null],
    ['', null],
  ];
  for (const [input, expected] of cases) {
    assert.equal(lowercasedRepository(input), expected, input);
    if (expected !== null) assert.ok(parseReference(expected).ok, expected);
  }
});

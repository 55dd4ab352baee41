/**
 * A registry on 127.0.0.1 that answers every repository with random, mostly hostile answers, drawn
 * once per repository from a seeded Random so the same seed gives the same answers whatever order
 * the requests come in: `Docker-Content-Digest` headers that are valid digests, digests with YAML
 * after them (`, command: [sh, -c, x]`, ` # x`, quotes, brackets), wrong lengths, uppercase hex,
 * other algorithms, unicode; manifest bodies that are indexes with such child digests, image
 * manifests, garbage JSON or no JSON at all; and tag lists with hostile tags.
 * Each repository records every valid OCI digest it could legitimately be pinned to (`emitted`).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startMisbehavingServer } from '../helpers/registry';
import type { MisbehavingServer } from '../helpers/registry';
import type { Random } from '../helpers/random';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const MEDIA_TYPES = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, 'application/json', 'text/plain', 'application/vnd.oci.image.index.v1+json; charset=utf-8'];

/** The OCI image spec's registered digests: the only ones a pin may write. */
export const OCI_DIGEST = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

/** What HTTP lets a header value hold (Node refuses the rest before sending). */
const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]*$/;

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface RepositoryScript {
  readonly head: Answer;
  readonly get: Answer;
  readonly tags: Answer;
  /** Every valid OCI digest an answer of this repository names or hashes to. */
  readonly emitted: ReadonlySet<string>;
}

/** A digest as a hostile registry might write one: valid about a third of the time. */
export function randomDigest(random: Random, inHeader: boolean): string {
  const sha256 = `sha256:${random.hex(64)}`;
  const forms: Array<() => string> = [
    () => sha256,
    () => sha256,
    () => sha256,
    () => `sha512:${random.hex(128)}`,
    () => `${sha256}, command: [sh, -c, x]`,
    () => `${sha256} # x`,
    () => `${sha256}#x`,
    () => `${sha256}"`,
    () => `${sha256}'`,
    () => `${sha256}}`,
    () => `${sha256}]`,
    () => `${sha256},x`,
    () => `${sha256}:x`,
    () => `${sha256}@${sha256}`,
    () => `${sha256} `,
    () => `sha256:${random.hex(63)}`,
    () => `sha256:${random.hex(65)}`,
    () => sha256.toUpperCase(),
    () => `sha256:${random.hex(64).toUpperCase()}`,
    () => `sha384:${random.hex(96)}`,
    () => `md5:${random.hex(32)}`,
    () => 'sha256:',
    () => '',
    () => `sha256:${random.hex(62)}é`,
    () => `${sha256}\u00a0`,
    () => `${sha256}\n    command: [sh, -c, x]`,
    () => `${sha256}\r\n- x`,
    () => `${sha256}\u2028x`,
    () => `sha256:${random.hex(63)}\u0661`,
    () => `${sha256}\t# x`,
  ];
  for (;;) {
    const digest = random.pick(forms)();
    if (!inHeader || HEADER_SAFE.test(digest)) return digest;
  }
}

function randomTag(random: Random): string {
  return random.pick([
    () => `1.${random.int(30)}`,
    () => 'latest',
    () => `v${random.int(9)}.${random.int(9)}.${random.int(9)}`,
    () => `1.0\n  command: [sh, -c, x]`,
    () => `1.0, command: [sh]`,
    () => '1.0 # x',
    () => '-bad',
    () => '.bad',
    () => 'x'.repeat(129),
    () => 'ünïcode',
    () => '',
    () => '1.0"',
  ])();
}

function sha(algorithm: 'sha256' | 'sha512', body: Buffer): string {
  return `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
}

function randomBody(random: Random): Buffer {
  const descriptor = (): Record<string, unknown> => ({
    mediaType: OCI_MANIFEST,
    digest: randomDigest(random, false),
    size: random.int(2000),
    platform: random.chance(0.9)
      ? { os: 'linux', architecture: random.pick(['amd64', 'arm64', 'arm']), ...(random.chance(0.3) ? { variant: 'v8' } : {}) }
      : 'linux/arm64',
  });
  const kinds: Array<() => unknown> = [
    () => ({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: Array.from({ length: 1 + random.int(3) }, descriptor) }),
    () => ({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: Array.from({ length: 1 + random.int(3) }, descriptor) }),
    () => ({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: randomDigest(random, false), size: 2 },
      layers: [],
    }),
    () => ({ manifests: [null, 1, 'x', { digest: 5 }, { digest: randomDigest(random, false), platform: { os: 'linux', architecture: 'arm64' } }] }),
    () => ({ manifests: 'sha256:' }),
    () => ({ schemaVersion: 1 }),
    () => [],
    () => null,
  ];
  if (random.chance(0.1)) return Buffer.from(random.pick(['not json', '{"manifests": [', '\u0000\u00ff', '']), 'utf8');
  return Buffer.from(JSON.stringify(random.pick(kinds)()), 'utf8');
}

function headers(random: Random, digest: string | null): Record<string, string> {
  return {
    'Content-Type': random.pick(MEDIA_TYPES),
    ...(digest === null ? {} : { 'Docker-Content-Digest': digest }),
  };
}

/**
 * Every valid OCI digest a client can read from the answer: a header value as HTTP delivers it
 * (without spaces and tabs around it), or a whole JSON string of the body.
 */
function digestsIn(headerValues: readonly string[], body: Buffer): string[] {
  const found = headerValues.map((value) => value.replace(/^[ \t]+|[ \t]+$/g, '')).filter((value) => OCI_DIGEST.test(value));
  for (const match of body.toString('utf8').matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    try {
      const value: unknown = JSON.parse(`"${match[1]}"`);
      if (typeof value === 'string' && OCI_DIGEST.test(value)) found.push(value);
    } catch {
      // Not a JSON string: nothing a client could read as a digest.
    }
  }
  return found;
}

/** One repository's answers. */
export function scriptRepository(random: Random): RepositoryScript {
  const body = randomBody(random);
  const getDigest = random.pick([() => null, () => sha('sha256', body), () => sha('sha512', body), () => randomDigest(random, true)])();
  const headDigest = random.chance(0.85) ? randomDigest(random, true) : null;
  const headStatus = random.pick([200, 200, 200, 200, 200, 200, 404, 405, 500, 401]);
  const getStatus = random.pick([200, 200, 200, 200, 404, 500]);
  const tags = Array.from({ length: random.int(6) }, () => randomTag(random));
  return {
    head: { status: headStatus, headers: headers(random, headDigest), body: Buffer.alloc(0) },
    get: { status: getStatus, headers: headers(random, getDigest), body },
    tags: { status: 200, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify({ name: 'x', tags }), 'utf8') },
    emitted: new Set([...digestsIn([headDigest ?? '', getDigest ?? ''], body), sha('sha256', body), sha('sha512', body)]),
  };
}

export interface HostileRegistry {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  /** The answers per repository path; a repository not listed answers 404. */
  readonly scripts: Map<string, RepositoryScript>;
  stop(): Promise<void>;
}

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

export async function startHostileRegistry(): Promise<HostileRegistry> {
  const server: MisbehavingServer = await startMisbehavingServer();
  const scripts = new Map<string, RepositoryScript>();
  server.on('/v2/', (_request, response) => send(response, { status: 200, headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{}') }));
  server.on(/^\/v2\/.+\/(manifests\/[^/]+|tags\/list)$/, (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const match = /^\/v2\/(.+)\/(manifests\/[^/]+|tags\/list)$/.exec(path)!;
    const script = scripts.get(match[1]);
    if (!script) return send(response, { status: 404, headers: {}, body: Buffer.alloc(0) });
    if (match[2] === 'tags/list') return send(response, script.tags);
    return send(response, request.method === 'HEAD' ? script.head : script.get);
  });
  return { host: server.host, scripts, stop: () => server.stop() };
}

/**
 * `image-aware inspect REF`: what the registry has under a reference, as one JSON object:
 *   {"reference","digest","mediaType","index","platforms":[{"os","architecture","variant","digest","size"}],
 *    "size","created","labels","referrers":[{"digest","artifactType","kind","subject","annotations"}],"signed"}
 * `size` is the sum of the compressed layer sizes (what a pull downloads), for each platform too.
 * For an index, `size` and `created` are null and `labels` empty: an index has no layers and no
 * config; `--platform os/arch[/variant]` inspects that platform's image instead, and `index` is then
 * the digest of the index it was chosen from (null otherwise).
 * `referrers` lists what is attached to the digest and to each platform's image (or, with --platform, to
 * that image and its index), each with the digest it refers to as `subject`; `signed` says whether a signature
 * (any format, not verified) refers to `digest` itself. Both are null when the referrers could not be listed
 * (the reason goes to stderr). Signatures kept in another repository are found through COSIGN_REPOSITORY.
 * The JSON keys are an API boundary.
 */
import { digestKey, isSigned, signatureRepositoryFor } from '../../core';
import type { AttachmentKind, RegistryFacts } from '../../core';
import { collectReferrers, MAX_PLATFORMS_ASKED } from '../../engine';
import type { ManifestInfo, ManifestRef, PlatformInfo, RegistryClient } from '../../registry';
import { CliError, parseCommandLine } from '../args';
import { formatPlatform, parsePlatformArgument, selectPlatform } from '../platform';
import { openClient, referenceArgument, REGISTRY_FLAGS, REGISTRY_USAGE, registrySetup } from '../registry';
import type { RegistryIo } from '../registry';

export const INSPECT_USAGE = `Usage: image-aware inspect [options] REF

Asks the registry about the image REF (nginx:1.27, ghcr.io/org/app@sha256:…) and prints one JSON object:
  {"reference","digest","mediaType","index","platforms":[{"os","architecture","variant","digest","size"}],
   "size","created","labels","referrers":[{"digest","artifactType","kind","subject","annotations"}],"signed"}
size is the total of the compressed layers in bytes; for a multi-platform index each platform has its own,
and the index itself has none (size and created are null).
referrers are the artifacts attached to the image and its platforms (OCI referrers, cosign tags, BuildKit
attestations), kind one of signature, sbom, provenance, attestation, vulnerability-report, other; signed is
true when a signature (not verified) refers to digest. Both are null when the registry could not list them.
Signatures kept in another repository are looked up there too when COSIGN_REPOSITORY names it.

Options:
  --platform OS/ARCH[/VARIANT]   For a multi-platform index, inspect that platform's image; "index" is then the
                                 digest of the index.
  -h, --help                     Show this help.

${REGISTRY_USAGE}
Exit status: 0 when the image was inspected, 2 when the registry could not answer, the image has no such
platform, or the arguments are wrong.
`;

export interface InspectIo extends RegistryIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

interface ReferrerJson {
  readonly digest: string;
  readonly artifactType: string | null;
  readonly kind: AttachmentKind;
  readonly subject: string;
  readonly annotations: Readonly<Record<string, string>>;
}

interface PlatformJson {
  readonly os: string;
  readonly architecture: string;
  readonly variant: string | null;
  readonly digest: string;
  readonly size: number | null;
}

interface InspectJson {
  readonly reference: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly index: string | null;
  readonly platforms: readonly PlatformJson[];
  readonly size: number | null;
  readonly created: string | null;
  readonly labels: Readonly<Record<string, string>>;
}

interface InspectedJson extends InspectJson {
  readonly referrers: readonly ReferrerJson[] | null;
  readonly signed: boolean | null;
}

/** The pull rate limit the registry announced in its last answer (RateLimit-Limit, RateLimit-Remaining); null when none. */
interface RateLimitJson {
  readonly limit: number;
  readonly remaining: number;
  readonly windowSeconds: number | null;
}

function rateLimitJson(client: RegistryClient, registry: string): RateLimitJson | null {
  const state = client.rateLimit(registry);
  return state === undefined ? null : { limit: state.limit, remaining: state.remaining, windowSeconds: state.windowSeconds ?? null };
}

function platformJson(platform: PlatformInfo): PlatformJson {
  return { os: platform.os, architecture: platform.architecture, variant: platform.variant ?? null, digest: platform.digest, size: platform.totalSize ?? null };
}

/** A single-platform image: its own platform (from its config) is its one entry. */
function imageJson(reference: string, info: ManifestInfo, index: string | null): InspectJson {
  const platforms: PlatformJson[] =
    info.os !== undefined && info.architecture !== undefined
      ? [{ os: info.os, architecture: info.architecture, variant: info.variant ?? null, digest: info.digest, size: info.totalSize ?? null }]
      : [];
  return {
    reference,
    digest: info.digest,
    mediaType: info.mediaType,
    index,
    platforms,
    size: info.totalSize ?? null,
    created: info.created ?? null,
    labels: info.labels ?? {},
  };
}

function indexJson(reference: string, info: ManifestInfo): InspectJson {
  return {
    reference,
    digest: info.digest,
    mediaType: info.mediaType,
    index: null,
    platforms: (info.platforms ?? []).map(platformJson),
    size: null,
    created: null,
    labels: {},
  };
}

/** The digests whose referrers are listed: the inspected one, its platforms' images, and the index it was chosen from. */
function subjectsOf(result: InspectJson): string[] {
  const platforms = result.index === null ? result.platforms.slice(0, MAX_PLATFORMS_ASKED).map((platform) => platform.digest) : [result.index];
  return [...new Set([result.digest, ...platforms])];
}

/** Adds what is attached to the inspected image; null (with the reason on stderr) when that could not be listed. */
async function withReferrers(client: RegistryClient, ref: ManifestRef, result: InspectJson, io: InspectIo): Promise<InspectedJson> {
  const repository = { domain: ref.registry, path: ref.path };
  const queries = subjectsOf(result).map((digest) => ({ key: digestKey(repository, digest), registry: ref.registry, path: ref.path, digest }));
  const signatureRepository = (registry: string, path: string): { registry: string; path: string } | null => {
    const found = signatureRepositoryFor(`${registry}/${path}`, {}, io.env.COSIGN_REPOSITORY);
    return found === null ? null : { registry: found.domain, path: found.path };
  };
  const facts: RegistryFacts = await collectReferrers(queries, client, { signatureRepository });
  const own = facts.referrers.get(queries[0].key);
  if (own?.status !== 'found') {
    io.stderr(`image-aware: the referrers of ${result.reference} could not be listed: ${own?.reason ?? 'the lookup was cancelled.'}\n`);
    return { ...result, referrers: null, signed: null };
  }
  const referrers: ReferrerJson[] = [];
  for (const query of queries) {
    const answer = facts.referrers.get(query.key);
    if (answer?.status !== 'found') continue;
    for (const referrer of answer.referrers) {
      referrers.push({
        digest: referrer.digest,
        artifactType: referrer.artifactType,
        kind: referrer.kind,
        subject: referrer.subject,
        annotations: referrer.annotations,
      });
    }
  }
  return { ...result, referrers, signed: isSigned(own) };
}

async function inspectPlatform(client: RegistryClient, ref: ManifestRef, reference: string, wanted: string): Promise<InspectJson> {
  const top = await client.getManifest(ref, { detail: 'manifest' });
  if (top.isIndex !== true) {
    const own = top.os !== undefined && top.architecture !== undefined ? { os: top.os, architecture: top.architecture, variant: top.variant } : null;
    if (own === null || selectPlatform([own], wanted) === null) {
      throw new CliError(`${reference} is a single-platform image (${own === null ? 'of no platform' : formatPlatform(own)}), not ${wanted}.`);
    }
    return imageJson(reference, top, null);
  }
  const platforms = top.platforms ?? [];
  const chosen = selectPlatform(platforms, wanted);
  if (chosen === null) {
    const offered = platforms.map(formatPlatform).join(', ') || 'none';
    throw new CliError(`${reference} has no ${wanted} image; its platforms are ${offered}.`);
  }
  const child = await client.getManifest({ ...ref, reference: chosen.digest }, { detail: 'manifest' });
  return imageJson(reference, child, top.digest);
}

export async function inspect(argv: string[], io: InspectIo): Promise<void> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: { ...REGISTRY_FLAGS, platform: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(INSPECT_USAGE);
    return;
  }
  if (positionals.length !== 1) throw new CliError('inspect needs exactly one image reference, for example "image-aware inspect nginx:1.27".');
  const wanted = values.platform === undefined ? undefined : formatPlatform(parsePlatformArgument(values.platform, '--platform'));
  const parsed = referenceArgument(positionals[0], 'The image');
  const ref: ManifestRef = { registry: parsed.domain, path: parsed.path, reference: parsed.digest ?? parsed.tag ?? 'latest' };
  const client = openClient(registrySetup(values, io.cwd, io), io);
  try {
    let result: InspectJson;
    if (wanted !== undefined) result = await inspectPlatform(client, ref, parsed.canonical, wanted);
    else {
      const info = await client.getManifest(ref, { detail: 'platforms' });
      result = info.isIndex === true ? indexJson(parsed.canonical, info) : imageJson(parsed.canonical, info, null);
    }
    const inspected = await withReferrers(client, ref, result, io);
    io.stdout(`${JSON.stringify({ ...inspected, rateLimit: rateLimitJson(client, ref.registry) }, null, 2)}\n`);
  } finally {
    client.close();
  }
}

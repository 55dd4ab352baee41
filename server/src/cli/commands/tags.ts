/**
 * `image-aware tags REPO`: the repository's tags in the order the editor offers them (core/tags.ts
 * `orderTags`: SemVer tags newest first, then the other tags, moving tags such as `latest` last),
 * one per line, or as JSON. Every page of the tag list is read.
 */
import { orderTags } from '../../core';
import { CliError, oneOf, parseCommandLine } from '../args';
import { openClient, referenceArgument, REGISTRY_FLAGS, REGISTRY_USAGE, registrySetup } from '../registry';
import type { RegistryIo } from '../registry';

const FORMATS = ['text', 'json'] as const;

export const TAGS_USAGE = `Usage: image-aware tags [options] REPO

Lists the tags of the repository REPO (nginx, ghcr.io/org/app, registry:5000/team/app): versions newest
first by Semantic Versioning, then other tags, then moving tags (latest, main, stable, edge, nightly, dev).

Options:
  --format ${FORMATS.join('|')}          text: one tag per line (default); json: {"repository","tags":[…],"stale"}.
  -h, --help                 Show this help.

${REGISTRY_USAGE}
Exit status: 0 when the tags were listed, 2 when the registry could not answer or the arguments are wrong.
`;

export interface TagsIo extends RegistryIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export async function tags(argv: string[], io: TagsIo): Promise<void> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: { ...REGISTRY_FLAGS, format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(TAGS_USAGE);
    return;
  }
  const format = oneOf('--format', values.format, FORMATS);
  if (positionals.length !== 1) throw new CliError('tags needs exactly one repository, for example "image-aware tags nginx".');
  const ref = referenceArgument(positionals[0], 'The repository');
  if (ref.tag !== null || ref.digest !== null) {
    throw new CliError(`tags takes a repository without a tag or digest (got "${positionals[0]}"; try "${positionals[0].slice(0, ref.parts.path.end)}").`);
  }
  const client = openClient(registrySetup(values, io.cwd, io), io);
  try {
    const list = await client.listTags({ registry: ref.domain, path: ref.path });
    const ordered = orderTags(list.tags).map((t) => t.tag);
    if (list.stale) io.stderr(`image-aware: ${ref.domain} could not be reached; these tags are from the cache and may be out of date.\n`);
    if (format === 'json') io.stdout(`${JSON.stringify({ repository: `${ref.domain}/${ref.path}`, tags: ordered, stale: list.stale })}\n`);
    else io.stdout(ordered.map((tag) => `${tag}\n`).join(''));
  } finally {
    client.close();
  }
}

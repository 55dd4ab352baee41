/**
 * `image-aware ref REF...`: parses image references exactly as the analysis does and prints one JSON
 * line per reference, so scripts (and the shared-vector tests) can see what the core makes of them.
 * The JSON keys are an API boundary.
 */
import { parseReference, defaultPullPolicy } from '../../core';
import { CliError, parseCommandLine } from '../args';

export const REF_USAGE = `Usage: image-aware ref [--] REF...

Parses each image reference the way Kubernetes does (distribution/reference) and prints one JSON line per reference:
  {"input","valid":true,"domain","path","tag","digest","familiar","normalized","defaultPullPolicy"}
  {"input","valid":false,"error","message","start","end"}   when it does not parse
"normalized" is the fully qualified reference; "defaultPullPolicy" is the imagePullPolicy Kubernetes fills in
when a manifest sets none; "error" is the upstream error category and start/end are the UTF-16 span at fault.
Put "--" before a reference that starts with "-".

Exit status: 0 when every reference is valid, 2 when one is not or the arguments are wrong.
`;

function describe(input: string) {
  const parsed = parseReference(input);
  if (!parsed.ok) {
    const { category, message, span } = parsed.error;
    return { input, valid: false, error: category, message, start: span.start, end: span.end };
  }
  const { domain, path, tag, digest, familiar, canonical } = parsed.value;
  return { input, valid: true, domain, path, tag, digest, familiar, normalized: canonical, defaultPullPolicy: defaultPullPolicy(input).policy };
}

/** Prints the JSON lines through `write`; returns whether every reference is valid. */
export function ref(argv: string[], write: (text: string) => void): boolean {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    write(REF_USAGE);
    return true;
  }
  if (positionals.length === 0) throw new CliError('ref needs at least one image reference.');
  const lines = positionals.map(describe);
  write(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return lines.every((line) => line.valid);
}

/**
 * `image-aware pin PATH...`: rewrites every container image that has a tag but no digest as
 * `repo:tag@sha256:…`, in place, with the digest the registry gives for the tag now (the index's,
 * unless --platform picks one platform's image), and gives every kustomize `images:` entry with
 * `newTag` and no `digest` a `digest:` line. The engine asks the registry once per unique
 * reference across all files (engine/pinEdits.ts) and the core writes the edits, which change only
 * the image scalars (or add the one line), in their own quoting style: comments, line endings, a
 * byte-order mark and everything else stay byte-identical. With --dry-run the edits are printed as a
 * unified diff and nothing is written.
 */
import { writeFileSync } from 'node:fs';
import { analyze } from '../../core/analysis';
import { applyEdits } from '../../core/edits/textEdit';
import { DEFAULT_SETTINGS } from '../../core/settings';
import type { PinSettings } from '../../core/settings';
import { pinEdits } from '../../engine';
import { CliError, parseCommandLine } from '../args';
import { unifiedDiff } from '../diff';
import { readInputs } from '../inputs';
import type { Input } from '../inputs';
import { formatPlatform, parsePlatformArgument } from '../platform';
import { openClient, REGISTRY_FLAGS, REGISTRY_USAGE, registrySetup } from '../registry';
import type { RegistryIo } from '../registry';

export const PIN_USAGE = `Usage: image-aware pin [options] PATH...

Pins every container image with a tag and no digest to the digest its tag points at now, in place:
  image: ghcr.io/org/app:1.4   becomes   image: ghcr.io/org/app:1.4@sha256:…
and adds "digest: sha256:…" after the newTag of every kustomize images: entry that has none.
Each unique image is asked for once, however many files use it (one request each, also with
--platform). Only the image values change; quoting, comments and everything else in the files stay as
they are. PATH is a file or a folder (searched for *.yaml and *.yml, skipping node_modules and .git).

Options:
  --dry-run                  Print the changes as a unified diff (for patch -p0) and write nothing;
                             without it, the files changed are printed, one per line.
  --keep-tag                 Write repo:tag@digest, keeping the tag for people to read (default).
  --drop-tag                 Write repo@digest (kustomize: digest: replaces newTag). A :latest tag is
                             dropped either way.
  --platform OS/ARCH[/VAR]   For a multi-platform image, pin that platform's image instead of the index
                             (the index works on every platform).
  -h, --help                 Show this help.

${REGISTRY_USAGE}
Exit status: 0 when every image was pinned (or already was), 1 when some could not be resolved (listed on
stderr; the others are still pinned), 2 for a usage, read or write error.
`;

export interface PinIo extends RegistryIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

interface PinCommand {
  readonly dryRun: boolean;
  readonly pin: PinSettings;
  readonly paths: readonly string[];
}

const UTF8_BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function encode(input: Input, text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  return input.bom ? Buffer.concat([UTF8_BOM, bytes]) : bytes;
}

/** Pins the images; returns whether some could not be resolved. */
export async function pin(argv: string[], io: PinIo): Promise<boolean> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: {
      ...REGISTRY_FLAGS,
      'dry-run': { type: 'boolean', default: false },
      'keep-tag': { type: 'boolean', default: false },
      'drop-tag': { type: 'boolean', default: false },
      platform: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(PIN_USAGE);
    return false;
  }
  if (values['keep-tag'] && values['drop-tag']) throw new CliError('--keep-tag and --drop-tag exclude each other.');
  if (positionals.length === 0) throw new CliError('pin needs at least one PATH (a file or a folder).');
  if (positionals.includes('-')) throw new CliError('pin rewrites files in place, so it cannot read standard input; name the files.');
  const command: PinCommand = {
    dryRun: values['dry-run'],
    pin: {
      keepTag: !values['drop-tag'],
      platform: values.platform === undefined ? null : formatPlatform(parsePlatformArgument(values.platform, '--platform')),
    },
    paths: positionals,
  };
  const setup = registrySetup(values, io.cwd, io);

  const inputs = await readInputs(command.paths, io.cwd, () => Promise.reject(new CliError('standard input is not read by pin')));
  const lossy = inputs.filter((input) => input.lossy);
  if (lossy.length > 0) throw new CliError(`${lossy.map((i) => i.path).join(', ')}: not valid UTF-8, so it cannot be rewritten safely; nothing was changed.`);
  const targets = inputs.map((input) => ({ id: input, analysis: analyze(input.text, { fileName: input.path, maxFileSize: DEFAULT_SETTINGS.maxFileSize }) }));

  const client = openClient(setup, io);
  let report;
  try {
    report = await pinEdits(targets, client, { pin: command.pin });
  } finally {
    client.close();
  }

  let pinned = 0;
  let diff = '';
  const changed: string[] = [];
  for (const { id: input, pins } of report.files) {
    const text = applyEdits(input.text, pins.map((p) => p.edit));
    if (text === input.text) continue;
    pinned += pins.length;
    if (command.dryRun) diff += unifiedDiff(input.path, input.text, text);
    else {
      try {
        // In place rather than through a renamed temporary file, so the file keeps its owner, mode and links.
        writeFileSync(input.absolutePath!, encode(input, text));
      } catch (error) {
        const before = changed.length > 0 ? ` (already pinned: ${changed.join(', ')})` : '';
        throw new CliError(`cannot write ${input.path}: ${(error as Error).message}${before}`);
      }
    }
    changed.push(input.path);
  }
  for (const { id, pins } of report.files) {
    for (const { site, choice } of pins) {
      if (choice.platformMissing) io.stderr(`${id.path}: ${site.ref.input} has no ${command.pin.platform} image; pinned its index instead.\n`);
    }
  }
  for (const skipped of report.skipped) io.stderr(`${skipped.id.path}: cannot pin ${skipped.image}: ${skipped.reason}\n`);
  if (command.dryRun) io.stdout(diff);
  else io.stdout(changed.map((path) => `${path}\n`).join(''));
  const verb = command.dryRun ? 'Would pin' : 'Pinned';
  const unresolved = report.skipped.length > 0 ? `; ${plural(report.skipped.length, 'image')} could not be resolved` : '';
  io.stderr(`${verb} ${plural(pinned, 'image')} in ${plural(changed.length, 'file')} (${plural(report.asked, 'unique reference')} asked)${unresolved}.\n`);
  return report.skipped.length > 0;
}

/**
 * `image-aware pin PATH...`: rewrites every image (of every place docs/where-images-are-found.md lists) that has a tag but no digest as
 * `repo:tag@sha256:…`, in place, with the digest the registry gives for the tag now (the index's,
 * unless --platform picks one platform's image), and gives every kustomize `images:` entry with
 * `newTag` and no `digest` a `digest:` line. The engine asks the registry once per unique
 * reference across all files (engine/pinEdits.ts) and the core writes the edits, which change only
 * the image scalars (or add the one line), in their own quoting style: comments, line endings, a
 * byte-order mark and everything else stay byte-identical. With --dry-run the edits are printed as a
 * unified diff and nothing is written.
 */
import type { PinSettings } from '../../core';
import { pinEdits } from '../../engine';
import { CliError, MAX_FILE_SIZE_USAGE, maxFileSize, parseCommandLine } from '../args';
import { PIN_COMMAND_FLAGS, pinSettings, plural, readPinTargets, reportStoppedShort, reportUnpinnable, writePins } from '../pinFiles';
import type { PinWriteIo } from '../pinFiles';
import { CONFIG_USAGE, readLocations, requireValidLocations } from '../locations';
import { openClient, REGISTRY_USAGE, registrySetup } from '../registry';
import type { RegistryIo } from '../registry';

export const PIN_USAGE = `Usage: image-aware pin [options] PATH...

Pins every image with a tag and no digest (containers, image volumes, the custom resources' image
fields) to the digest its tag points at now, in place:
  image: ghcr.io/org/app:1.4   becomes   image: ghcr.io/org/app:1.4@sha256:…
and adds "digest: sha256:…" after the newTag of every kustomize images: entry that has none, and
after the tag of a Helm values image whose chart's templates read a digest.
Each unique image is asked for once, however many files use it (one request each, also with
--platform). Only the image values change; quoting, comments and everything else in the files stay as
they are. PATH is a file or a folder (searched for *.yaml, *.yml and Dockerfiles, skipping node_modules and .git).
Below a folder, a symbolic link is followed only when it points inside that folder; name a file to pin
it wherever it is. A link is kept and the file it points to is rewritten.
Files are rewritten all or none: each goes to a temporary file next to it that keeps its mode (and owner,
as root) and then replaces it, so a full disk, a missing permission or a kill leaves every file as it was.

Options:
  --dry-run                  Print the changes as a unified diff (for patch -p0) and write nothing;
                             without it, the files changed are printed, one per line.
  --keep-tag                 Write repo:tag@digest, keeping the tag for people to read (default).
  --drop-tag                 Write repo@digest (kustomize: digest: replaces newTag). A :latest tag is
                             dropped either way.
  --platform OS/ARCH[/VAR]   For a multi-platform image, pin that platform's image instead of the index
                             (the index works on every platform).
${MAX_FILE_SIZE_USAGE}
${CONFIG_USAGE}
  -h, --help                 Show this help.

${REGISTRY_USAGE}
Images that no pin can touch are named on stderr with why: a template placeholder or a ko:// value (left
as meant), a value that is not a valid reference (it cannot be pulled either).
Exit status: 0 when every image was pinned (or already was, or is a placeholder or ko:// value), 1 when
some could not be resolved, are not valid references, their edit was refused because it would not read back
as the pinned image, or a part of a file was not analysed (each listed on stderr; the others are still
pinned), 2 for a usage, read or write error (then no file was changed).
`;

export interface PinIo extends RegistryIo, PinWriteIo {
  readonly cwd: string;
}

interface PinCommand {
  readonly dryRun: boolean;
  readonly pin: PinSettings;
  readonly paths: readonly string[];
  readonly maxFileSize: number;
}

/** Pins the images; returns whether some could not be resolved or a part of a file was not analysed. */
export async function pin(argv: string[], io: PinIo): Promise<boolean> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: PIN_COMMAND_FLAGS,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(PIN_USAGE);
    return false;
  }
  const style = pinSettings(values);
  if (positionals.length === 0) throw new CliError('pin needs at least one PATH (a file or a folder).');
  const command: PinCommand = { dryRun: values['dry-run'], pin: style, paths: positionals, maxFileSize: maxFileSize(values['max-file-size-mb']) };
  const setup = registrySetup(values, io.cwd, io);
  const locations = requireValidLocations(readLocations(values.config, io.cwd));

  const targets = await readPinTargets('pin', command.paths, io.cwd, { maxFileSize: command.maxFileSize, notice: io.stderr, locations });

  const client = openClient(setup, io);
  let report;
  try {
    report = await pinEdits(targets, client, { pin: command.pin });
  } finally {
    client.close();
  }

  const { pinned, changed } = await writePins(report.files, command.pin, command.dryRun, io);
  for (const skipped of report.skipped) io.stderr(`${skipped.id.path}: cannot pin ${skipped.image}: ${skipped.reason}\n`);
  const stoppedShort = reportStoppedShort(targets, io.stderr);
  const broken = reportUnpinnable(targets, io.stderr);
  const verb = command.dryRun ? 'Would pin' : 'Pinned';
  const unresolved = report.skipped.length > 0 ? `; ${plural(report.skipped.length, 'image')} could not be resolved` : '';
  const unread = stoppedShort > 0 ? `; ${plural(stoppedShort, 'part')} of files not analysed` : '';
  const invalid = broken > 0 ? `; ${plural(broken, 'image')} not a valid reference` : '';
  const asked = plural(report.asked, 'unique reference');
  io.stderr(`${verb} ${plural(pinned, 'image')} in ${plural(changed.length, 'file')} (${asked} asked)${unresolved}${unread}${invalid}.\n`);
  return report.skipped.length > 0 || stoppedShort > 0 || broken > 0;
}

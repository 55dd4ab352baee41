/**
 * What `pin` and `push` share: how images are written when pinned (--keep-tag, --drop-tag,
 * --platform), the files they may rewrite (read and analysed before any registry or tool is asked,
 * so a bad path fails first), and writing the pinned texts back in place or printing them as a
 * unified diff. Only the image scalars change; a byte-order mark is written back as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { analyze } from '../core/analysis';
import type { PinnedImage } from '../core/edits/pinEdits';
import { applyEdits } from '../core/edits/textEdit';
import { DEFAULT_SETTINGS } from '../core/settings';
import type { PinSettings } from '../core/settings';
import type { PinTarget } from '../engine';
import { CliError } from './args';
import { unifiedDiff } from './diff';
import { readInputs } from './inputs';
import type { Input } from './inputs';
import { formatPlatform, parsePlatformArgument } from './platform';

/** The `parseArgs` options that say how a pin is written. */
export const PIN_STYLE_FLAGS = {
  'keep-tag': { type: 'boolean', default: false },
  'drop-tag': { type: 'boolean', default: false },
  platform: { type: 'string' },
} as const;

export interface PinStyleValues {
  readonly 'keep-tag': boolean;
  readonly 'drop-tag': boolean;
  readonly platform?: string;
}

export function pinSettings(values: PinStyleValues): PinSettings {
  if (values['keep-tag'] && values['drop-tag']) throw new CliError('--keep-tag and --drop-tag exclude each other.');
  return {
    keepTag: !values['drop-tag'],
    platform: values.platform === undefined ? null : formatPlatform(parsePlatformArgument(values.platform, '--platform')),
  };
}

/** The files named by `paths`, analysed; `command` names the command in the errors. */
export async function readPinTargets(command: string, paths: readonly string[], cwd: string): Promise<PinTarget<Input>[]> {
  if (paths.includes('-')) throw new CliError(`${command} rewrites files in place, so it cannot read standard input; name the files.`);
  const inputs = await readInputs(paths, cwd, () => Promise.reject(new CliError(`standard input is not read by ${command}`)));
  const lossy = inputs.filter((input) => input.lossy);
  if (lossy.length > 0) throw new CliError(`${lossy.map((i) => i.path).join(', ')}: not valid UTF-8, so it cannot be rewritten safely; nothing was changed.`);
  return inputs.map((input) => ({ id: input, analysis: analyze(input.text, { fileName: input.path, maxFileSize: DEFAULT_SETTINGS.maxFileSize }) }));
}

export interface PinWriteIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface PinWriteResult {
  /** How many images the changed files pin. */
  readonly pinned: number;
  /** How many of those were pinned to another digest before (push re-pins an earlier push of the tag). */
  readonly repinned: number;
  /** The files changed (or, in a dry run, that would change), as the user named them. */
  readonly changed: readonly string[];
}

const UTF8_BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

function encode(input: Input, text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  return input.bom ? Buffer.concat([UTF8_BOM, bytes]) : bytes;
}

/**
 * Whether the file still holds the bytes it was read with. The files are read before the registry
 * (and for push the build tool) is asked, which can take minutes; an edit saved meanwhile must not
 * be overwritten with the pinned old text.
 */
function unchangedOnDisk(input: Input): boolean {
  try {
    return Buffer.from(readFileSync(input.absolutePath!)).equals(Buffer.from(encode(input, input.text)));
  } catch {
    return false;
  }
}

/**
 * Writes each file's pins in place (nothing at all when a file to change was changed on disk since
 * it was read), printing the changed paths one per line, or with `dryRun`
 * prints the unified diff and writes nothing. Pins of an index whose platform was asked for but
 * missing are told on stderr.
 */
export function writePins(
  files: ReadonlyArray<{ readonly id: Input; readonly pins: readonly PinnedImage[] }>,
  pin: PinSettings,
  dryRun: boolean,
  io: PinWriteIo,
): PinWriteResult {
  let pinned = 0;
  let repinned = 0;
  let diff = '';
  const changed: string[] = [];
  if (!dryRun) {
    const moved = files.filter(({ id, pins }) => pins.length > 0 && !unchangedOnDisk(id)).map(({ id }) => id.path);
    if (moved.length > 0) throw new CliError(`${moved.join(', ')} changed since ${moved.length === 1 ? 'it was' : 'they were'} read; no file was written. Run the command again.`);
  }
  for (const { id: input, pins } of files) {
    const text = applyEdits(input.text, pins.map((p) => p.edit));
    if (text === input.text) continue;
    pinned += pins.length;
    repinned += pins.filter((p) => p.site.ref.digest !== null).length;
    if (dryRun) diff += unifiedDiff(input.path, input.text, text);
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
  for (const { id, pins } of files) {
    for (const { site, choice } of pins) {
      if (choice.platformMissing) io.stderr(`${id.path}: ${site.ref.input} has no ${pin.platform} image; pinned its index instead.\n`);
    }
  }
  if (dryRun) io.stdout(diff);
  else io.stdout(changed.map((path) => `${path}\n`).join(''));
  return { pinned, repinned, changed };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

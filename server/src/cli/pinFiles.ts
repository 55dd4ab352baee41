/**
 * What `pin` and `push` share: how images are written when pinned (--keep-tag, --drop-tag,
 * --platform), the files they may rewrite (read and analysed whole, unless --max-file-size-mb says
 * otherwise, before any registry or tool is asked, so a bad path fails first), telling where an
 * analysis stopped short, and writing the pinned texts back or printing them as a unified diff.
 * Only the image scalars change; a byte-order mark is written back as it was. Files are replaced
 * all or none (fs/atomicWrite.ts): a full disk, a missing permission or a kill leaves every one as it was.
 */
import { readFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyEdits, unpinnableImages } from '../core';
import type { Analysis, LocationTable, PinnedImage, PinSettings } from '../core';
import { analyzeFile, stoppedShort } from '../engine';
import type { PinTarget } from '../engine';
import { FileWriteError, writeFiles } from '../fs';
import { CliError, MAX_FILE_SIZE_FLAG, MAX_FILE_SIZE_OPTION } from './args';
import { unifiedDiff } from './diff';
import { readCharts } from './charts';
import { readInputs } from './inputs';
import type { Input } from './inputs';
import { CONFIG_OPTION } from './locations';
import { formatPlatform, parsePlatformArgument } from './platform';
import { REGISTRY_FLAGS } from './registry';

/** The `parseArgs` options that say how a pin is written. */
export const PIN_STYLE_FLAGS = {
  'keep-tag': { type: 'boolean', default: false },
  'drop-tag': { type: 'boolean', default: false },
  platform: { type: 'string' },
} as const;

/** The flags `pin` and `push` share: the registry's, how pins are written, the size limit, a dry run, help. */
export const PIN_COMMAND_FLAGS = {
  ...REGISTRY_FLAGS,
  ...PIN_STYLE_FLAGS,
  ...MAX_FILE_SIZE_OPTION,
  ...CONFIG_OPTION,
  'dry-run': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
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

export interface PinReadOptions {
  /** From MAX_FILE_SIZE_FLAG (args.ts): unlimited unless given. */
  readonly maxFileSize: number;
  /** Tells of links not followed below a folder, one line each. */
  readonly notice: (text: string) => void;
  /** Where images are (cli/locations.ts). */
  readonly locations: LocationTable;
}

/** The files named by `paths`, analysed; `command` names the command in the errors. */
export async function readPinTargets(command: string, paths: readonly string[], cwd: string, options: PinReadOptions): Promise<PinTarget<Input>[]> {
  if (paths.includes('-')) throw new CliError(`${command} rewrites files in place, so it cannot read standard input; name the files.`);
  const inputs = await readInputs(paths, cwd, () => Promise.reject(new CliError(`standard input is not read by ${command}`)), options.notice);
  const lossy = inputs.filter((input) => input.lossy);
  if (lossy.length > 0) throw new CliError(`${lossy.map((i) => i.path).join(', ')}: not valid UTF-8, so it cannot be rewritten safely; nothing was changed.`);
  const charts = await readCharts(inputs);
  return inputs.map((input) => ({
    id: input,
    analysis: analyzeFile(input.text, {
      chart: charts.get(input.absolutePath ?? ''),
      fileName: input.path,
      maxFileSize: options.maxFileSize,
      sizeLimitSetting: MAX_FILE_SIZE_FLAG,
      locations: options.locations,
    }),
  }));
}

/** Writes one stderr line per place of each file, as `path:line: text`. */
function tellPlaces<T extends { readonly start: number }>(
  targets: readonly PinTarget<Input>[],
  placesOf: (analysis: Analysis) => readonly T[],
  text: (place: T) => string,
  stderr: (text: string) => void,
): T[] {
  const all: T[] = [];
  for (const { id, analysis } of targets) {
    const places = placesOf(analysis);
    if (places.length === 0) continue;
    const lines = TextDocument.create('file:///pin', 'yaml', 0, analysis.text);
    for (const place of places) stderr(`${id.path}:${lines.positionAt(place.start).line + 1}: ${text(place)}\n`);
    all.push(...places);
  }
  return all;
}

/**
 * Tells on stderr, one line per place, where the analysis of a file stopped short (the size limit,
 * binary content, too many containers, a YAML syntax error): images past it were not pinned, and
 * pin must not say it pinned everything. Returns how many places there are.
 */
export function reportStoppedShort(targets: readonly PinTarget<Input>[], stderr: (text: string) => void): number {
  return tellPlaces(targets, stoppedShort, (place) => `images past here are not pinned: ${place.message}`, stderr).length;
}

/**
 * Tells on stderr, one line per image field that no pin can touch (a placeholder, a ko:// value, a
 * value that is not a reference), why it was not pinned. Returns how many of them cannot be pulled
 * as written: those make pin fail, the others are left as their authors meant them.
 */
export function reportUnpinnable(targets: readonly PinTarget<Input>[], stderr: (text: string) => void): number {
  return tellPlaces(targets, unpinnableImages, (image) => `not pinned: ${image.why}`, stderr).filter((image) => image.broken).length;
}

export interface PinWriteIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Runs once every changed file is staged, before the first is replaced (a test kills the process there). */
  readonly beforeRename?: () => Promise<void>;
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

/** Replaces the files with their pinned texts, all or none; a failure names the file as the user did. */
async function replaceFiles(texts: ReadonlyArray<{ readonly input: Input; readonly text: string }>, io: PinWriteIo): Promise<void> {
  const named = new Map(texts.map(({ input }) => [input.absolutePath!, input.path]));
  try {
    await writeFiles(
      texts.map(({ input, text }) => ({ path: input.absolutePath!, bytes: encode(input, text) })),
      { beforeRename: io.beforeRename },
    );
  } catch (error) {
    if (!(error instanceof FileWriteError)) throw error;
    const written = error.written.map((path) => named.get(path) ?? path);
    const after = written.length > 0 ? ` (already pinned: ${written.join(', ')})` : '; no file was changed';
    throw new CliError(`cannot write ${named.get(error.path) ?? error.path}: ${error.reason}${after}.`);
  }
}

/**
 * Writes each file's pins (nothing at all when a file to change was changed on disk since it was
 * read, or cannot be written), printing the changed paths one per line, or with `dryRun` prints the
 * unified diff and writes nothing. Pins of an index whose platform was asked for but missing are told
 * on stderr.
 */
export async function writePins(
  files: ReadonlyArray<{ readonly id: Input; readonly pins: readonly PinnedImage[] }>,
  pin: PinSettings,
  dryRun: boolean,
  io: PinWriteIo,
): Promise<PinWriteResult> {
  let pinned = 0;
  let repinned = 0;
  const texts: Array<{ input: Input; text: string }> = [];
  for (const { id: input, pins } of files) {
    const text = applyEdits(
      input.text,
      pins.map((p) => p.edit),
    );
    if (text === input.text) continue;
    pinned += pins.length;
    repinned += pins.filter((p) => p.site.ref.digest !== null).length;
    texts.push({ input, text });
  }
  if (!dryRun) {
    const moved = texts.filter(({ input }) => !unchangedOnDisk(input)).map(({ input }) => input.path);
    const since = moved.length === 1 ? 'it was' : 'they were';
    if (moved.length > 0) throw new CliError(`${moved.join(', ')} changed since ${since} read; no file was written. Run the command again.`);
    await replaceFiles(texts, io);
  }
  const changed = texts.map(({ input }) => input.path);
  for (const { id, pins } of files) {
    for (const { site, choice } of pins) {
      if (choice.platformMissing) io.stderr(`${id.path}: ${site.ref.input} has no ${pin.platform} image; pinned its index instead.\n`);
    }
  }
  if (dryRun) io.stdout(texts.map(({ input, text }) => unifiedDiff(input.path, input.text, text)).join(''));
  else io.stdout(changed.map((path) => `${path}\n`).join(''));
  return { pinned, repinned, changed };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

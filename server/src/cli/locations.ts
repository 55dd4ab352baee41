/**
 * Users' own resources for `check`, `pin` and `push`: the `.image-aware.yaml` in the working
 * directory, or the file `--config FILE` names (docs/where-images-are-found.md). Read whole before
 * anything else happens; a file named by --config must exist, the default one may be missing.
 * Its `signatures` mapping says what to trust and require of images, like `imageAware.signatures`;
 * key files it names are read relative to the file's folder.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BUILT_IN_LOCATIONS, CONFIG_FILE_NAME, DEFAULT_SETTINGS, locationsWith, parseSignatures, platformTargets, readConfigFile } from '../core';
import type { LocationTable, PlatformTargets, SignatureSettings } from '../core';
import { CliError } from './args';
import { locateDiagnostics } from './report';
import type { LocatedDiagnostic } from './report';

/** The `parseArgs` option of the flag. */
export const CONFIG_OPTION = { config: { type: 'string' } } as const;

export const CONFIG_USAGE = `  --config FILE              Where your own resources keep images (default: ${CONFIG_FILE_NAME}
                             in the working directory, when there is one).`;

/** A mapping file is a few kilobytes; anything past this is a mistake, not a mapping. */
const MAX_CONFIG_BYTES = 256 * 1024;

export interface CliLocations {
  readonly table: LocationTable;
  /** The file's `platforms.targets`; null when it has none. */
  readonly targets: PlatformTargets | null;
  /** The file read, as named and absolute, with its problems (invalid-config findings, located); null without one. */
  readonly file: { readonly path: string; readonly absolutePath: string; readonly text: string; readonly problems: readonly LocatedDiagnostic[] } | null;
  /** The file's `signatures` (the defaults without one), and the folder its key files are named from. */
  readonly signatures: SignatureSettings;
  readonly keyBaseDir: string;
}

export function readLocations(configFlag: string | undefined, cwd: string): CliLocations {
  const path = configFlag ?? CONFIG_FILE_NAME;
  const absolutePath = resolve(cwd, path);
  let size: number;
  try {
    const info = statSync(absolutePath);
    if (!info.isFile()) throw new CliError(`${path} is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (configFlag === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT')
      return { table: BUILT_IN_LOCATIONS, targets: null, file: null, signatures: DEFAULT_SETTINGS.signatures, keyBaseDir: cwd };
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (size > MAX_CONFIG_BYTES) throw new CliError(`${path} is larger than ${MAX_CONFIG_BYTES / 1024} KB; a mapping of resources is far smaller.`);
  let text: string;
  try {
    text = readFileSync(absolutePath, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const { config, findings, signatures } = readConfigFile(text);
  const problems = locateDiagnostics(
    text,
    findings.map((finding) => ({ ...finding, severity: 'error' as const })),
  );
  return {
    table: locationsWith(config),
    targets: platformTargets(config.targets ?? [], path),
    file: { path, absolutePath, text, problems },
    signatures: parseSignatures(signatures),
    keyBaseDir: dirname(absolutePath),
  };
}

/** For commands that write files: a mapping with problems would leave images out, so nothing is done. */
export function requireValidLocations(locations: CliLocations): LocationTable {
  const file = locations.file;
  const [first] = file?.problems ?? [];
  if (file && first) {
    const count = file.problems.length;
    throw new CliError(
      `${file.path} has ${count === 1 ? 'a problem' : `${count} problems`} (line ${first.line}: ${first.message}); ` +
        `run image-aware check ${file.path} to see ${count === 1 ? 'it' : 'them'}. Nothing was changed.`,
    );
  }
  return locations.table;
}

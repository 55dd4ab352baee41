/**
 * Turns the PATH arguments of `check` into texts. A file is read whatever its name; a folder is
 * searched for *.yaml and *.yml files, in sorted order so the output is the same on every machine,
 * skipping node_modules and .git. Symbolic links are followed, but a folder or file already seen
 * (by its real path) is not visited again, which ends symlink loops and checks each file once.
 * Everything is read before anything is analysed, because pull-secret checks need every file's facts.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './args';

const STDIN_ARGUMENT = '-';
const STDIN_PATH = '<stdin>';

const MANIFEST_FILE = /\.ya?ml$/i;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** Where an input comes from, before it is read. */
export interface InputLocation {
  /** As the user named it, joined with the names found below a folder; `<stdin>` for standard input. */
  readonly path: string;
  /** Null for standard input. */
  readonly absolutePath: string | null;
}

export interface Input extends InputLocation {
  readonly text: string;
  /** The bytes began with a UTF-8 byte-order mark, which `text` leaves out; a rewrite puts it back. */
  readonly bom: boolean;
  /** The bytes are not valid UTF-8, so `text` holds replacement characters and must not be written back. */
  readonly lossy: boolean;
}

/** Runs a file-system call, turning its error into a CliError that names the path the user knows. */
function io<T>(path: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Adds the file at `path`, or the manifest files below the folder there; `named` says the user gave this path. */
function find(path: string, absolutePath: string, named: boolean, seen: Set<string>, found: InputLocation[]): void {
  const real = io(path, () => realpathSync(absolutePath));
  if (seen.has(real)) return;
  const stat = io(path, () => statSync(real));
  if (stat.isDirectory()) {
    seen.add(real);
    for (const name of io(path, () => readdirSync(real)).sort()) {
      if (!SKIPPED_FOLDERS.has(name)) find(join(path, name), join(absolutePath, name), false, seen, found);
    }
  } else if (named || (stat.isFile() && MANIFEST_FILE.test(path))) {
    seen.add(real);
    found.push({ path, absolutePath });
  }
}

/**
 * Decodes UTF-8 the way an editor does: a byte-order mark is dropped, so columns match what the user
 * sees, and invalid bytes become U+FFFD (noted as lossy, so that no command writes them back).
 */
function decode(bytes: Uint8Array): { text: string; bom: boolean; lossy: boolean } {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bom, lossy: false };
  } catch {
    return { text: new TextDecoder().decode(bytes), bom, lossy: true };
  }
}

export async function readInputs(paths: readonly string[], cwd: string, readStdin: () => Promise<Uint8Array>): Promise<Input[]> {
  // Real paths are absolute, so the "-" key for standard input cannot collide with one.
  const seen = new Set<string>();
  const locations: InputLocation[] = [];
  for (const path of paths) {
    if (path !== STDIN_ARGUMENT) find(path, resolve(cwd, path), true, seen, locations);
    else if (!seen.has(STDIN_ARGUMENT)) {
      seen.add(STDIN_ARGUMENT);
      locations.push({ path: STDIN_PATH, absolutePath: null });
    }
  }
  const inputs: Input[] = [];
  for (const { path, absolutePath } of locations) {
    const bytes = absolutePath === null ? await readStdin() : io(path, () => readFileSync(absolutePath));
    inputs.push({ path, absolutePath, ...decode(bytes) });
  }
  return inputs;
}

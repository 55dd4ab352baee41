/**
 * Turns the PATH arguments of `check`, `pin`, `push` and `apply` into texts. A file is read whatever
 * its name; a folder is searched for *.yaml and *.yml files and Dockerfiles (engine/analyzeFile.ts
 * knows their names), in sorted order so the output is the same
 * on every machine, skipping node_modules and .git. Symbolic links below a folder are followed only
 * while they stay inside the folder named: one that leads out of it, or that cannot be followed (a loop,
 * a missing target), is told and skipped; a path named on the command line is always followed. A
 * folder or file already seen (by its real path) is not visited again, which ends loops inside the
 * folder and reads each file once. `findInputs` only finds them, so `check` can read each file
 * as it is analysed; `readInputs` reads them all, for the commands that need every text at once.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { isDockerfileName } from '../engine';
import { CliError } from './args';

const STDIN_ARGUMENT = '-';
const STDIN_PATH = '<stdin>';

const YAML_FILE = /\.ya?ml$/i;

/** The files a folder is searched for: YAML files, and Dockerfiles unless only YAML is wanted (`apply`). */
export type Searched = 'yaml' | 'yaml and dockerfiles';
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
/** What a symbolic link that cannot be followed is, by the error code of following it. */
const BROKEN_LINKS: Readonly<Record<string, string>> = {
  ELOOP: 'a symbolic link that leads round in a loop',
  ENOENT: 'a symbolic link to a path that does not exist',
};

/** Where an input comes from, before it is read. */
export interface InputLocation {
  /** As the user named it, joined with the names found below a folder; `<stdin>` for standard input. */
  readonly path: string;
  /** Null for standard input. */
  readonly absolutePath: string | null;
}

/** An input found but not yet read. */
export interface FoundInput extends InputLocation {
  /** Bytes on disk when found; 0 for standard input. */
  readonly size: number;
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

/** A folder named on the command line, which the search below it does not leave through links. */
interface Walk {
  /** Its real path. */
  readonly root: string;
  /** As the user named it. */
  readonly path: string;
}

interface Search {
  /** Real paths already visited; "-" for standard input. */
  readonly seen: Set<string>;
  readonly found: FoundInput[];
  readonly notice: (text: string) => void;
  readonly searched: Searched;
}

function isSearched(path: string, search: Search): boolean {
  return YAML_FILE.test(path) || (search.searched === 'yaml and dockerfiles' && isDockerfileName(path));
}

function isInside(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/**
 * The real path of an entry found below a folder, or null, told, when it is a symbolic link that
 * cannot be followed or that leads out of the folder (without a word when it leads to a file that is
 * no manifest, as such a file would be skipped, or to a path already read because it was named).
 */
function followed(path: string, absolutePath: string, walk: Walk, search: Search): string | null {
  let real: string;
  try {
    real = realpathSync(absolutePath);
  } catch (error) {
    if (!io(path, () => lstatSync(absolutePath)).isSymbolicLink()) throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
    const broken = BROKEN_LINKS[(error as NodeJS.ErrnoException).code ?? ''] ?? `a symbolic link that cannot be followed (${(error as Error).message})`;
    search.notice(`${path}: skipped, ${broken}.\n`);
    return null;
  }
  if (isInside(real, walk.root) || search.seen.has(real)) return real;
  if (isSearched(path, search) || io(path, () => statSync(real)).isDirectory()) {
    search.notice(`${path}: not followed, a symbolic link out of ${walk.path} (to ${real}); name it to include it.\n`);
  }
  return null;
}

/** Adds the file at `path`, or the manifest files below the folder there; `walk` is the named folder it was found in, null when named. */
function find(path: string, absolutePath: string, walk: Walk | null, search: Search): void {
  const real = walk === null ? io(path, () => realpathSync(absolutePath)) : followed(path, absolutePath, walk, search);
  if (real === null || search.seen.has(real)) return;
  const stat = io(path, () => statSync(real));
  if (stat.isDirectory()) searchFolder(path, absolutePath, real, walk ?? { root: real, path }, search);
  else if (walk === null || (stat.isFile() && isSearched(path, search))) {
    search.seen.add(real);
    search.found.push({ path, absolutePath, size: stat.size });
  }
}

/**
 * Adds the manifest files below the folder whose real path is `real`. An entry that is not a symbolic
 * link has the real path `real`/name, so only links are resolved, and only manifest files are
 * looked at (for their size): a folder of 7,000 files costs one readdir per folder and one stat per manifest.
 */
function searchFolder(path: string, absolutePath: string, real: string, walk: Walk, search: Search): void {
  search.seen.add(real);
  const entries = io(path, () => readdirSync(real, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (SKIPPED_FOLDERS.has(entry.name)) continue;
    const entryPath = join(path, entry.name);
    const entryAbsolute = join(absolutePath, entry.name);
    const entryReal = join(real, entry.name);
    if (entry.isSymbolicLink()) find(entryPath, entryAbsolute, walk, search);
    else if (entry.isDirectory()) {
      if (!search.seen.has(entryReal)) searchFolder(entryPath, entryAbsolute, entryReal, walk, search);
    } else if (entry.isFile() && isSearched(entryPath, search) && !search.seen.has(entryReal)) {
      search.seen.add(entryReal);
      search.found.push({ path: entryPath, absolutePath: entryAbsolute, size: io(entryPath, () => statSync(entryReal)).size });
    }
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

/** Finds the inputs `paths` name, in the order they are read; `notice` tells of links not followed (one line each). */
export function findInputs(paths: readonly string[], cwd: string, notice: (text: string) => void, searched: Searched = 'yaml and dockerfiles'): FoundInput[] {
  // Real paths are absolute, so the "-" key for standard input cannot collide with one.
  const search: Search = { seen: new Set(), found: [], notice, searched };
  for (const path of paths) {
    if (path !== STDIN_ARGUMENT) find(path, resolve(cwd, path), null, search);
    else if (!search.seen.has(STDIN_ARGUMENT)) {
      search.seen.add(STDIN_ARGUMENT);
      search.found.push({ path: STDIN_PATH, absolutePath: null, size: 0 });
    }
  }
  return search.found;
}

/** Reads one input that findInputs found. */
export async function readInput({ path, absolutePath }: InputLocation, readStdin: () => Promise<Uint8Array>): Promise<Input> {
  const bytes = absolutePath === null ? await readStdin() : io(path, () => readFileSync(absolutePath));
  return { path, absolutePath, ...decode(bytes) };
}

/** Reads the inputs `paths` name; `notice` tells of links not followed (one line each). */
export async function readInputs(
  paths: readonly string[],
  cwd: string,
  readStdin: () => Promise<Uint8Array>,
  notice: (text: string) => void,
  searched: Searched = 'yaml and dockerfiles',
): Promise<Input[]> {
  const inputs: Input[] = [];
  for (const found of findInputs(paths, cwd, notice, searched)) inputs.push(await readInput(found, readStdin));
  return inputs;
}

/**
 * The files `image-aware check PATH...` reads, for the baselines that must read the same ones: a
 * file as named, and below a folder every *.yaml and *.yml file in sorted order, skipping
 * node_modules and .git, following a symbolic link to a file only when it stays inside the folder
 * (the rules of server/src/cli/inputs.ts, except that links to folders are not followed here, which
 * only matters for a --corpus folder that has some).
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const MANIFEST_FILE = /\.ya?ml$/i;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** The real path of a link below root when it leads to a file inside root, else null. */
function linkedFile(path: string, root: string): string | null {
  try {
    const real = realpathSync(path);
    return real.startsWith(root + sep) && statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

function below(folder: string, root: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : below(path, root);
      if (!MANIFEST_FILE.test(entry.name)) return [];
      return entry.isFile() || (entry.isSymbolicLink() && linkedFile(path, root) !== null) ? [path] : [];
    });
}

export function manifestFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => (statSync(path).isDirectory() ? below(path, realpathSync(path)) : [path]));
}

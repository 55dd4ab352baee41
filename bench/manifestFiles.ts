/**
 * The files `image-aware check PATH...` reads, for the baselines that must read the same ones: a
 * file as named, and below a folder every *.yaml and *.yml file in sorted order, skipping
 * node_modules and .git (the rule of server/src/cli/inputs.ts; symbolic links below a folder are
 * not followed here, which only matters for a --corpus folder that has some).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MANIFEST_FILE = /\.ya?ml$/i;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

function below(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : below(path);
      return entry.isFile() && MANIFEST_FILE.test(entry.name) ? [path] : [];
    });
}

export function manifestFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => (statSync(path).isDirectory() ? below(path) : [path]));
}

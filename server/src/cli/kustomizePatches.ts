/**
 * Which of the files `check` reads a kustomization applies as a patch (so their containers may leave
 * the image out). The kustomizations are those of every folder a checked file is in, of every named
 * folder, and of the folders above a named path up to the working directory: `kustomization.yaml`,
 * `kustomization.yml` or `Kustomization`, as kustomize looks for them. Nothing else is read; patch
 * paths are only compared with the paths of the files being checked.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KUSTOMIZATION_FILE_NAMES, kustomizationPatches, MAX_KUSTOMIZATION_CHARS } from '../core';
import type { InputLocation } from './inputs';

function isInside(folder: string, path: string): boolean {
  const inside = relative(folder, path);
  return inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}

/** The folders whose kustomizations can name a checked file. */
function folders(inputs: readonly InputLocation[], named: readonly string[], cwd: string): Set<string> {
  const found = new Set<string>();
  for (const input of inputs) if (input.absolutePath !== null) found.add(dirname(input.absolutePath));
  for (const path of named) {
    if (path === '-') continue;
    const absolute = resolve(cwd, path);
    let folder = isDirectory(absolute) ? absolute : dirname(absolute);
    found.add(folder);
    while (folder !== cwd && isInside(cwd, folder) && dirname(folder) !== folder) {
      folder = dirname(folder);
      found.add(folder);
    }
  }
  return found;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The text of a kustomization file, or null when there is none to read; `shown` is its path as the user knows it. */
function readKustomization(path: string, shown: string, warn: (message: string) => void): string | null {
  try {
    const info = statSync(path);
    if (!info.isFile()) return null;
    // Checked before reading: a larger file is not read at all.
    if (info.size > MAX_KUSTOMIZATION_CHARS) return tooLarge(shown, warn);
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') warn(`image-aware: cannot read ${path} (${code ?? String(error)}), so the patches it lists are not known.\n`);
    return null;
  }
}

function tooLarge(path: string, warn: (message: string) => void): null {
  warn(`image-aware: ${path} is larger than ${MAX_KUSTOMIZATION_CHARS / 1048576} MB, so the patches it lists are not known.\n`);
  return null;
}

/** The absolute paths of the inputs some kustomization lists as a patch. */
export function patchFiles(inputs: readonly InputLocation[], named: readonly string[], cwd: string, warn: (message: string) => void): Set<string> {
  const texts = new Map<string, string | null>();
  for (const input of inputs) {
    if (input.absolutePath === null || !KUSTOMIZATION_FILE_NAMES.includes(basename(input.absolutePath))) continue;
    texts.set(input.absolutePath, readKustomization(input.absolutePath, input.path, warn));
  }
  for (const folder of folders(inputs, named, cwd)) {
    for (const name of KUSTOMIZATION_FILE_NAMES) {
      const path = join(folder, name);
      if (texts.has(path)) continue;
      texts.set(path, readKustomization(path, path, warn));
    }
  }
  const patches = new Set<string>();
  for (const [path, text] of texts) for (const patch of text === null ? [] : kustomizationPatches(text)) patches.add(resolve(dirname(path), patch));
  return patches;
}

/**
 * The disk as kustomize reads it, for planning builds (core planBuild): paths are compared as real
 * paths (kustomize evaluates symbolic links before it compares a file with its kustomization's folder
 * or a folder with those being built) but kept as named, so they show as the user knows them; a
 * folder's kustomization is the one file of kustomize's three names it holds; every file is read
 * once, bounded in size before it is read.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KUSTOMIZATION_FILE_NAMES, MAX_KUSTOMIZATION_CHARS, readImageSpecs, readKustomization } from '../core';
import type { FieldSpec, KustomizationLookup, KustomizeFiles } from '../core';

function statOf(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The file's text, or why it cannot be read; its size is checked first, so a huge file is never read. */
function readBounded(path: string): string | { readonly reason: string } {
  try {
    const size = statSync(path).size;
    if (size > MAX_KUSTOMIZATION_CHARS) return { reason: `${path} is larger than ${MAX_KUSTOMIZATION_CHARS / 1048576} MB` };
    // Without a byte-order mark, as inputs.ts reads files, so spans agree with the text reported.
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    return { reason: `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
}

export class DiskKustomizeFiles implements KustomizeFiles {
  private readonly lookups = new Map<string, KustomizationLookup>();
  private readonly specs = new Map<string, readonly FieldSpec[] | string>();
  private readonly reals = new Map<string, string>();

  join(folder: string, entry: string): string {
    return resolve(folder, entry);
  }

  isWithin(folder: string, path: string): boolean {
    const inside = relative(this.real(folder), this.real(path));
    return inside === '' || (inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside));
  }

  private real(path: string): string {
    let real = this.reals.get(path);
    if (real === undefined) {
      try {
        real = realpathSync(path);
      } catch {
        real = path;
      }
      this.reals.set(path, real);
    }
    return real;
  }

  isFile(path: string): boolean {
    return statOf(path)?.isFile() ?? false;
  }

  kustomizationIn(folder: string): KustomizationLookup {
    let lookup = this.lookups.get(folder);
    if (!lookup) this.lookups.set(folder, (lookup = this.lookup(folder)));
    return lookup;
  }

  imageSpecs(path: string): readonly FieldSpec[] | string {
    let specs = this.specs.get(path);
    if (specs === undefined) {
      const text = readBounded(path);
      specs = typeof text === 'string' ? (readImageSpecs(text) ?? `${path} is not a mapping`) : text.reason;
      this.specs.set(path, specs);
    }
    return specs;
  }

  private lookup(folder: string): KustomizationLookup {
    if (!statOf(folder)?.isDirectory()) return { found: 'none', reason: `${folder} is neither a file nor a folder` };
    const files = KUSTOMIZATION_FILE_NAMES.map((name) => join(folder, name)).filter((path) => this.isFile(path));
    if (files.length === 0) return { found: 'none', reason: `${folder} holds no ${KUSTOMIZATION_FILE_NAMES.join(', ')}` };
    if (files.length > 1) return { found: 'several', reason: `${folder} holds ${files.length} kustomization files, which kustomize refuses` };
    const text = readBounded(files[0]);
    if (typeof text !== 'string') return { found: 'unreadable', reason: text.reason };
    const kustomization = readKustomization(text);
    return kustomization ? { found: 'one', file: files[0], kustomization } : { found: 'unreadable', reason: `${files[0]} is not a mapping` };
  }
}

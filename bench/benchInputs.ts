/**
 * The inputs of the targets benchmark, written to a temporary folder so fresh processes can read
 * them: varied manifests, a folder of varied manifests (or the user's --corpus folder, read as it
 * is) and a folder of many one-object files. Generation is not timed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { manifestFiles } from './manifestFiles';
import { generateFolder, generateSmallFiles, generateVaried } from './varied';
import type { GeneratedDocument, GeneratedFile } from './varied';

export interface FileInput {
  readonly path: string;
  readonly text: string;
  /** The generator's documents, for the fast path's share by family; absent for real files. */
  readonly documents?: readonly GeneratedDocument[];
}

export interface FolderInput {
  readonly dir: string;
  readonly files: readonly FileInput[];
  readonly bytes: number;
  /** How it was made, for the report. */
  readonly description: string;
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function writeFolder(dir: string, files: readonly GeneratedFile[], description: string): FolderInput {
  const written = files.map((file) => {
    const path = join(dir, ...file.path.split('/'));
    writeFile(path, file.text);
    return { path, text: file.text, documents: file.documents };
  });
  return { dir, files: written, bytes: written.reduce((n, f) => n + f.text.length, 0), description };
}

/** A folder for the inputs of one run, removed by removeInputs. */
export function inputsRoot(): string {
  return mkdtempSync(join(tmpdir(), 'image-aware-bench-'));
}

export function removeInputs(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export function writeVaried(root: string, name: string, bytes: number, seed: number): FileInput {
  const path = join(root, name);
  const stream = generateVaried(bytes, seed);
  writeFile(path, stream.text);
  return { path, ...stream };
}

export function writeGeneratedFolder(root: string, bytes: number, seed: number): FolderInput {
  return writeFolder(join(root, 'folder'), generateFolder(bytes, seed), `generateFolder(${(bytes / 1048576).toFixed(0)} MB, seed ${seed})`);
}

export function writeManyFiles(root: string, count: number, seed: number): FolderInput {
  return writeFolder(join(root, 'many'), generateSmallFiles(count, seed), `generateSmallFiles(${count}, seed ${seed})`);
}

/** The manifest files check reads below dir, read as it does (UTF-8). */
export function readCorpus(dir: string): FolderInput {
  const files = manifestFiles([dir]).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  return { dir, files, bytes: files.reduce((n, f) => n + f.text.length, 0), description: `--corpus ${dir}` };
}

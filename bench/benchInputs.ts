/**
 * The inputs of the targets benchmark, written to a temporary folder so fresh processes can read
 * them: a 1 MB varied manifest, a folder of varied manifests (or the user's --corpus folder), a
 * 10 MB varied manifest and a folder of many one-object files. Generation is not timed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { manifestFiles } from './manifestFiles';
import { generateFolder, generateSmallFiles, generateVaried } from './varied';
import type { GeneratedDocument, GeneratedFile, VariedStream } from './varied';

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

export interface BenchInputs {
  readonly root: string;
  readonly varied: FileInput;
  readonly folder: FolderInput;
  readonly big: FileInput;
  readonly many: FolderInput;
}

export interface InputOptions {
  readonly seed: number;
  readonly variedBytes: number;
  readonly folderBytes: number;
  readonly bigBytes: number;
  readonly manyFiles: number;
  /** A folder of real manifests measured instead of the generated folder. */
  readonly corpus?: string;
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function writeStream(path: string, stream: VariedStream): FileInput {
  writeFile(path, stream.text);
  return { path, ...stream };
}

function writeFolder(dir: string, files: readonly GeneratedFile[], description: string): FolderInput {
  const written = files.map((file) => {
    const path = join(dir, ...file.path.split('/'));
    writeFile(path, file.text);
    return { path, text: file.text, documents: file.documents };
  });
  return { dir, files: written, bytes: written.reduce((n, f) => n + f.text.length, 0), description };
}

/** The manifest files check reads below dir, read as it does (UTF-8). */
function readCorpus(dir: string): FolderInput {
  const files = manifestFiles([dir]).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  return { dir, files, bytes: files.reduce((n, f) => n + f.text.length, 0), description: `--corpus ${dir}` };
}

export function writeInputs(options: InputOptions): BenchInputs {
  const root = mkdtempSync(join(tmpdir(), 'image-aware-bench-'));
  const { seed } = options;
  const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;
  return {
    root,
    varied: writeStream(join(root, 'varied.yaml'), generateVaried(options.variedBytes, seed)),
    folder:
      options.corpus !== undefined
        ? readCorpus(options.corpus)
        : writeFolder(join(root, 'folder'), generateFolder(options.folderBytes, seed + 1), `generateFolder(${mb(options.folderBytes)}, seed ${seed + 1})`),
    big: writeStream(join(root, 'big.yaml'), generateVaried(options.bigBytes, seed + 2)),
    many: writeFolder(join(root, 'many'), generateSmallFiles(options.manyFiles, seed + 3), `generateSmallFiles(${options.manyFiles}, seed ${seed + 3})`),
  };
}

export function removeInputs(inputs: BenchInputs): void {
  rmSync(inputs.root, { recursive: true, force: true });
}

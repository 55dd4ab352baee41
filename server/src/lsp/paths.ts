/**
 * File system paths of document URIs, for the server's state that follows files on disk.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file system path of a file: URI, or null for other schemes (untitled documents, remote files). */
export function pathOf(uri: string): string | null {
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** Whether `path` is below `folder` (not the folder itself). */
export function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

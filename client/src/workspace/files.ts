/**
 * The workspace's manifests and Dockerfiles as the build and cluster commands need them: the text
 * of an open document (with its unsaved edits) wins over the file on disk, as it does for the pin
 * actions, so a pin lands in what the user sees.
 */
import * as vscode from 'vscode';
import { analyze } from '../../../server/src/core';
import type { Analysis } from '../../../server/src/core';

export interface ManifestFile {
  readonly uri: vscode.Uri;
  readonly analysis: Analysis;
}

const EXCLUDE = '{**/node_modules/**,**/.git/**}';
/** Dockerfiles and Containerfiles under every name the built-in Docker language knows. */
export const DOCKERFILE_GLOB = '**/{Dockerfile,Containerfile,*.Dockerfile,*.Containerfile,Dockerfile.*,Containerfile.*,*.dockerfile,*.containerfile}';

/** A bound on the files read for one command, so a huge monorepo cannot stall it. */
const MAX_FILES = 5000;

export async function findDockerfiles(): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(DOCKERFILE_GLOB, EXCLUDE, MAX_FILES);
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

/** The path a Dockerfile mapping setting uses: relative to its workspace folder, with forward slashes. */
export function workspacePath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

export function analyzeDocument(document: vscode.TextDocument, maxFileSize: number): Analysis {
  return analyze(document.getText(), { fileName: document.fileName, maxFileSize });
}

/** Every YAML file of the workspace plus open YAML documents outside it, analysed. */
export async function workspaceManifests(maxFileSize: number): Promise<ManifestFile[]> {
  const open = new Map(
    vscode.workspace.textDocuments.filter((d) => d.languageId === 'yaml' && !d.isClosed && d.uri.scheme !== 'git').map((d) => [d.uri.toString(), d]),
  );
  const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', EXCLUDE, MAX_FILES);
  const uris = new Map(files.map((uri) => [uri.toString(), uri]));
  for (const document of open.values()) uris.set(document.uri.toString(), document.uri);
  const decoder = new TextDecoder();
  const read = await Promise.all(
    [...uris.entries()].map(async ([key, uri]): Promise<ManifestFile | null> => {
      const document = open.get(key);
      // A file deleted since findFiles listed it is simply not there any more.
      const text = document
        ? document.getText()
        : await vscode.workspace.fs.readFile(uri).then(
            (bytes) => decoder.decode(bytes),
            () => null,
          );
      return text === null ? null : { uri, analysis: analyze(text, { fileName: uri.path, maxFileSize }) };
    }),
  );
  return read.filter((file): file is ManifestFile => file !== null && file.analysis.documents.some((doc) => doc.analysis.fields.isManifest));
}

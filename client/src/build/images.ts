/**
 * The workspace's manifests as the engine's build rules read them (engine/build/tagCandidates.ts:
 * which Dockerfile builds which image field, and which tags a Dockerfile's build is offered): each
 * with its path relative to its workspace folder.
 */
import * as vscode from 'vscode';
import type { ManifestOfWorkspace } from '../../../server/src/engine';
import type { ManifestFile } from '../workspace/files';
import { workspacePath } from '../workspace/files';

/** A manifest's workspace-relative path, or null for a document outside every workspace folder (an untitled one). */
export function manifestPath(uri: vscode.Uri): string | null {
  return vscode.workspace.getWorkspaceFolder(uri) ? workspacePath(uri) : null;
}

export function manifestsOfWorkspace(manifests: readonly ManifestFile[]): ManifestOfWorkspace[] {
  return manifests.flatMap((file) => {
    const path = manifestPath(file.uri);
    return path === null ? [] : [{ path, analysis: file.analysis }];
  });
}

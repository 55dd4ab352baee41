/**
 * Code lenses that start a build where the user is looking: above each FROM line of a Dockerfile or
 * Containerfile (the last stage: build, and build+push+pin; a named earlier stage: build up to it),
 * and above each manifest `image:` whose repository a workspace Dockerfile builds (mapping setting
 * or folder-name convention), which builds, pushes and pins exactly that image.
 */
import * as vscode from 'vscode';
import { imageSites } from '../../../server/src/core';
import { buildTagOf, dockerfileOfSite, fromLines } from '../../../server/src/engine';
import { analyzeDocument, DOCKERFILE_GLOB, findDockerfiles, workspacePath } from '../workspace/files';
import { manifestPath } from './images';
import { buildSettings, coreSettings } from './settings';

function dockerfileLenses(document: vscode.TextDocument): vscode.CodeLens[] {
  const froms = fromLines(document.getText());
  return froms.flatMap((from, index) => {
    const range = new vscode.Range(from.line, 0, from.line, 0);
    const dockerfile = document.uri.toString();
    if (index === froms.length - 1) {
      return [
        new vscode.CodeLens(range, { title: '$(package) Build image', command: 'imageAware.buildImage', arguments: [{ dockerfile }] }),
        new vscode.CodeLens(range, { title: '$(cloud-upload) Build, push and pin', command: 'imageAware.buildPushPin', arguments: [{ dockerfile }] }),
      ];
    }
    // An earlier stage can be built on its own only by name (--target).
    return from.stage === null
      ? []
      : [
          new vscode.CodeLens(range, {
            title: `$(package) Build stage ${from.stage}`,
            command: 'imageAware.buildImage',
            arguments: [{ dockerfile, target: from.stage }],
          }),
        ];
  });
}

class ManifestLenses {
  /** Workspace-relative Dockerfile paths, found once and again when one is created or deleted. */
  private dockerfiles: Promise<string[]> | null = null;

  forget(): void {
    this.dockerfiles = null;
  }

  async lenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    this.dockerfiles ??= findDockerfiles().then((uris) => uris.map(workspacePath));
    const dockerfiles = await this.dockerfiles;
    const mapping = buildSettings(document.uri).dockerfiles;
    if (dockerfiles.length === 0 && Object.keys(mapping).length === 0) return [];
    const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) return [];
    const analysis = analyzeDocument(document, coreSettings(document.uri).maxFileSize);
    const path = manifestPath(document.uri);
    return imageSites(analysis).flatMap((site) => {
      const dockerfile = dockerfileOfSite(site, path, dockerfiles, mapping);
      if (dockerfile === null) return [];
      const start = document.positionAt(site.span.start);
      const args = { dockerfile: vscode.Uri.joinPath(folder.uri, dockerfile).toString(), tag: buildTagOf(site.ref) };
      return [
        new vscode.CodeLens(new vscode.Range(start, start), {
          title: `$(cloud-upload) Build & push & pin from ${dockerfile}`,
          command: 'imageAware.buildPushPin',
          arguments: [args],
        }),
      ];
    });
  }
}

export function registerCodeLenses(subscriptions: vscode.Disposable[]): void {
  const changed = new vscode.EventEmitter<void>();
  const manifests = new ManifestLenses();
  const refresh = (): void => {
    manifests.forget();
    changed.fire();
  };
  const watcher = vscode.workspace.createFileSystemWatcher(DOCKERFILE_GLOB, false, true, false);
  subscriptions.push(
    changed,
    watcher,
    watcher.onDidCreate(refresh),
    watcher.onDidDelete(refresh),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('imageAware.build.dockerfiles')) refresh();
    }),
    vscode.languages.registerCodeLensProvider({ language: 'dockerfile' }, { provideCodeLenses: dockerfileLenses }),
    vscode.languages.registerCodeLensProvider(
      [
        { language: 'yaml', scheme: 'file' },
        { language: 'yaml', scheme: 'untitled' },
      ],
      {
        onDidChangeCodeLenses: changed.event,
        provideCodeLenses: (document) => manifests.lenses(document),
      },
    ),
  );
}

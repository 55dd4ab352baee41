/**
 * Apply File, Apply Document, Set Image and Scale: VS Code adapters over the engine's cluster flows
 * (server-side apply after a dry run, kubectl's set image and scale), each followed by watching the
 * rollout. Each takes an argument object (tasks, keybindings, tests) and asks only for what it leaves
 * out; each returns what it did, or undefined when it was dismissed, refused or failed. Refusals (no
 * kubeconfig, unreachable, 401, 403 with verb and resource) are error notifications with the reason.
 */
import * as vscode from 'vscode';
import { containerAt, documentAt, isSettableContainer } from '../../../server/src/core';
import type { Cluster, KubeObject, ObjectRef } from '../../../server/src/cluster';
import {
  tallyApply,
  applyObjects,
  displayName,
  fieldManagerOrDefault,
  manifestObjects,
  refOf,
  scale,
  setImage,
  setImageFileEdit,
} from '../../../server/src/engine';
import type { ApplyReport } from '../../../server/src/engine';
import { argumentObject } from '../args';
import { coreSettings } from '../build/settings';
import { inform, showError } from '../ui/confirm';
import { reportFailure } from '../ui/failures';
import type { Output } from '../ui/output';
import { ask, pick } from '../ui/pick';
import type { DiffView } from '../ui/diffView';
import { withCancellableProgress } from '../ui/progress';
import type { ReportProgress } from '../ui/progress';
import { analyzeDocument } from '../workspace/files';
import { applicableObjects, objectsAt, openManifest } from './manifest';
import type { ManifestArguments } from './manifest';
import { pickImage } from './imagePick';
import { applyPrompts } from './prompts';
import { watchRollouts } from './rollouts';
import type { WatchedRollout } from './rollouts';
import type { ClusterSession } from './session';
import { settleUnsaved } from './unsaved';
import type { UnsavedArguments } from './unsaved';

export interface ApplyArguments extends ManifestArguments, UnsavedArguments {
  /** False: apply without showing diffs or asking (for tasks). Conflicts are then not forced; a file with unsaved changes needs `dirty`. */
  readonly confirm: boolean;
  /** True: take over fields other managers own without asking. */
  readonly force: boolean;
}

export interface SetImageArguments extends ManifestArguments {
  readonly container: string;
  readonly image: string;
}

export interface ScaleArguments extends ManifestArguments {
  readonly replicas: number;
}

export interface ApplyResult extends ApplyReport {
  readonly rollouts: readonly WatchedRollout[];
}

function fieldManager(): string {
  return fieldManagerOrDefault(vscode.workspace.getConfiguration('imageAware.apply').get<string>('fieldManager'));
}

function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export class ClusterCommands {
  constructor(
    private readonly session: ClusterSession,
    private readonly output: Output,
    private readonly diffView: DiffView,
  ) {}

  register(subscriptions: vscode.Disposable[]): void {
    // Menus on a file pass its URI as the only argument.
    const applyArgument = (value: unknown): Partial<ApplyArguments> => (value instanceof vscode.Uri ? { uri: value } : argumentObject<ApplyArguments>(value));
    subscriptions.push(
      vscode.commands.registerCommand('imageAware.applyFile', (value: unknown) => this.apply(applyArgument(value), 'file')),
      vscode.commands.registerCommand('imageAware.applyDocument', (value: unknown) => this.apply(applyArgument(value), 'document')),
      vscode.commands.registerCommand('imageAware.setImage', (value: unknown) => this.setImage(argumentObject<SetImageArguments>(value))),
      vscode.commands.registerCommand('imageAware.scale', (value: unknown) => this.scale(argumentObject<ScaleArguments>(value))),
    );
  }

  /** Connects to the picked context, then runs `work` under a cancellable progress notification. */
  private async withCluster<T>(
    what: string,
    work: (cluster: Cluster, where: string, signal: AbortSignal, report: ReportProgress) => Promise<T>,
  ): Promise<T | undefined> {
    let cluster: Cluster;
    try {
      cluster = await this.session.connect();
    } catch (error) {
      reportFailure(what, error, this.output);
      return undefined;
    }
    const where = `${cluster.context.name}/${cluster.context.namespace}`;
    return withCancellableProgress(`${what} (${where})`, async (signal, report) => {
      this.output.start(`${what} in context "${cluster.context.name}" (${cluster.context.server}), namespace "${cluster.context.namespace}"`);
      try {
        return await work(cluster, where, signal, report);
      } catch (error) {
        reportFailure(what, error, this.output, signal);
        return undefined;
      }
    });
  }

  async apply(arg: Partial<ApplyArguments>, scope: 'file' | 'document'): Promise<ApplyResult | undefined> {
    let objects: KubeObject[];
    try {
      const { document, offset } = await openManifest(arg);
      if (!(await settleUnsaved(document, arg))) return undefined;
      const found = scope === 'file' ? manifestObjects(document.getText()) : objectsAt(document, offset);
      objects = applicableObjects(found, document).map((o) => o.object!);
      if (objects.length === 0) {
        inform(scope === 'file' ? 'This file has no Kubernetes objects to apply.' : 'The cursor is not in a YAML document with a Kubernetes object.');
        return undefined;
      }
    } catch (error) {
      reportFailure('Apply', error, this.output);
      return undefined;
    }
    const manager = fieldManager();
    return this.withCluster(`Applying ${plural(objects.length, 'object')}`, async (cluster, where, signal, report) => {
      report('server dry run');
      const diffs = this.diffView.tabs();
      const prompts = applyPrompts({ confirm: arg.confirm ?? true, force: arg.force ?? false }, diffs, where, manager, report);
      let result: ApplyReport;
      try {
        result = await applyObjects(objects, cluster, prompts, { fieldManager: manager, output: (line) => this.output.line(line), signal });
      } finally {
        // Applied, declined or failed: the dry run's diffs have served their purpose.
        await diffs.close();
      }
      report('applied');
      if (!result.confirmed) return { ...result, rollouts: [] };
      this.tellApplied(result, where);
      const rollouts = await watchRollouts(tallyApply(result).changed, cluster, this.output, report, signal);
      return { ...result, rollouts };
    });
  }

  private tellApplied(result: ApplyReport, where: string): void {
    const tally = tallyApply(result);
    const problems = tally.notApplied.map((r) => `${displayName(r.ref)}: ${r.message}`);
    const done = tally.applied.map((r) => `${displayName(r.ref)} ${r.outcome}`);
    if (problems.length > 0) showError(`Not applied to ${where}: ${problems.join('; ')}`, this.output);
    if (done.length > 0) inform(`Applied to ${where}: ${done.join(', ')}.`);
  }

  /** The object of the YAML document at the position, as a reference to look up in the cluster. */
  private async objectAt(
    arg: Partial<ManifestArguments>,
    what: string,
  ): Promise<{ document: vscode.TextDocument; offset: number; index: number; object: KubeObject; ref: ObjectRef }> {
    const { document, offset } = await openManifest(arg);
    const [found, ...more] = objectsAt(document, offset);
    if (!found) throw new Error(`${what}: the cursor is not in a YAML document with a Kubernetes object.`);
    if (more.length > 0) throw new Error(`${what}: this document is a List; put each object in its own document.`);
    if (!found.object) throw new Error(`${what}: ${found.problem}`);
    return { document, offset, index: found.index, object: found.object, ref: refOf(found.object) };
  }

  async setImage(arg: Partial<SetImageArguments>): Promise<{ image: string; container: string; fileEdited: boolean } | undefined> {
    const title = 'Image Aware: Set Image';
    let chosen: { document: vscode.TextDocument; ref: ObjectRef; container: string; image: string };
    try {
      const { document, offset, index, ref } = await this.objectAt(arg, 'Set Image');
      const analysis = analyzeDocument(document, coreSettings(document.uri).maxFileSize);
      const containers = analysis.documents[index]?.analysis.fields.containers.filter((c) => c.name !== null && isSettableContainer(c)) ?? [];
      const cursor = documentAt(analysis, offset) === analysis.documents[index] ? containerAt(analysis, offset) : null;
      const atCursor = cursor && isSettableContainer(cursor) ? cursor : null;
      const container =
        arg.container ??
        atCursor?.name ??
        (containers.length === 1
          ? containers[0].name
          : await pick(
              containers.map((c) => ({ label: c.name!, description: c.image?.value?.value ?? '', value: c.name! })),
              { title, placeHolder: `Which container of ${displayName(ref)}?` },
            ));
      if (!container) return undefined;
      const current = containers.find((c) => c.name === container)?.image?.value?.value ?? '';
      const target = `container "${container}" of ${displayName(ref)}`;
      const image = arg.image ?? (await pickImage({ title, target, current, settings: coreSettings(document.uri) }));
      if (!image) return undefined;
      chosen = { document, ref, container, image: image.trim() };
    } catch (error) {
      reportFailure('Set Image', error, this.output);
      return undefined;
    }
    const { document, ref, container, image } = chosen;
    return this.withCluster(`Setting the image of ${displayName(ref)}`, async (cluster, where, signal, report) => {
      await setImage(ref, container, image, cluster, { fieldManager: fieldManager(), dryRun: false });
      this.output.line(`${displayName(ref)} image updated: ${container}=${image}`);
      // The file follows the cluster, edited in the field's own quoting; measured against its text
      // now, and the object found again by name, since documents may have moved meanwhile.
      const now = manifestObjects(document.getText()).find((o) => o.object !== null && sameRef(refOf(o.object), ref));
      const edit = now ? setImageFileEdit(analyzeDocument(document, coreSettings(document.uri).maxFileSize), now.index, container, image) : null;
      let fileEdited = false;
      if (edit) {
        const workspaceEdit = new vscode.WorkspaceEdit();
        workspaceEdit.replace(document.uri, new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end)), edit.newText);
        fileEdited = await vscode.workspace.applyEdit(workspaceEdit);
      }
      inform(`Set ${container}=${image} on ${displayName(ref)} in ${where}${fileEdited ? ' and in the file' : ''}.`);
      await watchRollouts([ref], cluster, this.output, report, signal);
      return { image, container, fileEdited };
    });
  }

  async scale(arg: Partial<ScaleArguments>): Promise<{ replicas: number } | undefined> {
    let ref: ObjectRef;
    let replicas: number;
    try {
      const found = await this.objectAt(arg, 'Scale');
      ref = found.ref;
      const written = (found.object.spec as { replicas?: unknown } | undefined)?.replicas;
      const text =
        arg.replicas !== undefined
          ? String(arg.replicas)
          : await ask({
              title: 'Image Aware: Scale',
              prompt: `Replicas of ${displayName(ref)} (the file keeps its own value; the next apply sets that again)`,
              value: typeof written === 'number' ? String(written) : '',
              validate: (input) => (/^\d+$/.test(input.trim()) ? null : 'A whole number of 0 or more'),
            });
      if (text === undefined) return undefined;
      replicas = Number(text.trim());
    } catch (error) {
      reportFailure('Scale', error, this.output);
      return undefined;
    }
    return this.withCluster(`Scaling ${displayName(ref)} to ${replicas}`, async (cluster, where, signal, report) => {
      const line = await scale(ref, replicas, cluster, { fieldManager: fieldManager(), dryRun: false });
      this.output.line(line);
      inform(`${line} to ${replicas} in ${where}.`);
      await watchRollouts([ref], cluster, this.output, report, signal);
      return { replicas };
    });
  }
}

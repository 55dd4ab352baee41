/**
 * Pin Every Image in the Workspace (imageAware.pinWorkspace) in VS Code: the language server asks
 * the registries and plans the pins (`{ apply: false }`, server/src/lsp/handlers/pinWorkspace.ts),
 * under a cancellable progress notification; the pins are previewed (./preview.ts) unless
 * `preview: false` (tasks, keybindings), checked against the documents as they are now, and applied
 * as ONE WorkspaceEdit, left unsaved to review and undo; then every image pinned and every one left
 * is told (./summary.ts). Returns what it did, or undefined when it was dismissed, cancelled or failed.
 */
import * as vscode from 'vscode';
import type { PinWorkspaceArguments, PinWorkspaceResult, PlannedPin } from '../../../server/src/lsp';
import { argumentObject } from '../args';
import { inform, showError } from '../ui/confirm';
import type { DiffView } from '../ui/diffView';
import { reportFailure } from '../ui/failures';
import type { Output } from '../ui/output';
import { withCancellableProgress } from '../ui/progress';
import { pinEdit, pinsByFile, stalePins } from './pins';
import { previewPins } from './preview';
import { reportPins } from './summary';

export interface PinWorkspaceCommandArguments {
  /** False: apply every pin without the preview. */
  readonly preview: boolean;
}

/** What the command returns to tasks and tests: the server's counts and lists, for what was applied here. */
export interface PinWorkspaceOutcome extends Pick<PinWorkspaceResult, 'applied' | 'pinned' | 'files' | 'skipped' | 'unpinnable' | 'message'> {
  /** Pins the preview offered that were unchecked. */
  readonly unchecked: number;
}

/** Sends imageAware.pinWorkspace to the language server with this argument. */
export type AskServer = (argument: PinWorkspaceArguments, token: vscode.CancellationToken) => Promise<unknown>;

const TITLE = 'Pin Every Image in the Workspace';

export class WorkspacePin {
  constructor(
    private readonly output: Output,
    private readonly diffView: DiffView,
  ) {}

  async run(value: unknown, askServer: AskServer): Promise<PinWorkspaceOutcome | undefined> {
    const arg = argumentObject<PinWorkspaceCommandArguments>(value);
    try {
      const plan = await this.plan(askServer);
      if (!plan) return undefined;
      if (!plan.asked) {
        // imageAware.registry.online is off: the server says so, and nothing was asked.
        void vscode.window.showWarningMessage(plan.message);
        return { applied: false, pinned: 0, files: 0, unchecked: 0, skipped: [], unpinnable: [], message: plan.message };
      }
      this.output.start(TITLE);
      const notPinned = [...plan.skipped, ...plan.unpinnable];
      const outcome = (pinned: readonly PlannedPin[], unchecked: readonly PlannedPin[], applied: boolean): PinWorkspaceOutcome => ({
        applied,
        pinned: pinned.length,
        files: pinsByFile(pinned).size,
        unchecked: unchecked.length,
        skipped: plan.skipped,
        unpinnable: plan.unpinnable,
        message: reportPins({ pinned, unchecked, notPinned }, this.output),
      });
      if (plan.pins.length === 0) return outcome([], [], false);
      const documents = new Map<string, vscode.TextDocument>();
      for (const uri of pinsByFile(plan.pins).keys()) documents.set(uri, await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)));
      const chosen = arg.preview === false ? plan.pins : await this.preview(plan.pins, documents);
      if (!chosen) {
        this.output.line('The preview was dismissed: nothing pinned.');
        return undefined;
      }
      const unchecked = plan.pins.filter((pin) => !chosen.includes(pin));
      // Checked and applied with no await in between: an edit typed meanwhile would shift the ranges.
      const stale = stalePins(chosen, documents);
      if (stale) {
        this.output.line(`Nothing pinned: ${stale}.`);
        showError(`Nothing pinned: ${stale}. Run ${TITLE} again.`, this.output);
        return undefined;
      }
      const applied = chosen.length > 0 && (await vscode.workspace.applyEdit(pinEdit(chosen, documents)));
      if (chosen.length > 0 && !applied) throw new Error('the editor did not apply the edit');
      return outcome(chosen, unchecked, applied);
    } catch (error) {
      reportFailure(TITLE, error, this.output);
      return undefined;
    }
  }

  /** The server's plan, asked under a cancellable progress notification; undefined when cancelled. */
  private async plan(askServer: AskServer): Promise<PinWorkspaceResult | undefined> {
    const result = await withCancellableProgress(TITLE, async (signal, report) => {
      report('asking the registries');
      const cancel = new vscode.CancellationTokenSource();
      signal.addEventListener('abort', () => cancel.cancel(), { once: true });
      try {
        const answer = await askServer({ apply: false }, cancel.token);
        // A plan that arrives after Cancel was clicked is not previewed.
        return signal.aborted ? undefined : answer;
      } catch (error) {
        if (signal.aborted) return undefined;
        throw error;
      } finally {
        cancel.dispose();
      }
    });
    if (result === undefined) {
      this.output.line(`${TITLE}: cancelled.`);
      inform(`${TITLE}: cancelled.`);
      return undefined;
    }
    if (!isPlan(result)) throw new Error('the language server could not plan the pins (its log is in the "Image Aware" output)');
    return result;
  }

  private async preview(pins: readonly PlannedPin[], documents: ReadonlyMap<string, vscode.TextDocument>): Promise<PlannedPin[] | undefined> {
    const diffs = this.diffView.tabs();
    try {
      return await previewPins(pins, documents, diffs);
    } finally {
      await diffs.close();
    }
  }
}

function isPlan(value: unknown): value is PinWorkspaceResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as PinWorkspaceResult).pins);
}

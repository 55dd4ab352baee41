/**
 * The apply flow's two questions, asked the VS Code way: the server's dry-run result next to the
 * live object in diff editors (the caller closes them when the apply ends), then one modal "Apply N
 * objects to context/namespace?"; and, when other field managers own fields the file sets, a modal
 * naming each field and manager with "Force apply". `confirm: false` (tasks, keybindings) applies
 * without asking and never forces unless `force: true` says so.
 */
import type { FieldConflict, ObjectRef } from '../../../server/src/cluster';
import type { ApplyPrompts, ObjectChange } from '../../../server/src/engine';
import { displayName } from '../../../server/src/engine';
import { confirm } from '../ui/confirm';
import type { ReportProgress } from '../ui/progress';
import type { DiffTabs } from '../ui/diffView';

/** More diff tabs than this would bury the editor; the modal lists every object anyway. */
const MAX_DIFFS = 5;

export interface PromptChoices {
  /** False applies without showing diffs or asking. */
  readonly confirm: boolean;
  /** True takes over conflicting fields without asking. */
  readonly force: boolean;
}

function conflictLines(conflicts: readonly FieldConflict[]): string[] {
  return conflicts.map((c) => `${c.field} (owned by "${c.manager}")`);
}

function changeLine(change: ObjectChange): string {
  const taking =
    change.conflicts.length > 0
      ? `, taking over ${change.conflicts.length} field${change.conflicts.length === 1 ? '' : 's'} ` +
        `from ${[...new Set(change.conflicts.map((c) => `"${c.manager}"`))].join(', ')}`
      : '';
  const pending = change.pendingNamespace === null ? '' : ` (not dry-run: its namespace "${change.pendingNamespace}" is created first)`;
  return `${change.action} ${displayName(change.ref)}${taking}${pending}`;
}

export function applyPrompts(choices: PromptChoices, diffs: DiffTabs, where: string, fieldManager: string, report: ReportProgress): ApplyPrompts {
  return {
    async confirmApply(changes) {
      if (!choices.confirm) return true;
      const changed = changes.filter((c) => c.action !== 'unchanged');
      for (const change of changed.slice(0, MAX_DIFFS)) {
        const name = `${displayName(change.ref)}${change.ref.namespace ? ` in ${change.ref.namespace}` : ''}`;
        await diffs.show(
          `${name}: live ↔ after apply (server dry run)`,
          { side: 'live', name, text: change.live },
          { side: 'dry-run', name, text: change.proposed },
          { preview: changed.length === 1, preserveFocus: false },
        );
      }
      report('waiting for your confirmation');
      const more = changed.length > MAX_DIFFS ? `\n(diffs are open for the first ${MAX_DIFFS})` : '';
      return confirm(
        `Apply ${changed.length} object${changed.length === 1 ? '' : 's'} to ${where}?`,
        `Server-side apply as field manager "${fieldManager}"; the server's dry run says:\n${changes.map(changeLine).join('\n')}${more}`,
        'Apply',
      );
    },
    async confirmForce(ref: ObjectRef, conflicts: readonly FieldConflict[]) {
      if (choices.force) return true;
      if (!choices.confirm) return false;
      report('waiting for your answer about the conflict');
      return confirm(
        `${displayName(ref)}: other field managers own fields this file sets`,
        `${conflictLines(conflicts).join('\n')}\n\nForce apply makes "${fieldManager}" their manager; the other tools may set them back.`,
        'Force apply',
      );
    },
  };
}

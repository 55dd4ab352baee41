/**
 * The preview of Pin Every Image in the Workspace: one pick list of every pin, grouped by file, each
 * row the image as written, its line and the digest it gets; every row starts checked, so Enter
 * pins them all and unchecking leaves an image as it is. A row's button opens its file beside the
 * file with all its pins as a diff. VS Code's Refactor Preview would show the same edit, but it
 * starts every change it is asked to confirm unchecked (bulkEditPreview: needsConfirmation means
 * opt in), so Apply there pins nothing until each file is ticked.
 */
import * as vscode from 'vscode';
import type { PlannedPin } from '../../../server/src/lsp';
import type { DiffTabs } from '../ui/diffView';
import { pinsByFile, shortPinned, textWithPins } from './pins';

interface PinItem extends vscode.QuickPickItem {
  readonly pin?: PlannedPin;
}

const DIFF_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('diff'), tooltip: "Show this file's pins as a diff" };

/** The pins to apply (those left checked), or undefined when the preview was dismissed. */
export async function previewPins(
  pins: readonly PlannedPin[],
  documents: ReadonlyMap<string, vscode.TextDocument>,
  diffs: DiffTabs,
): Promise<PlannedPin[] | undefined> {
  const files = pinsByFile(pins);
  const items: PinItem[] = [];
  for (const [uri, filePins] of files) {
    items.push({ label: vscode.workspace.asRelativePath(vscode.Uri.parse(uri)), kind: vscode.QuickPickItemKind.Separator });
    for (const pin of filePins) items.push({ label: pin.image, description: `line ${pin.line + 1} → ${shortPinned(pin)}`, buttons: [DIFF_BUTTON], pin });
  }
  const quickPick = vscode.window.createQuickPick<PinItem>();
  quickPick.title = `Pin Every Image in the Workspace: ${pins.length} image${pins.length === 1 ? '' : 's'} in ${files.size} file${files.size === 1 ? '' : 's'}`;
  quickPick.placeholder = 'Uncheck the images to leave as they are, then press Enter to pin the checked ones';
  quickPick.canSelectMany = true;
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDescription = true;
  quickPick.items = items;
  quickPick.selectedItems = items.filter((item) => item.pin);
  try {
    return await new Promise<PlannedPin[] | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems.flatMap((item) => (item.pin ? [item.pin] : []))));
      quickPick.onDidHide(() => resolve(undefined));
      quickPick.onDidTriggerItemButton(({ item }) => {
        const document = item.pin && documents.get(item.pin.uri);
        if (!item.pin || !document) return;
        const path = vscode.workspace.asRelativePath(document.uri);
        const pinned = { side: 'pinned', name: path, text: textWithPins(document, files.get(item.pin.uri) ?? []) };
        void diffs.show(`${path}: as it is ↔ pinned`, document.uri, pinned, { preview: true, preserveFocus: true });
      });
      quickPick.show();
    });
  } finally {
    quickPick.dispose();
  }
}

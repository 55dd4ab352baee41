/**
 * Modal confirmations and notifications. Notifications are never awaited by a command: a command
 * ends when its work ends, not when the user gets round to closing a toast (tasks, keybindings and
 * tests run commands and wait for them).
 */
import * as vscode from 'vscode';
import type { Output } from './output';

/** A modal dialog with one action; true only when that action was chosen. */
export async function confirm(message: string, detail: string, action: string): Promise<boolean> {
  return (await choose(message, detail, [action])) === action;
}

/** A modal dialog with several actions (and Cancel); the action chosen, or undefined. */
export async function choose<T extends string>(message: string, detail: string, actions: readonly T[]): Promise<T | undefined> {
  return vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
}

export function inform(message: string): void {
  void vscode.window.showInformationMessage(message);
}

/** An information notification with one button; `run` when it is clicked. */
export function informWithAction(message: string, action: string, run: () => Promise<unknown>): void {
  void vscode.window.showInformationMessage(message, action).then((choice) => (choice === action ? run() : undefined));
}

/** An error notification with a "Show Output" button that opens the build & deploy log. */
export function showError(message: string, output: Output): void {
  void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => {
    if (choice === 'Show Output') output.show();
  });
}

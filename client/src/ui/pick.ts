/**
 * Quick picks and input boxes that resolve to undefined when the user presses Escape: every
 * command treats undefined as "stop here, quietly".
 */
import * as vscode from 'vscode';

export interface Choice<T> extends vscode.QuickPickItem {
  readonly value: T;
}

export async function pick<T>(choices: readonly Choice<T>[], options: { title: string; placeHolder?: string }): Promise<T | undefined> {
  const chosen = await vscode.window.showQuickPick(choices, {
    title: options.title,
    placeHolder: options.placeHolder,
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  return chosen?.value;
}

export interface AskOptions {
  readonly title: string;
  readonly prompt: string;
  readonly value?: string;
  readonly placeHolder?: string;
  readonly password?: boolean;
  /** A message for people when the text cannot be used, or null when it can. */
  readonly validate?: (text: string) => string | null;
}

export async function ask(options: AskOptions): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: options.title,
    prompt: options.prompt,
    value: options.value,
    placeHolder: options.placeHolder,
    password: options.password,
    ignoreFocusOut: true,
    validateInput: options.validate,
  });
}

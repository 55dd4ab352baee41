/**
 * The "Image Aware: Build & Deploy" output channel: what build tools print and what the cluster
 * commands do, one line at a time as it happens. The language server keeps its own "Image Aware"
 * channel; build logs are long and would bury the server's messages.
 */
import * as vscode from 'vscode';

export interface Output {
  /** One line of a tool's output or of a command's progress. */
  line(text: string): void;
  /** A heading for the run that starts now, so runs can be told apart in a long log. */
  start(title: string): void;
  show(): void;
}

export function createOutput(context: vscode.ExtensionContext): Output {
  const channel = vscode.window.createOutputChannel('Image Aware: Build & Deploy');
  context.subscriptions.push(channel);
  return {
    line: (text) => channel.appendLine(text),
    start: (title) => channel.appendLine(`\n[${new Date().toLocaleTimeString()}] ${title}`),
    show: () => channel.show(true),
  };
}

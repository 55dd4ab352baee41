/**
 * The settings the build, push and pin commands read, at the moment they run (so a change applies
 * to the next command without a reload). The registry and pin settings go through the core's
 * parseSettings, exactly as the language server reads them, so a push pins the way the pin action does.
 */
import * as vscode from 'vscode';
import { parseSettings } from '../../../server/src/core';
import type { Settings } from '../../../server/src/core';
import { TOOL_NAMES } from '../../../server/src/tools';
import type { ToolName } from '../../../server/src/tools';

export interface BuildSettings {
  readonly tool: 'auto' | ToolName;
  /** Repository pattern (as written in manifests, `*` allowed) → workspace-relative Dockerfile path. */
  readonly dockerfiles: Readonly<Record<string, string>>;
  /** `os/arch[/variant]`, or null for the tool's default. */
  readonly platform: string | null;
  readonly args: Readonly<Record<string, string>>;
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== ''));
}

export function buildSettings(scope?: vscode.Uri): BuildSettings {
  const config = vscode.workspace.getConfiguration('imageAware.build', scope);
  const tool = config.get<string>('tool', 'auto');
  const platform = config.get<string>('platform', '').trim();
  return {
    tool: (TOOL_NAMES as readonly string[]).includes(tool) ? (tool as ToolName) : 'auto',
    dockerfiles: stringRecord(config.get('dockerfiles')),
    platform: platform === '' ? null : platform,
    args: stringRecord(config.get('args')),
  };
}

/** The registry, pin and size-limit settings, read like the language server reads them. */
export function coreSettings(scope?: vscode.Uri): Settings {
  const config = vscode.workspace.getConfiguration('imageAware', scope);
  return parseSettings({ registry: config.get('registry'), pin: config.get('pin'), limits: config.get('limits') });
}

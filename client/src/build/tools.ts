/**
 * The build tool a command runs, and the registry client that reads back what was pushed.
 * Both are made per command from the settings of that moment: detection is cheap (PATH lookups and
 * one `docker version` when docker is installed), and a docker daemon started since the last
 * command is then found. Tools get the editor's whole environment, as a terminal would.
 */
import { parseReference } from '../../../server/src/core';
import type { Settings } from '../../../server/src/core';
import { createRegistryClient } from '../../../server/src/registry';
import type { RegistryClient } from '../../../server/src/registry';
import { chooseBuildTool } from '../../../server/src/tools';
import type { BuildTool, ToolName } from '../../../server/src/tools';

export async function chooseTool(setting: 'auto' | ToolName): Promise<BuildTool> {
  const choice = await chooseBuildTool(setting, { env: process.env });
  if (!choice.ok) throw new Error(choice.reason);
  return choice.tool;
}

/**
 * A registry client with no disk cache: after a push the tag must be asked fresh, and the language
 * server's cache is its own. Registry settings (insecure registries, CA files) as the server uses them.
 */
export function openRegistry(settings: Settings): RegistryClient {
  return createRegistryClient({
    insecureRegistries: settings.registry.insecureRegistries,
    caFiles: settings.registry.caFiles,
    env: process.env,
    userAgent: 'image-aware-vscode',
  });
}

/** The registry host of an image ("docker.io" for familiar names), or null when it is no reference. */
export function registryOf(image: string): string | null {
  const parsed = parseReference(image);
  return parsed.ok ? parsed.value.domain : null;
}

/**
 * workspace/executeCommand: the palette commands the server implements (the VS Code client
 * forwards them, since the server registers their ids).
 * - imageAware.pinWorkspace pins every image of the workspace to its digest (./pinWorkspace.ts).
 * - imageAware.refreshRegistry asks the registries again for every open document, past the tag cache.
 *   With an argument `{ image: "repo:tag" }` (the client sends it after a push, before it pins) only that
 *   tag is asked again, and every document is published again with its new answer; with `{ registry: host }`
 *   (the status bar's Retry) only the documents whose images name that registry are asked again.
 * - imageAware.scanImage runs the vulnerability scanner on one image (./scanImage.ts).
 * - imageAware.nodePlatforms takes the platforms of the picked cluster's nodes (protocol.ts NodePlatformsArguments),
 *   checked like any outside value, and publishes every document again.
 * None of them does anything on the network when imageAware.registry.online is off.
 */
import { MAX_TARGETS, parseReference, platformTargets } from '../../core';
import { record } from '../../core/json';
import type { ServerContext } from '../context';
import { COMMANDS } from '../protocol';
import type { RefreshRegistryArguments } from '../protocol';
import type { DiagnosticsPublisher } from './diagnostics';
import { pinWorkspace } from './pinWorkspace';
import { scanImageCommand } from './scanImage';

export interface CommandOptions {
  readonly diagnostics: DiagnosticsPublisher;
  /** The client accepts versioned `documentChanges` in a WorkspaceEdit. */
  readonly documentChanges: boolean;
}

/** A string field of the command's argument object (`{ image }`, `{ registry }`), or null. */
function stringField(argument: unknown, field: keyof RefreshRegistryArguments): string | null {
  const value = typeof argument === 'object' && argument !== null ? (argument as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' ? value : null;
}

async function refreshRegistry(context: ServerContext, options: CommandOptions, argument: unknown): Promise<null> {
  const image = stringField(argument, 'image');
  const registry = stringField(argument, 'registry');
  if (registry !== null) {
    for (const uri of context.registry.status.documentsAsking(registry)) {
      const document = context.documents.get(uri);
      if (document) options.diagnostics.schedule(document, true);
    }
    return null;
  }
  if (image === null) {
    options.diagnostics.scheduleAll(true);
    return null;
  }
  const parsed = parseReference(image);
  if (!parsed.ok || parsed.value.digest !== null) {
    context.connection.console.log(`Not refreshed: "${image}" is not an image reference by tag.`);
    return null;
  }
  const settings = await context.settings.global();
  if (await context.registry.tagPushed(parsed.value, settings.registry)) options.diagnostics.scheduleAll();
  return null;
}

/** The longest context name kept for messages; kubeconfig context names are short. */
const MAX_CONTEXT_NAME = 100;

function nodePlatforms(context: ServerContext, options: CommandOptions, argument: unknown): null {
  const { context: name, platforms } = record(argument);
  const texts = Array.isArray(platforms) ? platforms.slice(0, MAX_TARGETS * 4) : [];
  const contextName = typeof name === 'string' && name.length <= MAX_CONTEXT_NAME && !/[\p{Cc}]/u.test(name) ? name : 'the picked context';
  context.registry.setNodeTargets(platformTargets(texts, `the nodes of ${contextName}`));
  options.diagnostics.scheduleAll();
  return null;
}

export function registerCommands(context: ServerContext, options: CommandOptions): void {
  context.connection.onExecuteCommand((params, token) =>
    context.runSafe(`command ${params.command}`, token, null, async () => {
      if (params.command === COMMANDS.pinWorkspace) return pinWorkspace(context, options.documentChanges, params.arguments?.[0], token);
      if (params.command === COMMANDS.refreshRegistry) return refreshRegistry(context, options, params.arguments?.[0]);
      if (params.command === COMMANDS.nodePlatforms) return nodePlatforms(context, options, params.arguments?.[0]);
      if (params.command === COMMANDS.scanImage) return scanImageCommand(context, options.diagnostics, params.arguments?.[0], token);
      return null;
    }),
  );
}

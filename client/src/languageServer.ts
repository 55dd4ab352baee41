/**
 * Starts the language server (dist/server.js) over IPC for YAML documents and Dockerfiles (by the
 * `dockerfile` language, or by name where no extension gives them that language). The client id
 * `imageAware` is also the settings prefix, which is what makes the `imageAware.trace.server`
 * setting work. Nothing is synchronized: the server pulls its settings with
 * workspace/configuration and registers its own file watcher. Its palette commands
 * (imageAware.pinWorkspace, imageAware.refreshRegistry) are the server's: vscode-languageclient
 * registers every command the server announces in `executeCommandProvider` and forwards it, unless
 * a handler takes it over (Pin Every Image in the Workspace previews and applies the server's pins itself).
 */
import type { CancellationToken, ExtensionContext } from 'vscode';
import { ExecuteCommandRequest, LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

/** Runs a server command in the client: `send` sends the command to the server with the argument the client chooses. */
export type ServerCommandHandler = (args: unknown[], send: (argument: unknown, token: CancellationToken) => Promise<unknown>) => Promise<unknown>;

/** A handler of a notification the server sends on its own (NOTIFICATIONS), given its params. */
export type ServerNotificationHandler = (params: unknown) => void;

/**
 * `handlers` take over the server commands they name (the command ids stay the server's, so keybindings and tasks keep working);
 * `notifications` are registered before the server starts, so none of its first notifications is missed.
 */
export async function startLanguageServer(
  context: ExtensionContext,
  handlers: Readonly<Record<string, ServerCommandHandler>>,
  notifications: Readonly<Record<string, ServerNotificationHandler>>,
): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  // Node flags and environment for the server process, kept in package.json so bench/serverMemory.bench.ts
  // measures the server exactly as launched here: a small young generation keeps its memory near what it
  // uses, --expose-gc lets it collect once it is idle, and the environment makes glibc's malloc hand large
  // freed blocks back to the system. vscode-languageclient merges `env` over the extension host's own.
  const { serverExecArgv: execArgv, serverEnv: env } = context.extension.packageJSON.imageAware as {
    serverExecArgv: string[];
    serverEnv: Record<string, string>;
  };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv, env } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'], env } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'untitled', language: 'dockerfile' },
      { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.Containerfile,Dockerfile.*,Containerfile.*}' },
    ],
    outputChannelName: 'Image Aware',
    // The registry cache lives in the extension's global storage.
    initializationOptions: { storagePath: context.globalStorageUri.fsPath },
    middleware: {
      executeCommand: (command, args, next) => {
        const handler = handlers[command];
        if (!handler) return next(command, args);
        return handler(args, (argument, token) => client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] }, token));
      },
    },
  };
  const client = new LanguageClient('imageAware', 'Image Aware', serverOptions, clientOptions);
  for (const [method, handler] of Object.entries(notifications)) client.onNotification(method, handler);
  await client.start();
  return client;
}

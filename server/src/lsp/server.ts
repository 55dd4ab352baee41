/**
 * Wires the language server: it offers what the client can use, builds the state the server owns
 * (AnalysisCache, SettingsStore, WorkspaceIndex, LocationConfigs, RegistryService with its RegistryClient) and
 * registers one handler per LSP method. Diagnostics are pushed; everything else is answered on
 * request through runSafe.
 * The registry cache, and beside it the cache of vulnerability scans, lives in `initializationOptions.storagePath`
 * (the VS Code client sends its global storage folder), else in $XDG_CACHE_HOME/image-aware like the CLI's.
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import type { ClientCapabilities, Connection, InitializeParams, InitializeResult, ServerCapabilities } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../engine';
import { createRegistryClient, defaultCacheDir } from '../registry';
import type { ServerContext } from './context';
import { SEMANTIC_TOKENS_LEGEND } from './convert';
import { ChangeArrivals } from './changeArrivals';
import { ChartContexts } from './charts';
import { AnalysisCache } from './documents';
import { registerCodeActions } from './handlers/codeActions';
import { registerCommands } from './handlers/commands';
import { COMMANDS, NOTIFICATIONS } from './protocol';
import type { RegistryStatusParams } from './protocol';
import { COMPLETION_TRIGGER_CHARACTERS, registerCompletion } from './handlers/completion';
import { DiagnosticsPublisher } from './handlers/diagnostics';
import { registerDefinition } from './handlers/definition';
import { registerHover } from './handlers/hover';
import { registerInlayHints } from './handlers/inlayHints';
import { registerSemanticTokens } from './handlers/semanticTokens';
import { RegistryService } from './registryFacts';
import { ScanService } from './scans';
import type { RegistryClientFactory } from './registryFacts';
import { LocationConfigs } from './locations';
import { createRunSafe } from './runSafe';
import { SETTINGS_SECTION, SettingsStore } from './settings';
import { OverlayBuilds } from './overlays';
import { WorkspaceDiagnostics } from './workspaceDiagnostics';
import { WorkspaceIndex } from './workspaceIndex';

export interface ServerOptions {
  /** Log how long each request and each validation takes, and every registry request. */
  readonly trace: boolean;
  /** Makes the RegistryClient; the real HTTP client unless a front end passes another. */
  readonly createRegistryClient?: RegistryClientFactory;
}

/** Where the registry client keeps its cache: the editor's storage folder, else the user cache folder. */
function cacheDirOf(params: InitializeParams): string {
  const options = params.initializationOptions as { storagePath?: unknown } | null | undefined;
  const storage = options?.storagePath;
  if (typeof storage === 'string' && storage !== '') return join(storage, 'registry-cache');
  return defaultCacheDir(process.env, homedir());
}

const WATCHED_FILES = '**/{*.yaml,*.yml,*.tpl,Kustomization,Dockerfile,Containerfile,*.Dockerfile,*.Containerfile,Dockerfile.*,Containerfile.*}';

/** The optional client features the server adapts to, read once from `initialize`. */
interface ClientSupport {
  readonly configuration: boolean;
  readonly configurationRegistration: boolean;
  readonly watchedFilesRegistration: boolean;
  readonly workspaceFolders: boolean;
  readonly codeActionLiterals: boolean;
  /** The client shows completion items' labelDetails. */
  readonly completionLabelDetails: boolean;
  /** The client resolves a code action's edit lazily (codeAction/resolve), with `data` kept. */
  readonly codeActionResolve: boolean;
  readonly documentChanges: boolean;
  readonly inlayHints: boolean;
  readonly inlayHintRefresh: boolean;
  readonly semanticTokens: boolean;
  readonly semanticTokensRefresh: boolean;
}

function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  const { workspace, textDocument } = capabilities;
  return {
    configuration: workspace?.configuration === true,
    configurationRegistration: workspace?.didChangeConfiguration?.dynamicRegistration === true,
    watchedFilesRegistration: workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workspaceFolders: workspace?.workspaceFolders === true,
    codeActionLiterals: textDocument?.codeAction?.codeActionLiteralSupport !== undefined,
    completionLabelDetails: textDocument?.completion?.completionItem?.labelDetailsSupport === true,
    codeActionResolve: textDocument?.codeAction?.dataSupport === true && textDocument.codeAction.resolveSupport?.properties.includes('edit') === true,
    documentChanges: workspace?.workspaceEdit?.documentChanges === true,
    inlayHints: textDocument?.inlayHint !== undefined,
    inlayHintRefresh: workspace?.inlayHint?.refreshSupport === true,
    semanticTokens: textDocument?.semanticTokens !== undefined,
    semanticTokensRefresh: workspace?.semanticTokens?.refreshSupport === true,
  };
}

function serverCapabilities(client: ClientSupport): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    hoverProvider: true,
    definitionProvider: true,
    completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS },
    // Code action kinds may only be announced to clients that understand code action literals.
    codeActionProvider: client.codeActionLiterals
      ? { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite], resolveProvider: client.codeActionResolve || undefined }
      : true,
    inlayHintProvider: client.inlayHints || undefined,
    semanticTokensProvider: client.semanticTokens ? { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true } : undefined,
    workspace: client.workspaceFolders ? { workspaceFolders: { supported: true, changeNotifications: true } } : undefined,
    executeCommandProvider: { commands: Object.values(COMMANDS) },
  };
}

/** The workspace folders to index; old clients send only a root URI. */
function folderUris(params: InitializeParams): string[] {
  if (params.workspaceFolders) return params.workspaceFolders.map((folder) => folder.uri);
  return params.rootUri ? [params.rootUri] : [];
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const arrivals = new ChangeArrivals(systemClock);
  const documents = new TextDocuments(arrivals);
  connection.onInitialize((params) => initialize(connection, documents, arrivals, params, options));
  documents.listen(connection);
  connection.listen();
}

function initialize(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  arrivals: ChangeArrivals,
  params: InitializeParams,
  options: ServerOptions,
): InitializeResult {
  const client = clientSupport(params.capabilities);
  const workspace = new WorkspaceIndex((message) => connection.console.log(message));
  const cacheDir = cacheDirOf(params);
  const context: ServerContext = {
    connection,
    documents,
    analyses: new AnalysisCache(),
    settings: new SettingsStore(connection, client.configuration),
    workspace,
    overlays: new OverlayBuilds(workspace),
    locations: new LocationConfigs((message) => connection.console.log(message)),
    charts: new ChartContexts(documents),
    registry: new RegistryService({
      createClient: options.createRegistryClient ?? createRegistryClient,
      cacheDir,
      log: (message) => connection.console.log(message),
      trace: options.trace,
      cosignRepository: process.env.COSIGN_REPOSITORY,
      folderOf: (path) => workspace.folderOf(path),
    }),
    scans: new ScanService({ cacheDir, env: process.env }),
    runSafe: createRunSafe(connection.console, options.trace),
  };
  const diagnostics = new DiagnosticsPublisher(context);
  const workspaceDiagnostics = new WorkspaceDiagnostics(context);

  documents.onDidChangeContent(({ document }) => {
    context.charts.documentChanged(document.uri);
    diagnostics.schedule(document, false, arrivals.take(document.uri));
  });
  documents.onDidOpen(({ document }) => workspaceDiagnostics.documentOpened(document.uri));
  documents.onDidClose(({ document }) => {
    diagnostics.clear(document.uri);
    context.analyses.forget(document.uri);
    context.settings.forget(document.uri);
    context.registry.forget(document.uri);
    context.workspace.closeDocument(document.uri);
    void workspaceDiagnostics.documentClosed(document.uri);
  });
  context.registry.status.onDidChange((registries) => {
    void connection.sendNotification(NOTIFICATIONS.registryStatus, { registries } satisfies RegistryStatusParams);
  });
  context.workspace.onDidChangeSecrets(() => {
    diagnostics.scheduleSecretDependents();
    void workspaceDiagnostics.scheduleAll();
  });
  context.workspace.onDidChangePatches(() => {
    diagnostics.scheduleAll();
    void workspaceDiagnostics.scheduleAll();
  });
  // A chart's Chart.yaml or templates changed: its values files render other images now.
  context.charts.onDidChange(() => {
    diagnostics.scheduleAll();
    if (client.inlayHintRefresh) void connection.languages.inlayHint.refresh();
    if (client.semanticTokensRefresh) void connection.languages.semanticTokens.refresh();
  });
  // Users' own resources changed: every document may have other image fields now.
  context.locations.onDidChange(() => {
    diagnostics.scheduleAll();
    if (client.inlayHintRefresh) void connection.languages.inlayHint.refresh();
  });

  registerHover(context);
  registerDefinition(context);
  registerCompletion(context, { labelDetails: client.completionLabelDetails });
  registerCodeActions(context, { documentChanges: client.documentChanges, resolveEdit: client.codeActionResolve });
  registerCommands(context, { diagnostics, documentChanges: client.documentChanges });
  if (client.inlayHints) registerInlayHints(context);
  if (client.semanticTokens) registerSemanticTokens(context);

  connection.onDidChangeConfiguration(({ settings }) => {
    context.settings.changed(settings);
    context.locations.settingsChanged();
    diagnostics.scheduleAll();
    void workspaceDiagnostics.scheduleAll();
    if (client.inlayHintRefresh) void connection.languages.inlayHint.refresh();
    // The size limit decides which files are analysed, and so which are coloured.
    if (client.semanticTokensRefresh) void connection.languages.semanticTokens.refresh();
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    context.charts.applyFileEvents(changes);
    void context.locations.applyFileEvents(changes);
    // The index first, so the file's own secrets and patches count for it.
    void context.workspace.applyFileEvents(changes).then(() => workspaceDiagnostics.applyFileEvents(changes));
  });

  connection.onInitialized(() => {
    if (client.configurationRegistration) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    if (client.watchedFilesRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCHED_FILES }] });
    }
    if (client.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        context.workspace.removeFolders(removed.map((folder) => folder.uri));
        context.locations.removeFolders(removed.map((folder) => folder.uri));
        void context.locations.addFolders(added.map((folder) => folder.uri));
        void context.workspace.scan(added.map((folder) => folder.uri));
      });
    }
    void context.locations.addFolders(folderUris(params));
    void context.workspace.scan(folderUris(params));
  });

  connection.onShutdown(() => {
    diagnostics.dispose();
    workspaceDiagnostics.dispose();
    context.workspace.dispose();
    context.locations.dispose();
    context.charts.dispose();
    context.registry.dispose();
    context.scans.dispose();
  });

  return { capabilities: serverCapabilities(client), serverInfo: { name: 'image-aware' } };
}

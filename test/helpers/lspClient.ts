/**
 * A small LSP client for the heavy tests: it starts the bundled server (dist/server.js) as a child
 * process over stdio or node IPC and speaks real JSON-RPC to it through vscode-jsonrpc.
 * It answers the server's own requests the way an editor does: workspace/configuration from a
 * settings object the test can change, and capability registrations and inlay hint and semantic
 * token refreshes, which it records so tests can assert on them. Every diagnostics publication is kept in order.
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type * as lsp from 'vscode-languageserver/node';
import { Changes } from './events';

/** This file compiles to out/test/helpers/, so the repository root is three levels up. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const SERVER_PATH = join(REPO_ROOT, 'dist', 'server.js');

export type Transport = 'stdio' | 'ipc';

/** The file to preload (`--require`) into the server for majorGcs(). */
export const GC_COUNTER_PATH = join(__dirname, 'gcCounter.js');

function newestSource(dir: string): number {
  return readdirSync(dir).reduce((newest, name) => {
    const path = join(dir, name);
    const info = statSync(path);
    return Math.max(newest, info.isDirectory() ? newestSource(path) : info.mtimeMs);
  }, 0);
}

/** Fails with instructions rather than testing a bundle that is missing or older than the sources. */
function assertServerBuilt(): void {
  if (!existsSync(SERVER_PATH)) {
    throw new Error(`${SERVER_PATH} is missing. The LSP tests run the bundled server: run \`node scripts/build.mjs\` (or \`npm test\`) first.`);
  }
  const bundled = ['core', 'engine', 'lsp', 'registry'].map((folder) => join(REPO_ROOT, 'server', 'src', folder));
  if (statSync(SERVER_PATH).mtimeMs < Math.max(...bundled.map(newestSource))) {
    throw new Error(`${SERVER_PATH} is older than server/src/{core,engine,lsp,registry}. Run \`node scripts/build.mjs\` again before the LSP tests.`);
  }
}

/** What a test can set about the server process. */
export interface StartOptions {
  /** The server's whole environment (for example an empty HOME and DOCKER_CONFIG, so no real credentials are read). */
  readonly env?: NodeJS.ProcessEnv;
  /** Node options the server process starts with (before the script), as `imageAware.serverExecArgv` gives them. */
  readonly execArgv?: readonly string[];
}

function startProcess(transport: Transport, options: StartOptions): { child: ChildProcess; connection: MessageConnection } {
  const env = options.env ?? process.env;
  if (transport === 'stdio') {
    const child = spawn(process.execPath, [...(options.execArgv ?? []), SERVER_PATH, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    return { child, connection: createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)) };
  }
  const execArgv = options.execArgv && [...options.execArgv];
  const child = fork(SERVER_PATH, ['--node-ipc'], { silent: true, env, ...(execArgv && { execArgv }) });
  return { child, connection: createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)) };
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

export class LspClient {
  /** The `imageAware` section the client answers workspace/configuration with. */
  settings: Record<string, unknown> = {};
  readonly publications: lsp.PublishDiagnosticsParams[] = [];
  readonly configurationRequests: lsp.ConfigurationItem[] = [];
  readonly registrations: lsp.Registration[] = [];
  /** Every workspace/applyEdit the server sent; the client answers each with `applyEditResult`. */
  readonly appliedEdits: lsp.ApplyWorkspaceEditParams[] = [];
  applyEditResult: lsp.ApplyWorkspaceEditResult = { applied: true };
  readonly messages: lsp.ShowMessageParams[] = [];
  /** The server's own notifications (imageAware/…), in order. */
  readonly notifications: { readonly method: string; readonly params: unknown }[] = [];
  inlayHintRefreshes = 0;
  semanticTokensRefreshes = 0;
  private readonly log: string[] = [];
  /** Told of every publication and log message, for the waits below. */
  private readonly changes = new Changes();
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.log.push(chunk.toString());
      this.changes.notify();
    });
    connection.onNotification('window/logMessage', (params: lsp.LogMessageParams) => {
      this.log.push(params.message);
      this.changes.notify();
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: lsp.PublishDiagnosticsParams) => {
      this.publications.push(params);
      this.changes.notify();
    });
    connection.onRequest('workspace/configuration', (params: lsp.ConfigurationParams) => {
      this.configurationRequests.push(...params.items);
      return params.items.map((item) => (item.section === 'imageAware' ? this.settings : null));
    });
    connection.onRequest('client/registerCapability', (params: lsp.RegistrationParams) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    connection.onRequest('workspace/applyEdit', (params: lsp.ApplyWorkspaceEditParams) => {
      this.appliedEdits.push(params);
      return this.applyEditResult;
    });
    connection.onNotification((method: string, params: unknown) => {
      if (!method.startsWith('imageAware/')) return;
      this.notifications.push({ method, params });
      this.changes.notify();
    });
    connection.onNotification('window/showMessage', (params: lsp.ShowMessageParams) => {
      this.messages.push(params);
    });
    // vscode-languageserver sends window.show*Message as a request (it may carry actions); no action is chosen.
    connection.onRequest('window/showMessageRequest', (params: lsp.ShowMessageRequestParams) => {
      this.messages.push({ type: params.type, message: params.message });
      return null;
    });
    connection.onRequest('workspace/inlayHint/refresh', () => {
      this.inlayHintRefreshes++;
      return null;
    });
    connection.onRequest('workspace/semanticTokens/refresh', () => {
      this.semanticTokensRefreshes++;
      this.changes.notify();
      return null;
    });
    connection.listen();
  }

  static start(transport: Transport, options: StartOptions = {}): LspClient {
    assertServerBuilt();
    const { child, connection } = startProcess(transport, options);
    return new LspClient(child, connection);
  }

  /** Sends initialize (announcing what VS Code supports) and initialized. */
  async initialize(workspaceFolder: string | null, initializationOptions?: unknown): Promise<lsp.InitializeResult> {
    const capabilities: lsp.ClientCapabilities = {
      workspace: {
        applyEdit: true,
        configuration: true,
        workspaceFolders: true,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        workspaceEdit: { documentChanges: true },
        inlayHint: { refreshSupport: true },
        semanticTokens: { refreshSupport: true },
      },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        completion: { completionItem: { snippetSupport: false, labelDetailsSupport: true } },
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor.rewrite'] } },
          dataSupport: true,
          resolveSupport: { properties: ['edit'] },
        },
        inlayHint: {},
        semanticTokens: {
          requests: { full: true, range: true },
          tokenTypes: [],
          tokenModifiers: [],
          formats: ['relative'],
          overlappingTokenSupport: false,
          multilineTokenSupport: false,
        },
        publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, tagSupport: { valueSet: [1, 2] } },
      },
    };
    const folders = workspaceFolder === null ? null : [{ uri: fileUri(workspaceFolder), name: 'workspace' }];
    const result = await this.connection.sendRequest<lsp.InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: folders?.[0].uri ?? null,
      workspaceFolders: folders,
      capabilities,
      initializationOptions,
    } satisfies lsp.InitializeParams);
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  open(uri: string, text: string, languageId = 'yaml'): Promise<void> {
    return this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** How many publications have arrived so far; pass it to waitForDiagnostics to see only later ones. */
  mark(): number {
    return this.publications.length;
  }

  /**
   * The first publication for `uri` at or after index `since` that `accept`s, waiting for it if
   * it has not arrived. On timeout the error lists what did arrive and the server's log.
   */
  waitForDiagnostics(
    uri: string,
    since: number,
    accept: (params: lsp.PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<lsp.PublishDiagnosticsParams> {
    const find = () => this.publications.slice(since).find((p) => p.uri === uri && accept(p));
    const received = () =>
      JSON.stringify(
        this.publications.slice(since).filter((p) => p.uri === uri),
        null,
        1,
      ).slice(0, 4000);
    return this.waitFor(find, `A matching publication of diagnostics for ${uri}`, timeoutMs, () => `Received: ${received()}`);
  }

  /** The first notification `method` at or after index `since` (of `notifications`) whose params `accept`s, waiting for it if it has not arrived. */
  waitForNotification<P>(method: string, since: number, accept: (params: P) => boolean = () => true, timeoutMs = 10_000): Promise<P> {
    const find = () => this.notifications.slice(since).find((n) => n.method === method && accept(n.params as P))?.params as P | undefined;
    const received = () => JSON.stringify(this.notifications.slice(since), null, 1).slice(0, 4000);
    return this.waitFor(find, `A matching ${method} notification`, timeoutMs, () => `Received: ${received()}`);
  }

  /** How many log messages have arrived so far; pass it to waitForLog to see only later ones. */
  logMark(): number {
    return this.log.length;
  }

  /** The log messages (window/logMessage) from index `since` on that start with `prefix`, as they are now. */
  logsSince(prefix: string, since: number): string[] {
    return this.log.slice(since).filter((message) => message.startsWith(prefix));
  }

  /** The first log message (window/logMessage) at or after index `since` that starts with `prefix`, waiting for it if it has not arrived. */
  waitForLog(prefix: string, since: number, timeoutMs = 10_000): Promise<string> {
    return this.waitFor(() => this.log.slice(since).find((message) => message.startsWith(prefix)), `A log message starting with "${prefix}"`, timeoutMs);
  }

  /** Waits until the server has asked for `count` semantic token refreshes in all. */
  waitForSemanticTokensRefreshes(count: number, timeoutMs = 10_000): Promise<number> {
    const find = () => (this.semanticTokensRefreshes >= count ? this.semanticTokensRefreshes : undefined);
    return this.waitFor(find, `${count} workspace/semanticTokens/refresh request(s)`, timeoutMs);
  }

  private async waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number, detail = (): string => ''): Promise<T> {
    await this.changes.until(
      () => find() !== undefined,
      what,
      timeoutMs,
      () => `${detail()}\nServer log:\n${this.serverLog()}`,
    );
    return find()!;
  }

  serverLog(): string {
    return this.log.join('\n').slice(-4000);
  }

  /** How many major garbage collections the server has run, when it was started with GC_COUNTER_PATH preloaded. */
  async majorGcs(): Promise<number> {
    const since = this.logMark();
    this.child.kill('SIGUSR2');
    const line = await this.waitForLog('major-gcs: ', since);
    return Number(line.slice('major-gcs: '.length));
  }

  /** The server's resident set size and its peak so far, in bytes, from /proc (Linux). */
  memory(): { rss: number; peak: number } {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kilobytes = (field: string): number => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
      if (!match) throw new Error(`${field} not found in /proc/${this.child.pid}/status`);
      return Number(match[1]) * 1024;
    };
    return { rss: kilobytes('VmRSS'), peak: kilobytes('VmHWM') };
  }

  /** Sends shutdown and exit, and resolves with the server's exit code. */
  async shutdown(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  /** Ends the server without the protocol, for cleanup after a failed test. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
    this.connection.dispose();
  }
}

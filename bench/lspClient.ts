/**
 * A minimal LSP client for the benchmarks: spawns the bundled server (`node dist/server.js --stdio`)
 * with the node flags and environment the VS Code client launches it with, answers its configuration requests with
 * the defaults (registries off: the benchmarks measure analyses, not the network) and tells when
 * diagnostics for a document version arrive.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

/** The part of vscode-jsonrpc's MessageConnection this client uses. */
interface Connection {
  onRequest(method: string, handler: (params: never) => unknown): void;
  onRequest(handler: (method: string, params: unknown) => unknown): void;
  onNotification(method: string, handler: (params: never) => void): void;
  onNotification(handler: (method: string, params: unknown) => void): void;
  sendRequest(method: string, params?: unknown): Promise<unknown>;
  sendNotification(method: string, params?: unknown): Promise<void>;
  listen(): void;
  dispose(): void;
}
interface JsonRpcNode {
  createMessageConnection(reader: unknown, writer: unknown): Connection;
  StreamMessageReader: new (readable: NodeJS.ReadableStream) => unknown;
  StreamMessageWriter: new (writable: NodeJS.WritableStream) => unknown;
}
// `vscode-jsonrpc/node` exists only as a package export, which `moduleResolution: node` cannot
// resolve for types; requiring it untyped works under any resolution setting.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require('vscode-jsonrpc/node') as JsonRpcNode;

/** This file compiles to out/bench/, so the repository root is two levels up. */
const REPO_ROOT = resolve(__dirname, '..', '..');
export const SERVER_PATH = resolve(REPO_ROOT, 'dist', 'server.js');
const TIMEOUT_MS = 120_000;

/** How the server process is started: node flags before the script, and variables set over this process's environment. */
export interface ServerLaunch {
  readonly flags: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

function launchSettings(): { serverExecArgv: string[]; serverEnv: Record<string, string> } {
  return JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')).imageAware;
}

/** The node flags the VS Code client starts the server with (package.json `imageAware.serverExecArgv`). */
export function launchFlags(): string[] {
  return launchSettings().serverExecArgv;
}

/** The environment the VS Code client adds for the server (package.json `imageAware.serverEnv`). */
export function launchEnv(): Record<string, string> {
  return launchSettings().serverEnv;
}

/** The server as the VS Code client launches it. */
export function clientLaunch(): ServerLaunch {
  return { flags: launchFlags(), env: launchEnv() };
}

export function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Waiter {
  readonly version: number;
  readonly done: (diagnostics: number) => void;
}

export class LspSession {
  readonly pid: number;
  private readonly connection: Connection;
  private readonly exited: Promise<number | null>;
  private readonly waiters = new Map<string, Waiter[]>();
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    if (child.pid === undefined) throw new Error('could not spawn the server');
    this.pid = child.pid;
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4000) this.stderr += chunk.toString();
    });
    this.exited = new Promise((done) => child.on('exit', (code) => done(code)));
    this.connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
    this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({ registry: { online: false } })));
    this.connection.onRequest(() => null);
    this.connection.onNotification(() => undefined);
    this.connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; version?: number; diagnostics: unknown[] }) => {
      const waiting = this.waiters.get(params.uri) ?? [];
      const ready = waiting.filter((w) => params.version === undefined || params.version >= w.version);
      this.waiters.set(
        params.uri,
        waiting.filter((w) => !ready.includes(w)),
      );
      for (const waiter of ready) waiter.done(params.diagnostics.length);
    });
    this.connection.listen();
  }

  /** Spawns the server and completes `initialize`; it is launched as the VS Code client launches it unless `launch` says otherwise. */
  static async start(launch: ServerLaunch = clientLaunch()): Promise<LspSession> {
    const session = new LspSession(
      spawn(process.execPath, [...launch.flags, SERVER_PATH, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...launch.env } }),
    );
    await withTimeout(
      session.connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
          textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { didSave: true } },
        },
      }),
      'initialize',
    );
    await session.connection.sendNotification('initialized', {});
    return session;
  }

  /** Resolves with the number of diagnostics once they are published for uri at version or later. */
  diagnostics(uri: string, version: number): Promise<number> {
    return withTimeout(
      new Promise<number>((done) => this.waiters.set(uri, [...(this.waiters.get(uri) ?? []), { version, done }])),
      `publishDiagnostics for ${uri}`,
    );
  }

  /** Opens a document and resolves with the time (ms) until its diagnostics were published, and their number. */
  async open(uri: string, text: string): Promise<{ ms: number; diagnostics: number }> {
    const published = this.diagnostics(uri, 1);
    const start = performance.now();
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const diagnostics = await published;
    return { ms: performance.now() - start, diagnostics };
  }

  /**
   * Sends the change from before to after as an editor sends a keystroke to a server that syncs
   * incrementally (this one does): the range that differs and its new text, not the whole text.
   * Resolves with the time (ms) until diagnostics of that version were published.
   */
  async change(uri: string, version: number, before: string, after: string): Promise<{ ms: number; diagnostics: number }> {
    const published = this.diagnostics(uri, version);
    const start = performance.now();
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [rangeChange(before, after)] });
    const diagnostics = await published;
    return { ms: performance.now() - start, diagnostics };
  }

  async sendOpen(uri: string, text: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  }

  /** Shuts the server down as a client does; resolves with its exit code. */
  async shutdown(): Promise<number | null> {
    try {
      await withTimeout(this.connection.sendRequest('shutdown'), 'shutdown');
      await this.connection.sendNotification('exit');
      return await withTimeout(this.exited, 'server exit');
    } finally {
      this.dispose();
    }
  }

  /** Ends the server process if it still runs and closes the connection (after a failure). */
  dispose(): void {
    if (this.child.exitCode === null) this.child.kill();
    this.connection.dispose();
  }

  /** What the server wrote on stderr (the first 4000 characters), for failure messages. */
  errorOutput(): string {
    return this.stderr;
  }
}

/** The smallest range of before that after replaces, as an LSP incremental change. */
export function rangeChange(before: string, after: string): TextDocumentContentChangeEvent {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const document = TextDocument.create('file:///before', 'yaml', 1, before);
  return { range: { start: document.positionAt(head), end: document.positionAt(before.length - tail) }, text: after.slice(head, after.length - tail) };
}

/**
 * Build Image, Push Image, Build Push and Pin, Log In: VS Code adapters over the build tools and the
 * engine's push flow. Each takes an argument object (tasks, keybindings, code lenses, tests) and
 * asks only for what it leaves out; each returns what it did, or undefined when it was dismissed,
 * cancelled or failed (failures are shown with the tool's own message and a "Show Output" button).
 */
import * as vscode from 'vscode';
import { imageSites } from '../../../server/src/core';
import { buildTagOf, pushImage } from '../../../server/src/engine';
import type { PushedImage } from '../../../server/src/engine';
import { toolVerifiesTls } from '../../../server/src/registry';
import type { BuildTool, RunIo, ToolName } from '../../../server/src/tools';
import { argumentObject } from '../args';
import { inform, showError } from '../ui/confirm';
import { reportFailure } from '../ui/failures';
import type { Output } from '../ui/output';
import { ask } from '../ui/pick';
import { withCancellableProgress } from '../ui/progress';
import type { ReportProgress } from '../ui/progress';
import { analyzeDocument } from '../workspace/files';
import { pinPushedImage } from './pin';
import type { PinResult } from './pin';
import { gatherBuild, tagProblem } from './request';
import type { BuildArguments } from './request';
import { buildSettings, coreSettings } from './settings';
import { chooseTool, openRegistry, registryOf } from './tools';

export interface PushArguments {
  readonly image: string;
  /** Rewrite the workspace's image fields to the pushed digest (default true). */
  readonly pin: boolean;
  readonly tool: 'auto' | ToolName;
}

export interface LoginArguments {
  readonly registry: string;
  readonly username: string;
  readonly tool: 'auto' | ToolName;
}

/** What Push Image and Build, Push and Pin return. */
export interface PushReport extends PinResult {
  readonly image: string;
  readonly digest: string;
  readonly toolDigest: string | null;
}

function shortDigest(digest: string): string {
  return `${digest.slice(0, 19)}…`;
}

export class BuildCommands {
  /** The image built or pushed last in this window: Push Image and Log In offer it. */
  private lastImage: string | null = null;

  constructor(private readonly output: Output) {}

  register(subscriptions: vscode.Disposable[]): void {
    // Menus on a Dockerfile pass its URI as the only argument.
    const dockerfileArgument = (value: unknown): Partial<BuildArguments> =>
      value instanceof vscode.Uri ? { dockerfile: value } : argumentObject<BuildArguments>(value);
    subscriptions.push(
      vscode.commands.registerCommand('imageAware.buildImage', (value: unknown) => this.buildImage(dockerfileArgument(value))),
      vscode.commands.registerCommand('imageAware.buildPushPin', (value: unknown) => this.buildPushPin(dockerfileArgument(value))),
      vscode.commands.registerCommand('imageAware.pushImage', (value: unknown) => this.pushImage(argumentObject<PushArguments>(value))),
      vscode.commands.registerCommand('imageAware.login', (value: unknown) => this.login(argumentObject<LoginArguments>(value))),
    );
  }

  private io(signal: AbortSignal): RunIo {
    return { output: (line) => this.output.line(line), signal };
  }

  /** Runs a command, reporting a failure before its tool step (a picker, no tool found) under the command's name. */
  private async command<T>(name: string, body: () => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await body();
    } catch (error) {
      reportFailure(name, error, this.output);
      return undefined;
    }
  }

  /** Runs a tool step under a cancellable progress notification; a failure is reported as `failing`, with the tool's output. */
  private step<T>(progress: string, failing: string, work: (signal: AbortSignal, report: ReportProgress) => Promise<T>): Promise<T | undefined> {
    return withCancellableProgress(progress, async (signal, report) => {
      try {
        return await work(signal, report);
      } catch (error) {
        reportFailure(failing, error, this.output, signal);
        return undefined;
      }
    });
  }

  buildImage(arg: Partial<BuildArguments>): Promise<{ image: string; tool: ToolName } | undefined> {
    return this.command('Build Image', async () => {
      const gathered = await gatherBuild(arg, 'Image Aware: Build Image', this.lastImage);
      if (!gathered) return undefined;
      const { request } = gathered;
      const tool = await chooseTool(gathered.tool);
      return this.step(`Building ${request.tag} with ${tool.name}`, `Building ${request.tag}`, async (signal) => {
        this.output.start(`Build ${request.tag} from ${request.dockerfile} with ${tool.executable}`);
        await tool.build(request, this.io(signal));
        this.lastImage = request.tag;
        inform(`Built ${request.tag} with ${tool.name}.`);
        return { image: request.tag, tool: tool.name };
      });
    });
  }

  buildPushPin(arg: Partial<BuildArguments>): Promise<PushReport | undefined> {
    return this.command('Build, Push and Pin', async () => {
      const gathered = await gatherBuild(arg, 'Image Aware: Build, Push and Pin', this.lastImage);
      if (!gathered) return undefined;
      const { request } = gathered;
      const tool = await chooseTool(gathered.tool);
      const progress = `Building, pushing and pinning ${request.tag} with ${tool.name}`;
      return this.step(progress, `Build, push and pin of ${request.tag}`, async (signal, report) => {
        this.output.start(`Build ${request.tag} from ${request.dockerfile} with ${tool.executable}`);
        report('building');
        await tool.build(request, this.io(signal));
        this.lastImage = request.tag;
        report('pushing');
        return this.pushAndPin(request.tag, tool, true, signal);
      });
    });
  }

  pushImage(arg: Partial<PushArguments>): Promise<PushReport | undefined> {
    return this.command('Push Image', async () => {
      const prompt = { title: 'Image Aware: Push Image', prompt: 'The local image to push (by tag)', value: this.suggestedImage() ?? '', validate: tagProblem };
      const image = arg.image ?? (await ask(prompt));
      if (image === undefined) return undefined;
      const tool = await chooseTool(arg.tool ?? buildSettings().tool);
      return this.step(`Pushing ${image} with ${tool.name}`, `Pushing ${image}`, (signal) => this.pushAndPin(image.trim(), tool, arg.pin ?? true, signal));
    });
  }

  /** Pushes, reads back the digest the registry serves for the tag, and pins it in the workspace. */
  private async pushAndPin(image: string, tool: BuildTool, pin: boolean, signal: AbortSignal): Promise<PushReport> {
    const settings = coreSettings();
    const host = registryOf(image);
    const registry = openRegistry(settings);
    let pushed: PushedImage;
    try {
      this.output.start(`Push ${image} with ${tool.executable}`);
      pushed = await pushImage(image, tool, registry, {
        tlsVerify: host === null || toolVerifiesTls(host, settings.registry.insecureRegistries),
        io: this.io(signal),
        pin: settings.pin,
      });
    } finally {
      registry.close();
    }
    this.lastImage = image;
    this.output.line(`The registry serves ${pushed.digest} for ${image}.`);
    await this.tellLanguageServer(image);
    if (pushed.toolDigest !== null && pushed.toolDigest !== pushed.digest) {
      this.output.line(`(${tool.name} reported ${pushed.toolDigest}; pins use what the registry serves.)`);
    }
    const pinned = pin ? await pinPushedImage(pushed, settings) : { pinned: 0, repinned: 0, files: 0, applied: false, refused: [] };
    const result = { image, digest: pushed.digest, toolDigest: pushed.toolDigest, ...pinned };
    const repinned = pinned.repinned > 0 ? ` (${pinned.repinned} re-pinned from another digest)` : '';
    const message =
      pinned.pinned > 0
        ? `Pushed ${image}. Pinned ${pinned.pinned} field${pinned.pinned === 1 ? '' : 's'} in ` +
          `${pinned.files} file${pinned.files === 1 ? '' : 's'} to ${shortDigest(pushed.digest)}${repinned}`
        : `Pushed ${image} (${shortDigest(pushed.digest)})${pin ? '; no image field in the workspace names it without a digest or with another digest.' : '.'}`;
    this.output.line(message);
    for (const line of pinned.refused) this.output.line(`Not pinned, the edit was refused: ${line}`);
    if (pinned.refused.length > 0)
      showError(`${message} ${pinned.refused.length} field${pinned.refused.length === 1 ? ' was' : 's were'} not pinned: the edit was refused.`, this.output);
    else inform(message);
    return result;
  }

  /**
   * Tells the language server which tag was pushed, before anything is pinned: it asks for the tag again
   * and republishes, so the pinned image is never checked against what the tag named before the push.
   */
  private async tellLanguageServer(image: string): Promise<void> {
    try {
      await vscode.commands.executeCommand('imageAware.refreshRegistry', { image });
    } catch (error) {
      this.output.line(`The language server was not told about the push: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  login(arg: Partial<LoginArguments>): Promise<{ registry: string; tool: ToolName } | undefined> {
    const title = 'Image Aware: Log In to a Registry';
    return this.command('Log In', async () => {
      const suggested = this.suggestedImage();
      const registry = arg.registry ?? (await ask({ title, prompt: 'Registry (host[:port])', value: (suggested && registryOf(suggested)) ?? 'docker.io' }));
      if (!registry) return undefined;
      const username = arg.username ?? (await ask({ title, prompt: `User name for ${registry}` }));
      if (!username) return undefined;
      // Asked every time and handed to the tool on stdin: never an argument, a setting or a log line.
      const password = await ask({ title, prompt: `Password or token for ${username} at ${registry}`, password: true });
      if (!password) return undefined;
      const tool = await chooseTool(arg.tool ?? buildSettings().tool);
      const settings = coreSettings();
      return this.step(`Logging in to ${registry} with ${tool.name}`, `Logging in to ${registry}`, async (signal) => {
        this.output.start(`Log in to ${registry} as ${username} with ${tool.executable}`);
        await tool.login({ registry, username, password, tlsVerify: toolVerifiesTls(registry, settings.registry.insecureRegistries) }, this.io(signal));
        inform(`Logged in to ${registry} as ${username}; ${tool.name} keeps the credentials in its own config.`);
        return { registry, tool: tool.name };
      });
    });
  }

  /** The image under the cursor in a manifest, else the one built or pushed last. */
  private suggestedImage(): string | null {
    const editor = vscode.window.activeTextEditor;
    if (editor && editor.document.languageId === 'yaml') {
      const offset = editor.document.offsetAt(editor.selection.active);
      const analysis = analyzeDocument(editor.document, coreSettings(editor.document.uri).maxFileSize);
      const site = imageSites(analysis).find((s) => s.span.start <= offset && offset <= s.span.end);
      if (site) return buildTagOf(site.ref);
    }
    return this.lastImage;
  }
}

/**
 * Build Image, Push Image, Build Push and Pin, Log In: VS Code adapters over the build tools and the
 * engine's push flow. Each takes an argument object (tasks, keybindings, code lenses, tests) and
 * asks only for what it leaves out; each returns what it did, or undefined when it was dismissed,
 * cancelled or failed (failures are shown with the tool's own message and a "Show Output" button).
 * A push over a tag that names an image needs consent (./guard.ts), asked before the build.
 */
import * as vscode from 'vscode';
import { imageSites } from '../../../server/src/core';
import { buildTagOf, pushImage } from '../../../server/src/engine';
import type { PushSource, TagBeforePush } from '../../../server/src/engine';
import { toolVerifiesTls } from '../../../server/src/registry';
import type { BuildTool, RunIo, ToolName } from '../../../server/src/tools';
import { argumentObject } from '../args';
import { inform, informWithAction, showError } from '../ui/confirm';
import { reportFailure } from '../ui/failures';
import type { Output } from '../ui/output';
import { ask } from '../ui/pick';
import { withCancellableProgress } from '../ui/progress';
import type { ReportProgress } from '../ui/progress';
import { analyzeDocument } from '../workspace/files';
import { consentAgain, consentFirst } from './guard';
import type { GuardContext, OverwriteArgument } from './guard';
import { NOTHING_PINNED, pinPushedImage, saveDocuments } from './pin';
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
  /** The digest the tag named before the push, or null when it was new (or the registry could not say). */
  readonly replaced: string | null;
}

function shortDigest(digest: string): string {
  return `${digest.slice(0, 19)}…`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export class BuildCommands {
  /** The image built or pushed last in this window: Push Image and Log In offer it. */
  private lastImage: string | null = null;

  constructor(private readonly output: Output) {}

  register(subscriptions: vscode.Disposable[]): void {
    // Menus on a Dockerfile pass its URI as the only argument.
    const dockerfileArgument = (value: unknown): Partial<BuildArguments & OverwriteArgument> =>
      value instanceof vscode.Uri ? { dockerfile: value } : argumentObject<BuildArguments & OverwriteArgument>(value);
    subscriptions.push(
      vscode.commands.registerCommand('imageAware.buildImage', (value: unknown) => this.buildImage(dockerfileArgument(value))),
      vscode.commands.registerCommand('imageAware.buildPushPin', (value: unknown) => this.buildPushPin(dockerfileArgument(value))),
      vscode.commands.registerCommand('imageAware.pushImage', (value: unknown) => this.pushImage(argumentObject<PushArguments & OverwriteArgument>(value))),
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

  buildPushPin(arg: Partial<BuildArguments & OverwriteArgument>): Promise<PushReport | undefined> {
    return this.command('Build, Push and Pin', async () => {
      const gathered = await gatherBuild(arg, 'Image Aware: Build, Push and Pin', this.lastImage);
      if (!gathered) return undefined;
      const { request } = gathered;
      const tool = await chooseTool(gathered.tool);
      return this.withGuard(request.tag, { kind: 'built', platform: request.platform }, arg.overwrite, async (guard, agreed) => {
        const progress = `Building, pushing and pinning ${request.tag} with ${tool.name}`;
        return this.step(progress, `Build, push and pin of ${request.tag}`, async (signal, report) => {
          this.output.start(`Build ${request.tag} from ${request.dockerfile} with ${tool.executable}`);
          report('building');
          await tool.build(request, this.io(signal));
          this.lastImage = request.tag;
          report('pushing');
          return this.pushAndPin(request.tag, tool, true, signal, guard, agreed);
        });
      });
    });
  }

  pushImage(arg: Partial<PushArguments & OverwriteArgument>): Promise<PushReport | undefined> {
    return this.command('Push Image', async () => {
      const prompt = { title: 'Image Aware: Push Image', prompt: 'The local image to push (by tag)', value: this.suggestedImage() ?? '', validate: tagProblem };
      const asked = arg.image ?? (await ask(prompt));
      if (asked === undefined) return undefined;
      const image = asked.trim();
      const tool = await chooseTool(arg.tool ?? buildSettings().tool);
      return this.withGuard(image, { kind: 'local' }, arg.overwrite, (guard, agreed) =>
        this.step(`Pushing ${image} with ${tool.name}`, `Pushing ${image}`, (signal) => this.pushAndPin(image, tool, arg.pin ?? true, signal, guard, agreed)),
      );
    });
  }

  /**
   * Runs `work` with one registry client for the whole command, once the user agreed to push over what
   * the tag names (asked before anything is built); undefined when the push is not to happen.
   */
  private async withGuard<T>(
    image: string,
    source: PushSource,
    overwrite: boolean | undefined,
    work: (guard: GuardContext, agreed: TagBeforePush) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const registry = openRegistry(coreSettings());
    try {
      const guard = { output: this.output, registry, source, overwrite };
      const agreed = await consentFirst(image, guard);
      return agreed && (await work(guard, agreed));
    } finally {
      registry.close();
    }
  }

  /**
   * Pushes, once more sure the tag names what the user agreed to push over, reads back the digest the
   * registry serves for the tag, and pins it in the workspace; undefined when the push did not happen.
   */
  private async pushAndPin(
    image: string,
    tool: BuildTool,
    pin: boolean,
    signal: AbortSignal,
    guard: GuardContext,
    agreed: TagBeforePush,
  ): Promise<PushReport | undefined> {
    const settings = coreSettings();
    const host = registryOf(image);
    const before = await consentAgain(image, guard, agreed, signal);
    if (before === undefined) return undefined;
    this.output.start(`Push ${image} with ${tool.executable}`);
    const pushed = await pushImage(image, tool, guard.registry, {
      tlsVerify: host === null || toolVerifiesTls(host, settings.registry.insecureRegistries),
      io: this.io(signal),
      pin: settings.pin,
    });
    this.lastImage = image;
    const replaced = before.state === 'names' ? before.digest : null;
    this.output.line(`The registry serves ${pushed.digest} for ${image}${replaced === null ? '' : ` (it named ${replaced} before)`}.`);
    await this.tellLanguageServer(image);
    if (pushed.toolDigest !== null && pushed.toolDigest !== pushed.digest) {
      this.output.line(`(${tool.name} reported ${pushed.toolDigest}; pins use what the registry serves.)`);
    }
    const pinned = pin ? await pinPushedImage(pushed, settings) : NOTHING_PINNED;
    this.reportPush(image, pushed.digest, pin, pinned);
    return { image, digest: pushed.digest, toolDigest: pushed.toolDigest, replaced, ...pinned };
  }

  /** The notification after a push: what was pinned, saved, left unsaved ("Save All" saves those) or refused. */
  private reportPush(image: string, digest: string, pin: boolean, pinned: PinResult): void {
    const repinned = pinned.repinned > 0 ? ` (${pinned.repinned} re-pinned from another digest)` : '';
    const saved = pinned.saved.length > 0 ? ` and saved ${pinned.saved.join(', ')}` : '';
    const unsaved =
      pinned.unsaved.length > 0
        ? ` ${pinned.unsaved.join(', ')} ${pinned.unsaved.length === 1 ? 'is' : 'are'} pinned but not saved: ` +
          `${pinned.unsaved.length === 1 ? 'it has' : 'they have'} unsaved changes of yours.`
        : '';
    const message =
      pinned.pinned > 0
        ? `Pushed ${image}. Pinned ${plural(pinned.pinned, 'field')} in ${plural(pinned.files, 'file')} to ${shortDigest(digest)}${repinned}${saved}.${unsaved}`
        : `Pushed ${image} (${shortDigest(digest)})${pin ? '; no image field in the workspace names it without a digest or with another digest.' : '.'}`;
    this.output.line(message);
    for (const line of pinned.refused) this.output.line(`Not pinned, the edit was refused: ${line}`);
    if (pinned.refused.length > 0)
      showError(
        `${message} ${plural(pinned.refused.length, 'field')} ${pinned.refused.length === 1 ? 'was' : 'were'} not pinned: the edit was refused.`,
        this.output,
      );
    else if (pinned.unsaved.length > 0) informWithAction(message, 'Save All', () => saveDocuments(pinned.unsaved));
    else inform(message);
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

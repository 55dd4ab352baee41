/**
 * The consent a push over a tag that names something needs (engine/build/overwrite.ts): a modal
 * dialog with the question's action ("Overwrite", or "Push Anyway" when the registry cannot say)
 * and Cancel, the digest, platforms and date in its detail; or the command's `overwrite` argument
 * answers it (true: push over it, false: never), as tasks need. Either way the output channel says
 * what the tag named, and a push that does not happen says so.
 */
import * as vscode from 'vscode';
import { guardPush, overwriteQuestion, tagBeforePush } from '../../../server/src/engine';
import type { OverwriteQuestion, PushSource, TagBeforePush } from '../../../server/src/engine';
import type { RegistryClient } from '../../../server/src/registry';
import { confirm, inform } from '../ui/confirm';
import type { Output } from '../ui/output';

export interface OverwriteArgument {
  /** Push over a tag that names an image without asking (true), or never (false); asked when left out. */
  readonly overwrite: boolean;
}

export interface GuardContext {
  readonly output: Output;
  /** One client for the whole command, so asking again before the push costs one HEAD. */
  readonly registry: RegistryClient;
  readonly source: PushSource;
  readonly overwrite: boolean | undefined;
}

async function consent(image: string, question: OverwriteQuestion, context: GuardContext): Promise<boolean> {
  const agreed = context.overwrite ?? (await confirm(question.message, question.detail, question.action));
  context.output.line(`${agreed ? 'Pushing over it' : 'Not pushed'}: ${question.summary}.`);
  if (!agreed) inform(`Not pushed: ${image} is left as it was${context.overwrite === false ? ' (overwrite: false)' : ''}.`);
  return agreed;
}

/**
 * What `image` names before anything is built or pushed, once the user agreed to push over it;
 * undefined when it is not to be pushed. Asked first, so a declined overwrite costs no build.
 */
export async function consentFirst(image: string, context: GuardContext): Promise<TagBeforePush | undefined> {
  const before = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Asking what ${image} names` }, () =>
    tagBeforePush(image, context.registry),
  );
  const question = overwriteQuestion(image, before, context.source);
  return question === null || (await consent(image, question, context)) ? before : undefined;
}

/**
 * Right before the push: what the tag names now, asked again only when that is not what the user
 * agreed to (someone pushed it during the build); undefined when it is not to be pushed.
 */
export async function consentAgain(image: string, context: GuardContext, agreed: TagBeforePush, signal: AbortSignal): Promise<TagBeforePush | undefined> {
  const guard = await guardPush(image, context.registry, { source: context.source, agreed, signal, confirm: (question) => consent(image, question, context) });
  return guard.push ? guard.before : undefined;
}

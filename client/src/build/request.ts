/**
 * Gathers a BuildRequest: from the command's argument object where it sets a field, by asking
 * where it does not. The tag is offered from the manifests whose images this Dockerfile builds;
 * context, build args, target stage and platform start from their defaults (the Dockerfile's
 * folder, imageAware.build.args, the last stage, imageAware.build.platform) and are shown in one
 * review list to build at once or change any of them.
 */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { parseReference } from '../../../server/src/core';
import { stageNames, tagCandidates } from '../../../server/src/engine';
import type { TagCandidate } from '../../../server/src/engine';
import type { BuildRequest, ToolName } from '../../../server/src/tools';
import { toUri } from '../args';
import type { FileArgument } from '../args';
import { ask, pick } from '../ui/pick';
import type { Choice } from '../ui/pick';
import { findDockerfiles, workspaceManifests, workspacePath } from '../workspace/files';
import { manifestsOfWorkspace } from './images';
import { buildSettings, coreSettings } from './settings';

export interface BuildArguments {
  readonly dockerfile: FileArgument;
  /** The build context folder; the Dockerfile's folder by default. */
  readonly context: FileArgument;
  readonly tag: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** A stage name, or null for the last stage. */
  readonly target: string | null;
  readonly platform: string | null;
  /** Overrides imageAware.build.tool. */
  readonly tool: 'auto' | ToolName;
}

export interface GatheredBuild {
  readonly request: BuildRequest;
  readonly tool: 'auto' | ToolName;
}

/** A tag a tool can build and push: a valid reference without a digest. Null when it is one. */
export function tagProblem(text: string): string | null {
  const parsed = parseReference(text.trim());
  if (!parsed.ok) return parsed.error.message;
  return parsed.value.digest === null ? null : 'An image is built and pushed by tag: leave the digest out.';
}

async function pickDockerfile(title: string): Promise<vscode.Uri | undefined> {
  const found = await findDockerfiles();
  if (found.length === 0) throw new Error('There is no Dockerfile or Containerfile in the workspace.');
  const active = vscode.window.activeTextEditor?.document.uri.toString();
  if (found.length === 1) return found[0];
  // The Dockerfile being edited comes first.
  const ordered = [...found].sort((a, b) => Number(b.toString() === active) - Number(a.toString() === active));
  return pick(
    ordered.map((uri) => ({ label: workspacePath(uri), value: uri })),
    { title, placeHolder: 'Which Dockerfile or Containerfile?' },
  );
}

async function candidatesFor(dockerfile: vscode.Uri): Promise<TagCandidate[]> {
  const settings = buildSettings(dockerfile);
  const [manifests, dockerfiles] = await Promise.all([workspaceManifests(coreSettings(dockerfile).maxFileSize), findDockerfiles()]);
  return tagCandidates(workspacePath(dockerfile), manifestsOfWorkspace(manifests), dockerfiles.map(workspacePath), settings.dockerfiles);
}

/** The files that name a candidate, for its line in the pick list: the first few, then how many more. */
function filesText(files: readonly string[]): string {
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}

/**
 * The tag: with several candidates a pick list (the nearest manifest's image first, each with the files
 * that name it, and "Another tag…"), else an input box that starts at the one candidate or `fallback`.
 */
async function askTag(dockerfile: vscode.Uri, title: string, fallback: string | null): Promise<string | undefined> {
  const candidates = await candidatesFor(dockerfile);
  if (candidates.length > 1) {
    const choices: Choice<string | null>[] = [
      ...candidates.map((candidate) => ({ label: candidate.tag, description: filesText(candidate.files), value: candidate.tag })),
      { label: '$(edit) Another tag…', value: null },
    ];
    const chosen = await pick(choices, { title, placeHolder: `Tag the image built from ${workspacePath(dockerfile)} as (the nearest manifest's image first)` });
    if (chosen === undefined) return undefined;
    if (chosen !== null) return chosen;
  }
  const [first] = candidates;
  const tag = await ask({
    title,
    prompt: candidates.length === 1 ? `Tag the image as (the image of ${filesText(first.files)})` : 'Tag the image as',
    value: first?.tag ?? fallback ?? `${dirname(workspacePath(dockerfile)).split('/').pop() || 'image'}:latest`,
    validate: (text) => tagProblem(text),
  });
  return tag?.trim();
}

function formatArgs(args: Readonly<Record<string, string>>): string {
  return Object.entries(args)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

const BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*=/;

function parseArgs(text: string): Record<string, string> {
  const words = text.split(/\s+/).filter((word) => word !== '');
  return Object.fromEntries(words.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]));
}

type Option = 'build' | 'context' | 'args' | 'target' | 'platform';

/** The review list: build now, or change one option and come back. Undefined when dismissed. */
async function review(request: BuildRequest, stages: readonly string[], title: string): Promise<BuildRequest | undefined> {
  let current = request;
  for (;;) {
    const choices: Choice<Option>[] = [
      { label: `$(play) Build ${current.tag}`, description: `from ${workspacePath(vscode.Uri.file(current.dockerfile))}`, value: 'build' },
      { label: 'Context', description: workspacePath(vscode.Uri.file(current.context)), value: 'context' },
      { label: 'Build arguments', description: formatArgs(current.buildArgs) || 'none', value: 'args' },
      ...(stages.length > 0 ? [{ label: 'Target stage', description: current.target ?? 'the last stage', value: 'target' as const }] : []),
      { label: 'Platform', description: current.platform ?? "the tool's default", value: 'platform' },
    ];
    const option = await pick(choices, { title, placeHolder: 'Build now, or change an option first' });
    if (option === undefined) return undefined;
    if (option === 'build') return current;
    if (option === 'context') {
      const text = await ask({
        title,
        prompt: 'Build context folder (relative to the workspace folder, or absolute)',
        value: workspacePath(vscode.Uri.file(current.context)),
      });
      if (text !== undefined && text.trim() !== '') current = { ...current, context: toUri(text.trim()).fsPath };
    } else if (option === 'args') {
      const text = await ask({
        title,
        prompt: 'Build arguments as NAME=value, separated by spaces (values with spaces: use the imageAware.build.args setting)',
        value: formatArgs(current.buildArgs),
        validate: (input) =>
          input
            .split(/\s+/)
            .find((word) => word !== '' && !BUILD_ARG.test(word))
            ?.concat(' is not NAME=value') ?? null,
      });
      if (text !== undefined) current = { ...current, buildArgs: parseArgs(text) };
    } else if (option === 'target') {
      const last: Choice<string | null> = { label: 'The last stage', description: 'what a build without --target builds', value: null };
      const target = await pick([last, ...stages.map((stage) => ({ label: stage, value: stage }))], { title, placeHolder: 'Which stage to build (--target)?' });
      if (target !== undefined) current = { ...current, target };
    } else {
      const text = await ask({
        title,
        prompt: "Platform as os/arch[/variant] (linux/amd64, linux/arm64); empty for the tool's default",
        value: current.platform ?? '',
      });
      if (text !== undefined) current = { ...current, platform: text.trim() === '' ? null : text.trim() };
    }
  }
}

/**
 * The build to run, or undefined when the user dismissed a question. `lastImage` is the tag
 * offered when no manifest names an image this Dockerfile builds.
 */
export async function gatherBuild(arg: Partial<BuildArguments>, title: string, lastImage: string | null): Promise<GatheredBuild | undefined> {
  const dockerfile = arg.dockerfile !== undefined ? toUri(arg.dockerfile) : await pickDockerfile(title);
  if (!dockerfile) return undefined;
  const document = await vscode.workspace.openTextDocument(dockerfile);
  // The tool reads the file from disk: what the user sees is what gets built.
  if (document.isDirty) await document.save();
  const tag = arg.tag ?? (await askTag(dockerfile, title, lastImage));
  if (tag === undefined) return undefined;
  const problem = tagProblem(tag);
  if (problem !== null) throw new Error(`Cannot build "${tag}": ${problem}`);
  const settings = buildSettings(dockerfile);
  const request: BuildRequest = {
    dockerfile: dockerfile.fsPath,
    context: arg.context !== undefined ? toUri(arg.context).fsPath : dirname(dockerfile.fsPath),
    tag,
    buildArgs: arg.buildArgs ?? settings.args,
    target: arg.target ?? null,
    platform: arg.platform !== undefined ? arg.platform : settings.platform,
  };
  const tool = arg.tool ?? settings.tool;
  const complete = arg.context !== undefined && arg.buildArgs !== undefined && arg.target !== undefined && arg.platform !== undefined;
  if (complete) return { request, tool };
  const reviewed = await review(request, stageNames(document.getText()), title);
  return reviewed && { request: reviewed, tool };
}

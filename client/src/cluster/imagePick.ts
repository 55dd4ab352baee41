/**
 * The new image for Set Image: the tags the registry has for the container's repository in a pick
 * list, newest version first (the core's orderTags, the order tag completion offers), the current
 * tag marked, and "Enter Another Image…" for anything else. The list opens at once and fills when
 * the registry answers. With imageAware.registry.online off nothing is asked and an input box takes
 * the image, with a note saying why; so it does when the registry cannot list the tags (with its
 * reason) or the current value is no image reference.
 */
import * as vscode from 'vscode';
import { orderTags, parseReference } from '../../../server/src/core';
import type { Settings } from '../../../server/src/core';
import { openRegistry } from '../build/tools';
import { ask } from '../ui/pick';

/** A bound on the rows of the list: the registry may hold 100,000 tags; "Enter Another Image…" reaches the rest. */
const MAX_TAGS = 1000;

export interface ImagePickOptions {
  readonly title: string;
  /** What gets the image, for the prompts: `container "web" of deployment.apps/web`. */
  readonly target: string;
  /** The image the container has now, as written. */
  readonly current: string;
  readonly settings: Settings;
}

interface TagItem extends vscode.QuickPickItem {
  /** The image this row sets; null for "Enter Another Image…". */
  readonly image: string | null;
}

function askImage(options: ImagePickOptions, value: string, note: string | null): Promise<string | undefined> {
  const prompt = `New image for ${options.target}${note === null ? '' : ` (${note})`}`;
  return ask({ title: options.title, prompt, value });
}

/** What "Enter Another Image…" starts from: what was typed into the list (a tag of the repository, or a whole image), else the current image. */
function startingValue(typed: string, name: string, current: string): string {
  if (typed === '') return current;
  // A tag holds no ':', '/' or '@': with one, what was typed is an image of its own.
  return /[:/@]/.test(typed) ? typed : `${name}:${typed}`;
}

type Outcome =
  | { readonly kind: 'picked'; readonly image: string }
  | { readonly kind: 'another'; readonly value: string }
  | { readonly kind: 'failed'; readonly reason: string };

export async function pickImage(options: ImagePickOptions): Promise<string | undefined> {
  const parsed = parseReference(options.current);
  if (!parsed.ok) return askImage(options, options.current, null);
  if (!options.settings.registry.online) return askImage(options, options.current, 'imageAware.registry.online is off, so no tags are listed');
  const ref = parsed.value;
  // The repository as written (registry and path), without the tag or digest.
  const name = ref.input.slice(0, ref.parts.path.end);
  const another: TagItem = { label: '$(edit) Enter Another Image…', image: null, alwaysShow: true };
  const quickPick = vscode.window.createQuickPick<TagItem>();
  quickPick.title = `${options.title}: ${options.target}`;
  quickPick.placeholder = `A tag of ${name}, newest version first`;
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDescription = true;
  quickPick.busy = true;
  quickPick.items = [another];
  const registry = openRegistry(options.settings);
  const controller = new AbortController();
  let outcome: Outcome | undefined;
  try {
    outcome = await new Promise<Outcome | undefined>((resolve) => {
      quickPick.onDidAccept(() => {
        const item = quickPick.activeItems[0];
        if (item?.image) resolve({ kind: 'picked', image: item.image });
        else if (item) resolve({ kind: 'another', value: quickPick.value.trim() });
      });
      quickPick.onDidHide(() => resolve(undefined));
      quickPick.show();
      registry.listTags({ registry: ref.domain, path: ref.path }, { signal: controller.signal }).then(
        (list) => {
          const items = orderTags(list.tags)
            .slice(0, MAX_TAGS)
            .map(({ tag, moving }): TagItem => {
              const notes = [
                ...(tag === ref.tag ? ['current'] : []),
                ...(moving ? ['moving tag'] : []),
                ...(list.stale ? ['cached: the registry did not answer'] : []),
              ];
              return { label: tag, description: notes.join(', '), image: `${name}:${tag}` };
            });
          quickPick.items = [...items, another];
          quickPick.busy = false;
        },
        (error: unknown) => resolve({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) }),
      );
    });
  } finally {
    controller.abort();
    quickPick.dispose();
    registry.close();
  }
  if (outcome?.kind === 'picked') return outcome.image;
  if (outcome?.kind === 'another') return askImage(options, startingValue(outcome.value, name, options.current), null);
  if (outcome?.kind === 'failed') return askImage(options, options.current, `the tags of ${name} could not be listed: ${outcome.reason}`);
  return undefined;
}

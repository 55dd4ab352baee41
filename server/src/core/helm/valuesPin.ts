/**
 * Pinning a values image writes its digest where the chart reads one: the value of its `digest:`
 * (`digest: ""` becomes `digest: "sha256:…"`, an empty `digest:` gets the value), or a new
 * `digest: sha256:…` entry after the tag at the keys' column (`, digest: …` in a flow mapping). The
 * tag stays: the templates decide whether it is rendered next to the digest. Where the templates do
 * not read `<path>.digest`, a digest in the values would change nothing, so the pin is refused with
 * what the templates need.
 */
import { expecting, readsAsDigest } from '../edits/checkEdits';
import type { PlannedEdit } from '../edits/checkEdits';
import { insertEntryAfter, replaceEntry, replaceScalar } from '../edits/fieldEdits';
import type { ValuesImage } from './types';

/** Why a values image cannot be pinned in its values: the templates read no digest for it. */
export function digestNotRead(image: ValuesImage): string {
  return (
    `the chart's templates do not read .Values.${image.path}.digest, so a digest there would change nothing; ` +
    `render it in the image (for example "@{{ .Values.${image.path}.digest }}" after the tag) and pin again`
  );
}

/** The edit that writes `digest` into the values image, or why it cannot. */
export function planValuesPin(text: string, docStart: number, image: ValuesImage, digest: string): PlannedEdit | string {
  if (!image.rendered.digestRead) return digestNotRead(image);
  const written = image.digest;
  if (written?.value) return expecting(replaceScalar(docStart, written.value, digest), readsAsDigest(digest));
  if (written) return expecting(replaceEntry(docStart, written, 'digest', digest), readsAsDigest(digest));
  const after = image.tag ?? image.repository ?? image.name;
  if (!after) return `${image.path} has no tag or repository entry to add "digest:" after`;
  return expecting(insertEntryAfter(text, docStart, image, after, 'digest', digest), readsAsDigest(digest));
}

/** The reference the chart renders once the values image names `digest`. */
export function valuesPinnedValue(image: ValuesImage, digest: string): string {
  const { rendered } = image;
  const written = rendered.parts.find((part) => part.role === 'digest');
  const name = rendered.parts.find((part) => part.role === 'repository')!;
  const base = rendered.digestReplacesTag ? rendered.text.slice(0, name.end) : written ? rendered.text.slice(0, written.start - 1) : rendered.text;
  return `${base}@${digest}`;
}

/**
 * Random manifests to pin, and the oracle that judges the pinned text.
 *
 * A file is built piece by piece, and every image that may be pinned leaves a slot: the exact old
 * text a pin may replace (often nothing, an insertion point) and what a pin writes there instead,
 * with the digest as the one free part. Pinned means, per slot:
 * - a container image keeping its tag: `@<digest>` inserted right after the tag, inside its quotes;
 * - one dropping its tag (keepTag off, or `:latest`): the `:tag` becomes `@<digest>`;
 * - a kustomize entry keeping its tag: a `digest: <digest>` entry after `newTag`, on its own line at
 *   newTag's column with the file's line break (block), or `, digest: <digest>` (flow);
 * - one dropping its tag: `newTag: <tag>` becomes `digest: <digest>`.
 * The pinned text must be the old text with each slot either untouched or pinned that way, where
 * the digest is a valid OCI digest the repository's answers named (hostileRegistry.ts `emitted`).
 */
import type { Random } from '../helpers/random';

const DIGEST_GROUP = '(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})';

export interface Slot {
  readonly start: number;
  readonly end: number;
  /** A regexp source with one group, the digest, for what a pin writes in place of [start, end). */
  readonly pinned: string;
  /** The repository path whose answers the digest must come from. */
  readonly repository: string;
}

export interface FuzzFile {
  readonly name: string;
  readonly text: string;
  readonly slots: readonly Slot[];
}

export interface PinStyle {
  readonly keepTag: boolean;
  readonly platform: string | null;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

class FileBuilder {
  text = '';
  readonly slots: Slot[] = [];

  constructor(readonly eol: string) {}

  add(text: string): this {
    this.text += text.replace(/\n/g, this.eol);
    return this;
  }

  /** Appends `old` as a slot a pin may replace with `pinned` (a regexp source holding DIGEST_GROUP). */
  slot(old: string, pinned: string, repository: string): this {
    const start = this.text.length;
    this.text += old;
    this.slots.push({ start, end: this.text.length, pinned, repository });
    return this;
  }
}

interface Image {
  readonly name: string;
  readonly repository: string;
  readonly tag: string | null;
}

function randomImage(random: Random, host: string, repositories: readonly string[]): Image {
  const repository = random.pick(repositories);
  return { name: `${host}/${repository}`, repository, tag: random.pick(['1.0', 'v2', 'latest', null]) };
}

/** The image's text up to its pin slot, and the slot: the tag itself when the pin drops it. */
function containerImage(file: FileBuilder, image: Image, style: PinStyle): FileBuilder {
  const keeps = style.keepTag && image.tag !== null && image.tag !== 'latest';
  file.add(image.name);
  if (image.tag !== null && keeps) file.add(`:${image.tag}`);
  return file.slot(image.tag !== null && !keeps ? `:${image.tag}` : '', `@${DIGEST_GROUP}`, image.repository);
}

function container(file: FileBuilder, random: Random, index: number, image: Image, style: PinStyle): void {
  const comment = random.pick(['', ' # the app', '   #x']);
  switch (random.int(6)) {
    case 0:
      file.add(`        - name: c${index}\n          image: `);
      containerImage(file, image, style).add(`${comment}\n`);
      return;
    case 1:
      file.add('        - image: ');
      containerImage(file, image, style).add(`${comment}\n          name: c${index}\n`);
      return;
    case 2:
      file.add(`        - name: c${index}\n          image: "`);
      containerImage(file, image, style).add(`"${comment}\n          imagePullPolicy: IfNotPresent\n`);
      return;
    case 3:
      file.add(`        - name: c${index}\n          image: '`);
      containerImage(file, image, style).add(`'${comment}\n`);
      return;
    case 4:
      file.add(`        - {name: c${index}, image: `);
      containerImage(file, image, style).add(`}${comment}\n`);
      return;
    default:
      file.add(`        - {name: c${index}, image: "`);
      containerImage(file, image, style).add(`", imagePullPolicy: Always}${comment}\n`);
  }
}

/** A Deployment (and sometimes a second document) with 1–3 containers. */
function workloadFile(random: Random, host: string, repositories: readonly string[], style: PinStyle, eol: string): FuzzFile {
  const file = new FileBuilder(eol);
  const documents = random.chance(0.3) ? 2 : 1;
  for (let d = 0; d < documents; d++) {
    if (d > 0) file.add('---\n');
    file.add(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${d} # hostile registry\nspec:\n  template:\n    spec:\n      containers:\n`);
    const count = 1 + random.int(3);
    for (let i = 0; i < count; i++) container(file, random, i, randomImage(random, host, repositories), style);
  }
  return { name: 'workload.yaml', text: file.text, slots: file.slots };
}

function kustomizeEntry(file: FileBuilder, random: Random, image: Image, style: PinStyle): void {
  const tag = image.tag ?? '1.0';
  const written = random.pick([`"${tag}"`, `'${tag}'`, tag === '1.0' ? '"1.0"' : tag]);
  const keeps = style.keepTag && tag !== 'latest';
  const name = random.chance(0.3) ? `name: app\n    newName: ${image.name}` : `name: ${image.name}`;
  if (random.chance(0.5)) {
    // The new line goes after a comment that ends the newTag line.
    const comment = random.pick(['', ' # tag']);
    file.add(`  - ${name}\n    `);
    if (keeps) file.add(`newTag: ${written}${comment}`).slot('', `${escape(file.eol)}    digest: ${DIGEST_GROUP}`, image.repository);
    else file.slot(`newTag: ${written}`, `digest: ${DIGEST_GROUP}`, image.repository).add(comment);
    file.add('\n');
  } else {
    file.add(`  - {${name.replace('\n    ', ', ')}, `);
    if (keeps) file.add(`newTag: ${written}`).slot('', `, digest: ${DIGEST_GROUP}`, image.repository);
    else file.slot(`newTag: ${written}`, `digest: ${DIGEST_GROUP}`, image.repository);
    file.add('}\n');
  }
}

/** A kustomization with 1–2 `images:` entries. */
function kustomizationFile(random: Random, host: string, repositories: readonly string[], style: PinStyle, eol: string): FuzzFile {
  const file = new FileBuilder(eol);
  file.add('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - workload.yaml\nimages:\n');
  const count = 1 + random.int(2);
  for (let i = 0; i < count; i++) kustomizeEntry(file, random, randomImage(random, host, repositories), style);
  return { name: 'kustomization.yaml', text: file.text, slots: file.slots };
}

/** The files of one iteration: a workload file, and often a kustomization. */
export function randomFiles(random: Random, host: string, repositories: readonly string[], style: PinStyle): FuzzFile[] {
  const eol = random.chance(0.2) ? '\r\n' : '\n';
  const files = [workloadFile(random, host, repositories, style, eol)];
  if (random.chance(0.6)) files.push(kustomizationFile(random, host, repositories, style, eol));
  return files;
}

/**
 * Checks `after` against the file's slots; returns null when it is the old text with each slot
 * untouched or pinned to a digest its repository emitted, else why not.
 */
export function judge(file: FuzzFile, after: string, emitted: (repository: string) => ReadonlySet<string>): string | null {
  let source = '^';
  let at = 0;
  for (const slot of file.slots) {
    source += `${escape(file.text.slice(at, slot.start))}(?:${escape(file.text.slice(slot.start, slot.end))}|${slot.pinned})`;
    at = slot.end;
  }
  source += `${escape(file.text.slice(at))}$`;
  const match = new RegExp(source).exec(after);
  if (!match) return `${file.name} is neither the old text nor the old text with valid digests pinned where they go`;
  for (const [i, slot] of file.slots.entries()) {
    const digest = match[i + 1];
    if (digest !== undefined && !emitted(slot.repository).has(digest)) {
      return `${file.name} pins ${slot.repository} to ${digest}, which its registry never named`;
    }
  }
  return null;
}

/**
 * What the build commands need to know about Dockerfiles, without building anything: the `FROM`
 * lines (base images and stage names, for `--target` and for links), and which Dockerfile builds
 * an image of a manifest.
 *
 * The reading follows the Dockerfile parser (moby/buildkit frontend/dockerfile/parser): parser
 * directives only at the very top (`# escape=` changes the line-continuation character), comment
 * lines are dropped even inside a continued instruction, instructions are case-insensitive, and
 * the heredoc bodies of RUN, COPY and ADD are skipped, so a `FROM` line inside one is not read as
 * an instruction.
 */
import { parseReference } from '../../core/reference/reference';

export interface FromLine {
  /** The 0-based line of the `FROM` keyword. */
  readonly line: number;
  /** Offsets of the image as written (UTF-16, into the whole text). */
  readonly start: number;
  readonly end: number;
  /** The image as written: a reference, a stage name, `scratch`, or with `${ARG}`s left unexpanded. */
  readonly image: string;
  /** The `AS` name, or null. */
  readonly stage: string | null;
  /** The `--platform=` value as written, or null. */
  readonly platform: string | null;
}

interface PhysicalLine {
  readonly text: string;
  readonly start: number;
}

/** A logical instruction: its text with continuations joined, and each character's offset in the file. */
interface Instruction {
  readonly line: number;
  readonly text: string;
  readonly offsets: readonly number[];
}

const DIRECTIVE = /^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add']);

function physicalLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = 0;
  for (const match of text.matchAll(/\r\n|\n|\r/g)) {
    lines.push({ text: text.slice(start, match.index), start });
    start = match.index! + match[0].length;
  }
  lines.push({ text: text.slice(start), start });
  return lines;
}

/** The escape character set by a leading `# escape=` directive, and the index of the first line after the directives. */
function directives(lines: readonly PhysicalLine[]): { escape: string; body: number } {
  let escape = '\\';
  let index = 0;
  for (; index < lines.length; index++) {
    const match = DIRECTIVE.exec(lines[index].text.trim());
    if (!match) break;
    if (match[1].toLowerCase() === 'escape' && (match[2] === '`' || match[2] === '\\')) escape = match[2];
  }
  return { escape, body: index };
}

function isCommentOrBlank(text: string): boolean {
  const trimmed = text.trimStart();
  return trimmed === '' || trimmed.startsWith('#');
}

/** Joins continued lines into instructions, skipping comments, blank lines and heredoc bodies. */
function instructions(text: string): Instruction[] {
  const lines = physicalLines(text);
  const { escape, body } = directives(lines);
  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : '`'}\\s*$`);
  const result: Instruction[] = [];
  let index = body;
  while (index < lines.length) {
    if (isCommentOrBlank(lines[index].text)) {
      index++;
      continue;
    }
    const line = index;
    let joined = '';
    const offsets: number[] = [];
    for (; index < lines.length; index++) {
      const physical = lines[index];
      if (index > line && isCommentOrBlank(physical.text)) continue;
      const cut = continuation.exec(physical.text);
      const part = cut ? physical.text.slice(0, cut.index) : physical.text;
      for (let i = 0; i < part.length; i++) offsets.push(physical.start + i);
      joined += part;
      if (!cut) break;
    }
    index++;
    result.push({ line, text: joined, offsets });
    index = skipHeredocs(joined, lines, index);
  }
  return result;
}

/** The line after the heredoc bodies an instruction opens (`RUN <<EOF`, `COPY <<-A <<B /dst`). */
function skipHeredocs(instruction: string, lines: readonly PhysicalLine[], index: number): number {
  const keyword = /^\s*(\S+)/.exec(instruction)?.[1].toLowerCase() ?? '';
  if (!HEREDOC_INSTRUCTIONS.has(keyword)) return index;
  for (const match of instruction.matchAll(HEREDOC)) {
    const stripTabs = match[1] === '-';
    while (index < lines.length && (stripTabs ? lines[index].text.replace(/^\t+/, '') : lines[index].text) !== match[3]) index++;
    index++;
  }
  return index;
}

interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function words(instruction: Instruction): Word[] {
  return [...instruction.text.matchAll(/\S+/g)].map((match) => ({
    text: match[0],
    start: instruction.offsets[match.index!],
    end: instruction.offsets[match.index! + match[0].length - 1] + 1,
  }));
}

function fromLine(instruction: Instruction): FromLine | null {
  const [keyword, ...rest] = words(instruction);
  if (keyword?.text.toLowerCase() !== 'from') return null;
  let platform: string | null = null;
  let at = 0;
  for (; at < rest.length && rest[at].text.startsWith('--'); at++) {
    const flag = /^--platform=(.*)$/i.exec(rest[at].text);
    if (flag) platform = flag[1];
  }
  const image = rest[at];
  if (!image) return null;
  const stage = rest[at + 1]?.text.toLowerCase() === 'as' ? (rest[at + 2]?.text ?? null) : null;
  return { line: instruction.line, start: image.start, end: image.end, image: image.text, stage, platform };
}

/** Every `FROM` instruction of a Dockerfile, in order. */
export function fromLines(text: string): FromLine[] {
  return instructions(text).flatMap((instruction) => fromLine(instruction) ?? []);
}

/** The stage names (`FROM … AS name`) in order, as written: what `--target` can be. */
export function stageNames(text: string): string[] {
  return fromLines(text).flatMap((from) => (from.stage === null ? [] : [from.stage]));
}

const DOCKERFILE_NAMES = ['dockerfile', 'containerfile'];

function globMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/** The names a repository goes by: as written, fully qualified (`docker.io/library/nginx`) and familiar (`nginx`). */
function repositoryNames(repository: string): string[] {
  const parsed = parseReference(repository);
  if (!parsed.ok) return [repository];
  const ref = parsed.value;
  const familiar = ref.familiar.slice(0, ref.familiar.length - (ref.tag === null ? 0 : ref.tag.length + 1) - (ref.digest === null ? 0 : ref.digest.length + 1));
  return [...new Set([repository, `${ref.domain}/${ref.path}`, familiar])];
}

function mappedDockerfile(repository: string, mapping: Readonly<Record<string, string>>): string | null {
  const names = repositoryNames(repository);
  // Exact patterns win over wildcards; among wildcards, the longest (most specific) pattern wins.
  const patterns = Object.keys(mapping).sort((a, b) => Number(a.includes('*')) - Number(b.includes('*')) || (a.includes('*') ? b.length - a.length : 0));
  const pattern = patterns.find((p) => names.some((name) => globMatches(p, name)));
  return pattern === undefined ? null : mapping[pattern];
}

/**
 * The Dockerfile that builds `repository` (as written in a manifest, without tag or digest):
 * `mapping` first (repository pattern → workspace-relative path, `*` matching any run of
 * characters), then the convention: a `Dockerfile` or `Containerfile` in a folder named like the
 * repository's last path part (`web/Dockerfile` for `ghcr.io/acme/web`). When several folders
 * match, the one matching more of the repository path from the end wins (`acme/web/` over
 * `old/web/`), a Dockerfile over a Containerfile next to it; a tie that remains answers null.
 * `dockerfiles` are workspace-relative paths with `/` separators.
 */
export function dockerfileFor(repository: string, dockerfiles: readonly string[], mapping: Readonly<Record<string, string>>): string | null {
  const mapped = mappedDockerfile(repository, mapping);
  if (mapped !== null) return mapped;
  const repoParts = repository.split('/');
  const scored = dockerfiles.flatMap((file) => {
    const parts = file.split('/');
    const kind = DOCKERFILE_NAMES.indexOf(parts[parts.length - 1].toLowerCase());
    const dirs = parts.slice(0, -1);
    let matched = 0;
    while (matched < dirs.length && matched < repoParts.length && dirs[dirs.length - 1 - matched] === repoParts[repoParts.length - 1 - matched]) matched++;
    return kind < 0 || matched === 0 ? [] : [{ file, matched, kind }];
  });
  scored.sort((a, b) => b.matched - a.matched || a.kind - b.kind);
  const [best, next] = scored;
  if (!best) return null;
  return next && next.matched === best.matched && next.kind === best.kind ? null : best.file;
}

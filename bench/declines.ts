/**
 * Which documents the fast line scanner reads, and why it declines the others, seen from outside:
 * the core reports only `parser: 'unread' | 'fast' | 'slow'` per document, not the reason. The reason given
 * here is the construct on the first line where the scanner stops: the shortest prefix of the
 * document (in whole lines) that fastParse declines, found by bisection, its last line classified
 * by pattern. It is a good guide, not the scanner's own word: a construct the patterns do not know
 * counts as "other".
 */
import type { Analysis } from '../server/src/core/analysis';
import { fastParse } from '../server/src/core/manifest/fastParse';
import type { Family, GeneratedDocument } from './varied';

/** Ordered: the first pattern that matches the stopping line (or, for continuations, its predecessor) names the reason. */
const LINE_REASONS: readonly (readonly [string, (line: string, previous: string) => boolean])[] = [
  ['escape in "…"', (line) => /"(?:[^"\\\n]|\\.)*\\/.test(line)],
  ['template syntax {{ }} (not YAML)', (line) => line.includes('{{')],
  ['directive %', (line) => /^%/.test(line)],
  ['tab in indentation', (line) => /^ *\t/.test(line)],
  ['CR without LF', (line) => /\r(?!\n|$)/.test(line)],
  ['merge key <<', (line) => /^\s*(- )?<<\s*:/.test(line)],
  ['anchor &', (line) => /(^|[\s[{,])&[^\s,\]}]/.test(line)],
  ['alias *', (line) => /(^|[\s[{,])\*[^\s,\]}'"]/.test(line)],
  ['tag !', (line) => /(^\s*(- )?|:\s+|[[{,]\s*)!/.test(line)],
  ['block scalar indentation indicator', (line) => /(^|:\s|-\s)\s*[|>][+-]?[1-9]/.test(line)],
  ['block scalar on a key the analysis reads', (line) => /:\s+[|>][+-]?\s*(#.*)?$/.test(line)],
  ['JSON or flow collection at the root', (line) => /^[{[]/.test(line)],
  ['multi-line "…"', (line) => /(:\s+|^\s*-\s+)"/.test(line) && !/"\s*(#.*)?$/.test(line.trimEnd())],
  ["multi-line '…'", (line) => /(:\s+|^\s*-\s+)'/.test(line) && !/'\s*(#.*)?$/.test(line.trimEnd())],
  [
    'multi-line plain scalar',
    (line, previous) => indentOf(line) > indentOf(previous) && /(:\s+|^\s*-\s+)[^\s'"|>&*!{[#]/.test(previous) && !/:(\s|$)/.test(line),
  ],
  ['key the scanner does not read', (line) => /^\s*(- )?[^\s'"#][^:]*[{["][^:]*:/.test(line)],
];

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The reason fastParse declines source (which it must decline), by the line where it stops. */
export function declineReason(source: string): string {
  const ends: number[] = [];
  for (let at = source.indexOf('\n'); at >= 0; at = source.indexOf('\n', at + 1)) ends.push(at + 1);
  if (ends.length === 0 || ends[ends.length - 1] < source.length) ends.push(source.length);
  let low = 0;
  let high = ends.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (fastParse(source, 0, ends[mid]) === null) high = mid;
    else low = mid + 1;
  }
  const lineStart = low === 0 ? 0 : ends[low - 1];
  const line = source.slice(lineStart, ends[low]).replace(/\n$/, '');
  const previous = low === 0 ? '' : source.slice(low === 1 ? 0 : ends[low - 2], lineStart).replace(/\n$/, '');
  return LINE_REASONS.find(([, matches]) => matches(line, previous))?.[0] ?? 'other';
}

export interface Tally {
  documents: number;
  bytes: number;
}

export interface PathShares {
  readonly all: Tally;
  /** Documents not parsed: their kind, read from their top-level lines, holds no images. */
  readonly unread: Tally;
  readonly fast: Tally;
  /** Declined documents by reason. */
  readonly reasons: Map<string, Tally>;
  /** Per family, for generated inputs: all documents and those read without yaml (fast or unread). */
  readonly families: Map<Family, { all: Tally; withoutYaml: Tally }>;
}

export function emptyShares(): PathShares {
  return { all: { documents: 0, bytes: 0 }, unread: { documents: 0, bytes: 0 }, fast: { documents: 0, bytes: 0 }, reasons: new Map(), families: new Map() };
}

function add(tally: Tally, bytes: number): void {
  tally.documents++;
  tally.bytes += bytes;
}

/**
 * Adds the documents of analysis to shares. With generated (the generator's documents of the same
 * text, which the core splits the same way), each document also counts for its family.
 */
export function tallyPaths(shares: PathShares, analysis: Analysis, generated?: readonly GeneratedDocument[]): void {
  const sameSplit = generated !== undefined && generated.length === analysis.documents.length;
  analysis.documents.forEach((doc, i) => {
    const bytes = doc.end - doc.start;
    const { parser } = doc.analysis;
    const withoutYaml = parser === 'fast' || parser === 'unread';
    add(shares.all, bytes);
    if (parser === 'unread') add(shares.unread, bytes);
    else if (parser === 'fast') add(shares.fast, bytes);
    else {
      const reason = declineReason(analysis.text.slice(doc.start, doc.end));
      const tally = shares.reasons.get(reason) ?? { documents: 0, bytes: 0 };
      add(tally, bytes);
      shares.reasons.set(reason, tally);
    }
    if (sameSplit) {
      const family = generated[i].family;
      const entry = shares.families.get(family) ?? { all: { documents: 0, bytes: 0 }, withoutYaml: { documents: 0, bytes: 0 } };
      add(entry.all, bytes);
      if (withoutYaml) add(entry.withoutYaml, bytes);
      shares.families.set(family, entry);
    }
  });
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`;
}

/** Lines that describe shares: documents left unread, the fast path's share of documents and bytes, declines by reason, and by family. */
export function describeShares(shares: PathShares): string[] {
  const { all, unread, fast } = shares;
  const declined = all.documents - unread.documents - fast.documents;
  const lines = [
    `unread (a kind without images, read from the top-level lines): ${unread.documents} of ${all.documents} documents ` +
      `(${percent(unread.documents, all.documents)}), ${percent(unread.bytes, all.bytes)} of the bytes`,
    `fast path: ${fast.documents} of ${all.documents} documents (${percent(fast.documents, all.documents)}), ` +
      `${percent(fast.bytes, all.bytes)} of the bytes; declined to yaml: ${declined} documents`,
  ];
  const reasons = [...shares.reasons].sort((a, b) => b[1].bytes - a[1].bytes);
  if (reasons.length > 0) {
    lines.push('  declined by reason (construct on the line where the scanner stops; found from outside, the core does not say):');
    for (const [reason, tally] of reasons) {
      lines.push(`    ${reason.padEnd(42)} ${String(tally.documents).padStart(6)} documents  ${percent(tally.bytes, all.bytes).padStart(7)} of the bytes`);
    }
  }
  if (shares.families.size > 0) {
    lines.push('  read without yaml (unread or fast path) by generated family:');
    for (const [family, entry] of [...shares.families].sort((a, b) => b[1].all.bytes - a[1].all.bytes)) {
      lines.push(
        `    ${family.padEnd(14)} ${String(entry.all.documents).padStart(6)} documents, ${percent(entry.all.bytes, all.bytes).padStart(7)} of the bytes, ` +
          `without yaml ${percent(entry.withoutYaml.documents, entry.all.documents)}`,
      );
    }
  }
  return lines;
}

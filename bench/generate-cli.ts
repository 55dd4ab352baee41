/**
 * Writes generated manifests to a file, a folder or stdout, and prints their statistics.
 *
 *   node out/bench/generate-cli.js [--mode plain|varied|folder|many] [--bytes N] [--files N] [--seed N] [--out FILE|DIR]
 *
 * plain (the default): generate.ts's manifest; varied: a varied.ts stream of every family; folder: a
 * folder of varied manifests of about --bytes in all; many: --files one-object files (default
 * 10000). Defaults: --bytes 1048576 --seed 1; folder and many need --out DIR; without --out the YAML
 * goes to stdout and the statistics to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateManifest } from './generate';
import { option, stringOption } from './harness';
import { generateFolder, generateSmallFiles, generateVaried } from './varied';
import type { GeneratedDocument, GeneratedFile } from './varied';

const mode = stringOption('--mode') ?? 'plain';
const bytes = option('--bytes', 1024 * 1024);
const seed = option('--seed', 1);
const out = stringOption('--out');

function plainStats(text: string): string {
  const documents = text.split(/^---$/m).length;
  const kinds = new Map<string, number>();
  for (const m of text.matchAll(/^kind: (\S+)$/gm)) kinds.set(m[1], (kinds.get(m[1]) ?? 0) + 1);
  const images = (text.match(/^\s+(- )?image: /gm) ?? []).length;
  return (
    `${text.length} chars, ${documents} documents (avg ${Math.round(text.length / documents)} chars), ${images} image fields; ` +
    [...kinds].map(([k, n]) => `${k} ${n}`).join(', ')
  );
}

function familyStats(chars: number, documents: readonly GeneratedDocument[]): string {
  const families = new Map<string, number>();
  for (const doc of documents) families.set(doc.family, (families.get(doc.family) ?? 0) + 1);
  return `${chars} chars, ${documents.length} documents: ${[...families].map(([f, n]) => `${f} ${n}`).join(', ')}`;
}

function writeText(text: string, stats: string): void {
  if (out) {
    writeFileSync(out, text);
    console.log(`wrote ${out}: ${stats}`);
  } else {
    process.stdout.write(text);
    console.error(stats);
  }
}

function writeFiles(files: readonly GeneratedFile[]): void {
  if (!out) throw new Error(`--mode ${mode} writes a folder: give it with --out DIR`);
  for (const file of files) {
    const path = join(out, ...file.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
  }
  const stats = familyStats(
    files.reduce((n, f) => n + f.text.length, 0),
    files.flatMap((f) => f.documents),
  );
  console.log(`wrote ${files.length} files below ${out}: ${stats}`);
}

switch (mode) {
  case 'plain': {
    const text = generateManifest(bytes, seed);
    writeText(text, plainStats(text));
    break;
  }
  case 'varied': {
    const stream = generateVaried(bytes, seed);
    writeText(stream.text, familyStats(stream.text.length, stream.documents));
    break;
  }
  case 'folder':
    writeFiles(generateFolder(bytes, seed));
    break;
  case 'many':
    writeFiles(generateSmallFiles(option('--files', 10_000), seed));
    break;
  default:
    throw new Error(`--mode is plain, varied, folder or many (got "${mode}")`);
}

/**
 * Writes a generated manifest to a file (or stdout) and prints its statistics.
 *
 *   node out/bench/generate-cli.js [--bytes N] [--seed N] [--out FILE] [--stats]
 *
 * Defaults: --bytes 1048576 --seed 1; without --out the YAML goes to stdout and the statistics to stderr.
 */
import { writeFileSync } from 'node:fs';
import { generateManifest } from './generate';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const bytes = Number(option('--bytes', String(1024 * 1024)));
const seed = Number(option('--seed', '1'));
const out = option('--out', '');
const text = generateManifest(bytes, seed);

const documents = text.split(/^---$/m).length;
const kinds = new Map<string, number>();
for (const m of text.matchAll(/^kind: (\S+)$/gm)) kinds.set(m[1], (kinds.get(m[1]) ?? 0) + 1);
const images = (text.match(/^\s+(- )?image: /gm) ?? []).length;
const stats =
  `${text.length} chars, ${documents} documents (avg ${Math.round(text.length / documents)} chars), ${images} image fields; ` +
  [...kinds].map(([k, n]) => `${k} ${n}`).join(', ');

if (out) {
  writeFileSync(out, text);
  console.log(`wrote ${out}: ${stats}`);
} else {
  process.stdout.write(text);
  console.error(stats);
}

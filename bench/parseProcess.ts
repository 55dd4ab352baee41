/**
 * The cold baseline: `yaml.parseAllDocuments` over the files `check` would read, in a fresh process.
 *
 *   node out/bench/parseProcess.js PATH...
 *
 * Prints the number of files and documents, so the bench can check it parsed what it meant to.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { manifestFiles } from './manifestFiles';

const files = manifestFiles(process.argv.slice(2));
let documents = 0;
for (const file of files) documents += parseAllDocuments(readFileSync(file, 'utf8')).length;
console.log(`${files.length} files, ${documents} documents`);

/**
 * The cold comparison: yaml-language-server's whole-process validation of the files `check` would
 * read, in a fresh process that loads its language service (yls.ts) and validates each file.
 *
 *   node out/bench/ylsProcess.js PATH...
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { manifestFiles } from './manifestFiles';
import { ylsValidator } from './yls';

async function main(): Promise<void> {
  const validate = ylsValidator();
  const files = manifestFiles(process.argv.slice(2));
  let diagnostics = 0;
  for (const file of files) diagnostics += await validate(pathToFileURL(file).href, readFileSync(file, 'utf8'));
  console.log(`${files.length} files, ${diagnostics} diagnostics`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

/**
 * Analysis benchmark: how long the core takes on a ~1 MB, ~1,000-document manifest, compared in the
 * same run with the `yaml` package's own parse (the floor we build on) and with yaml-language-server's
 * validation (what a YAML extension already costs the editor). Ends with the server memory benchmark.
 *
 *   npm run bench                        (builds dist/, then runs out/bench/analysis.bench.js)
 *   node out/bench/analysis.bench.js [--runs N] [--yls-runs N] [--seed N] [--bytes N] [--no-memory]
 *
 * Benchmarks print numbers; they never fail. Every time is a median of N runs after warm-up runs;
 * targets are judged on ratios against baselines measured in this same process.
 */
import { cpus } from 'node:os';
import { Lexer, Parser, parseAllDocuments } from 'yaml';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server';
import { analyze } from '../server/src/core/analysis';
import type { Analysis } from '../server/src/core/analysis';
import { MAX_CONTAINERS_PER_DOCUMENT } from '../server/src/core/analysis';
import { imageFindings } from '../server/src/core/diagnostics/imageFindings';
import { collectDiagnostics } from '../server/src/core/features/diagnostics';
import type { Diagnostic } from '../server/src/core/features/types';
import { splitDocuments } from '../server/src/core/manifest/documents';
import { locateImageFields } from '../server/src/core/manifest/imageFields';
import { slowParse } from '../server/src/core/manifest/slowParse';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { fileFacts, mergeFacts } from '../server/src/core/workspace';
import { generateManifest } from './generate';
import { ms, table, timeAsync, timeSync, verdict } from './harness';
import type { Timing } from './harness';
import { runServerMemoryBench } from './serverMemory.bench';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? Number(process.argv[at + 1]) : fallback;
}

const RUNS = option('--runs', 21);
const WARMUP = Math.max(3, Math.floor(RUNS / 4));
/** yaml-language-server takes about a second per run; fewer runs keep the bench under a minute. */
const YLS_RUNS = option('--yls-runs', 7);
const SEED = option('--seed', 1);
const BYTES = option('--bytes', 1024 * 1024);

/** Full analysis as a front end does it: analyze, this file's workspace facts, then diagnostics. */
function fullAnalysis(text: string, previous?: Analysis): { analysis: Analysis; diagnostics: Diagnostic[] } {
  const analysis = analyze(text, { maxFileSize: DEFAULT_SETTINGS.maxFileSize, previous });
  const workspace = mergeFacts([fileFacts(analysis)]);
  return { analysis, diagnostics: collectDiagnostics(analysis, DEFAULT_SETTINGS, workspace) };
}

/**
 * Two versions of text, each one character longer than it: the same spot (the end of the metadata
 * name of the document in the middle) gets 'x' in one and 'y' in the other, so alternating them makes
 * every run a real change against the analysis of the unedited text, and shifts every later document.
 */
function editedVersions(text: string, analysis: Analysis): { versions: [string, string]; documentIndex: number } {
  const docs = analysis.documents;
  for (let index = docs.length >> 1; index < docs.length; index++) {
    const doc = docs[index];
    const source = doc.analysis.source;
    const nameAt = source.indexOf('\n  name: ');
    if (nameAt < 0) continue;
    const at = doc.start + source.indexOf('\n', nameAt + 1);
    return { versions: [text.slice(0, at) + 'x' + text.slice(at), text.slice(0, at) + 'y' + text.slice(at)], documentIndex: index };
  }
  throw new Error('no document with metadata.name after the middle');
}

/**
 * For context: analyze's per-document work with the fast path taken away (every document through
 * slowParse, which builds on the yaml package), i.e. the cost for manifests the line scanner declines.
 */
function slowPathOnly(text: string): number {
  let findings = 0;
  for (const region of splitDocuments(text)) {
    const source = text.slice(region.start, region.end);
    const fields = locateImageFields(slowParse(source, 0, source.length).root, { kustomizationFile: false, maxContainers: MAX_CONTAINERS_PER_DOCUMENT });
    if (fields.isManifest) findings += imageFindings(fields).length;
  }
  return findings;
}

function row(label: string, t: Timing, note = ''): string[] {
  return [label, ms(t.median), ms(t.min), ms(t.max), String(t.runs), note];
}

export async function runAnalysisBench(): Promise<void> {
  const text = generateManifest(BYTES, SEED);
  console.log(`# Analysis benchmark (node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs)`);

  // Context: what the text is.
  const lexTokens = [...new Lexer().lex(text)].length;
  const cstTokens = [...new Parser().parse(text)].length;
  const reference = fullAnalysis(text);
  const docs = reference.analysis.documents;
  const fast = docs.filter((d) => d.analysis.parser === 'fast').length;
  const manifests = docs.filter((d) => d.analysis.fields.isManifest);
  const containers = docs.reduce((n, d) => n + d.analysis.fields.containers.length, 0);
  console.log(
    `input: generateManifest(${BYTES}, seed ${SEED}) = ${text.length} chars (${(text.length / 1048576).toFixed(2)} MiB), ` +
      `${docs.length} documents (${manifests.length} manifests), ${containers} containers, ${reference.diagnostics.length} diagnostics`,
  );
  console.log(`yaml Lexer: ${lexTokens} lexical tokens; yaml Parser: ${cstTokens} top-level CST tokens`);
  console.log(
    `fast path: ${fast}/${docs.length} documents (${((100 * fast) / docs.length).toFixed(1)}%), slow path: ${docs.length - fast}`,
  );

  const edit = editedVersions(text, reference.analysis);
  const editCheck = fullAnalysis(edit.versions[0], reference.analysis).analysis;
  console.log(
    `edit: one character inserted in document ${edit.documentIndex} of ${docs.length}; re-analysis reparsed ${editCheck.reparsed} document(s)` +
      (editCheck.documents.length === docs.length ? '' : ` (document count changed to ${editCheck.documents.length}!)`),
  );
  console.log(`runs: median of ${RUNS} after ${WARMUP} warm-up (yaml-language-server: ${YLS_RUNS} after 2)\n`);

  // Timings. Each result is consumed so nothing can be optimised away.
  let sink = 0;
  const baseline = timeSync(RUNS, WARMUP, () => (sink += parseAllDocuments(text).length));
  const lexer = timeSync(RUNS, WARMUP, () => {
    for (const _ of new Lexer().lex(text)) sink++;
  });
  const parser = timeSync(RUNS, WARMUP, () => {
    for (const _ of new Parser().parse(text)) sink++;
  });
  const analyzeOnly = timeSync(RUNS, WARMUP, () => (sink += analyze(text, { maxFileSize: DEFAULT_SETTINGS.maxFileSize }).documents.length));
  const full = timeSync(RUNS, WARMUP, () => (sink += fullAnalysis(text).diagnostics.length));
  const slowOnly = timeSync(RUNS, WARMUP, () => (sink += slowPathOnly(text)));
  const reanalyze = timeSync(RUNS, WARMUP, (i) => (sink += analyze(edit.versions[i & 1], { maxFileSize: DEFAULT_SETTINGS.maxFileSize, previous: reference.analysis }).reparsed));
  const editFull = timeSync(RUNS, WARMUP, (i) => (sink += fullAnalysis(edit.versions[i & 1], reference.analysis).diagnostics.length));

  const ls = getLanguageService({
    schemaRequestService: () => Promise.reject('offline'),
    workspaceContext: { resolveRelativePath: (relativePath: string) => relativePath },
  });
  ls.configure({ validate: true, hover: false, completion: false, schemas: [], customTags: [] });
  let uri = 0;
  let ylsDiagnostics = 0;
  const validate = async (isKubernetes: boolean): Promise<void> => {
    const document = TextDocument.create(`file:///bench/yls-${process.pid}-${uri++}.yaml`, 'yaml', 1, text);
    ylsDiagnostics = (await ls.doValidation(document, isKubernetes)).length;
  };
  const yls = await timeAsync(YLS_RUNS, 2, () => validate(false));
  const ylsPlain = ylsDiagnostics;
  let ylsK8s: Timing | undefined;
  let ylsK8sNote = '';
  try {
    ylsK8s = await timeAsync(YLS_RUNS, 2, () => validate(true));
    ylsK8sNote = `${ylsDiagnostics} diagnostics`;
  } catch (e) {
    ylsK8sNote = `failed offline: ${String(e).split('\n')[0]}`;
  }

  const header = ['measurement', 'median ms', 'min', 'max', 'runs', 'note'];
  const rows = [
    row('yaml.parseAllDocuments (baseline)', baseline, `${docs.length} documents`),
    row('yaml Lexer.lex (context)', lexer, `${lexTokens} tokens`),
    row('yaml Parser.parse (context)', parser, `${cstTokens} CST tokens`),
    row('ours: analyze only, cold', analyzeOnly, `${fast} fast / ${docs.length - fast} slow`),
    row('ours: full analysis, cold', full, `${reference.diagnostics.length} diagnostics`),
    row('ours: slow path forced (context)', slowOnly, 'slowParse+locate+findings, all docs'),
    row('ours: analyze after 1-char edit', reanalyze, `reparsed ${editCheck.reparsed}`),
    row('ours: full analysis after 1-char edit', editFull, 'previous = unedited'),
    row('yaml-language-server doValidation', yls, `${ylsPlain} diagnostics, isKubernetes=false`),
  ];
  if (ylsK8s) rows.push(row('yaml-language-server doValidation (k8s)', ylsK8s, `${ylsK8sNote}, isKubernetes=true`));
  console.log(table(header, rows));

  const oursVsParse = full.median / baseline.median;
  const ylsVsOurs = yls.median / full.median;
  console.log('\nratios (medians, same run):');
  console.log(`  full analysis / parseAllDocuments       = ${oursVsParse.toFixed(2)}  (target <= 1.5: ${verdict(oursVsParse <= 1.5)})`);
  console.log(`  analyze only  / parseAllDocuments       = ${(analyzeOnly.median / baseline.median).toFixed(2)}`);
  console.log(`  slow path forced / parseAllDocuments    = ${(slowOnly.median / baseline.median).toFixed(2)}  (context: cost if no document took the fast path)`);
  console.log(`  yaml-language-server / full analysis    = ${ylsVsOurs.toFixed(1)}  (target >= 5: ${verdict(ylsVsOurs >= 5)})`);
  if (ylsK8s) console.log(`  yaml-language-server (k8s) / full       = ${(ylsK8s.median / full.median).toFixed(1)}`);
  console.log(`  full after edit / full cold             = ${(editFull.median / full.median).toFixed(3)}  (${(full.median / editFull.median).toFixed(0)}x faster)`);
  console.log(`  analyze after edit / analyze cold       = ${(reanalyze.median / analyzeOnly.median).toFixed(3)}`);
  console.log(`  fast-path documents                     = ${((100 * fast) / docs.length).toFixed(1)}%`);
  if (sink === -1) console.log(sink);
}

async function main(): Promise<void> {
  await runAnalysisBench();
  if (!process.argv.includes('--no-memory')) {
    console.log('');
    await runServerMemoryBench();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}

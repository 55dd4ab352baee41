/**
 * Analysis benchmark: how long the core takes on a ~1 MB, ~1,000-document manifest, compared in the
 * same run with the `yaml` package's own parse (the floor we build on) and with yaml-language-server's
 * validation (what a YAML extension already costs the editor), on generate.ts's manifest: the
 * detailed, in-process view (lexer, parser, forced slow path). `npm run bench` (targets.bench.ts)
 * measures the targets of issue 13 on varied input, cold and warm.
 *
 *   npm run bench:analysis               (builds dist/, then runs out/bench/analysis.bench.js)
 *   node out/bench/analysis.bench.js [--runs N] [--yls-runs N] [--seed N] [--bytes N]
 *
 * Benchmarks print numbers; they never fail. Every time is a median of N runs after warm-up runs,
 * with the cases interleaved round by round so that load from other processes hits them alike;
 * targets are judged on ratios against baselines measured in this same process.
 */
import { cpus, loadavg } from 'node:os';
import { Lexer, Parser, parseAllDocuments } from 'yaml';
import { analyze } from '../server/src/core/analysis';
import { MAX_CONTAINERS_PER_DOCUMENT } from '../server/src/core/analysis';
import { imageFindings } from '../server/src/core/diagnostics/imageFindings';
import { splitDocuments } from '../server/src/core/manifest/documents';
import { BUILT_IN_LOCATIONS } from '../server/src/core/manifest/builtInLocations';
import { locateImageFields } from '../server/src/core/manifest/imageFields';
import { slowParse } from '../server/src/core/manifest/slowParse';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { editedVersions } from './edits';
import { fullAnalysis } from './fullAnalysis';
import { generateManifest } from './generate';
import { ms, option, table, timeInterleaved, verdict } from './harness';
import type { Case, Timing } from './harness';
import { clearYlsCache, ylsValidator } from './yls';

const RUNS = option('--runs', 21);
const WARMUP = Math.max(3, Math.floor(RUNS / 4));
/** yaml-language-server takes about a second per run; fewer runs keep the bench under a minute. */
const YLS_RUNS = option('--yls-runs', 7);
const YLS_WARMUP = 2;
const SEED = option('--seed', 1);
const BYTES = option('--bytes', 1024 * 1024);

/**
 * For context: analyze's per-document work with the fast path taken away (every document through
 * slowParse, which builds on the yaml package), i.e. the cost for manifests the line scanner declines.
 */
function slowPathOnly(text: string): number {
  let findings = 0;
  for (const region of splitDocuments(text)) {
    const source = text.slice(region.start, region.end);
    const fields = locateImageFields(slowParse(source, 0, source.length).root, {
      kustomizationFile: false,
      maxContainers: MAX_CONTAINERS_PER_DOCUMENT,
      locations: BUILT_IN_LOCATIONS,
    });
    if (fields.isManifest) findings += imageFindings(fields, source).length;
  }
  return findings;
}

function load(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

function row(label: string, t: Timing, note = ''): string[] {
  return [label, ms(t.median), ms(t.min), ms(t.max), String(t.runs), note];
}

export async function runAnalysisBench(): Promise<void> {
  const text = generateManifest(BYTES, SEED);
  console.log(`# Analysis benchmark (node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs, ${load()})`);

  // Context: what the text is.
  const lexTokens = [...new Lexer().lex(text)].length;
  const cstTokens = [...new Parser().parse(text)].length;
  const reference = fullAnalysis(text);
  const docs = reference.analysis.documents;
  const fast = docs.filter((d) => d.analysis.parser === 'fast').length;
  const unread = docs.filter((d) => d.analysis.parser === 'unread').length;
  const manifests = docs.filter((d) => d.analysis.fields.isManifest);
  const containers = docs.reduce((n, d) => n + d.analysis.fields.containers.length, 0);
  console.log(
    `input: generateManifest(${BYTES}, seed ${SEED}) = ${text.length} chars (${(text.length / 1048576).toFixed(2)} MiB), ` +
      `${docs.length} documents (${manifests.length} manifests), ${containers} containers, ${reference.diagnostics.length} diagnostics`,
  );
  console.log(`yaml Lexer: ${lexTokens} lexical tokens; yaml Parser: ${cstTokens} top-level CST tokens`);
  console.log(
    `unread (kind without images): ${unread}/${docs.length} documents; fast path: ${fast} (${((100 * fast) / docs.length).toFixed(1)}%), ` +
      `slow path: ${docs.length - fast - unread}`,
  );

  const edit = editedVersions(text, reference.analysis);
  const editCheck = fullAnalysis(edit.versions[0], reference.analysis).analysis;
  console.log(
    `edit: one character inserted in document ${edit.documentIndex} of ${docs.length}; re-analysis reparsed ${editCheck.reparsed} document(s)` +
      (editCheck.documents.length === docs.length ? '' : ` (document count changed to ${editCheck.documents.length}!)`),
  );
  console.log(
    `runs: median of ${RUNS} after ${WARMUP} warm-up, all cases interleaved round by round; then yaml-language-server ` +
      `(${YLS_RUNS} after ${YLS_WARMUP}) interleaved with our full analysis in a second phase\n`,
  );

  // Timings, interleaved round by round. Each result is consumed so nothing can be optimised away.
  let sink = 0;
  const ylsValidate = ylsValidator();
  const ylsDiagnostics = new Map<boolean, number | string>();
  const validate = async (i: number, isKubernetes: boolean): Promise<void> => {
    const uri = `file:///bench/yls-${isKubernetes ? 'k8s' : 'plain'}-${i}.yaml`;
    try {
      ylsDiagnostics.set(isKubernetes, await ylsValidate(uri, text, isKubernetes));
    } catch (e) {
      ylsDiagnostics.set(isKubernetes, `failed: ${String(e).split('\n')[0]}`);
    }
  };
  const cases: Case[] = [
    { name: 'baseline', runs: RUNS, warmup: WARMUP, fn: () => (sink += parseAllDocuments(text).length) },
    {
      name: 'lexer',
      runs: RUNS,
      warmup: WARMUP,
      fn: () => {
        for (const _ of new Lexer().lex(text)) sink++;
      },
    },
    {
      name: 'parser',
      runs: RUNS,
      warmup: WARMUP,
      fn: () => {
        for (const _ of new Parser().parse(text)) sink++;
      },
    },
    { name: 'analyze', runs: RUNS, warmup: WARMUP, fn: () => (sink += analyze(text, { maxFileSize: DEFAULT_SETTINGS.maxFileSize }).documents.length) },
    { name: 'full', runs: RUNS, warmup: WARMUP, fn: () => (sink += fullAnalysis(text).diagnostics.length) },
    { name: 'slow', runs: RUNS, warmup: WARMUP, fn: () => (sink += slowPathOnly(text)) },
    {
      name: 'reanalyze',
      runs: RUNS,
      warmup: WARMUP,
      fn: (i) => (sink += analyze(edit.versions[i & 1], { maxFileSize: DEFAULT_SETTINGS.maxFileSize, previous: reference.analysis }).reparsed),
    },
    { name: 'editFull', runs: RUNS, warmup: WARMUP, fn: (i) => (sink += fullAnalysis(edit.versions[i & 1], reference.analysis).diagnostics.length) },
  ];
  // yaml-language-server allocates far more than anything else here, and the garbage of one case is
  // collected during the next; so it gets its own phase, interleaved with our full analysis again,
  // and the YLS/ours ratio compares the two measured side by side.
  const ylsCases: Case[] = [
    // A new uri per run so yaml-language-server's document cache never answers; the cache is emptied
    // after each run (untimed) so a growing heap does not slow the other cases.
    { name: 'yls', runs: YLS_RUNS, warmup: YLS_WARMUP, fn: (i) => validate(i, false), after: clearYlsCache },
    { name: 'ylsK8s', runs: YLS_RUNS, warmup: YLS_WARMUP, fn: (i) => validate(i, true), after: clearYlsCache },
    { name: 'fullYls', runs: YLS_RUNS, warmup: YLS_WARMUP, fn: () => (sink += fullAnalysis(text).diagnostics.length) },
  ];
  const timings = new Map([...(await timeInterleaved(cases)), ...(await timeInterleaved(ylsCases))]);
  const t = (name: string): Timing => timings.get(name)!;
  const [baseline, lexer, parser, analyzeOnly, full, slowOnly, reanalyze, editFull, yls, fullYls] = [
    'baseline',
    'lexer',
    'parser',
    'analyze',
    'full',
    'slow',
    'reanalyze',
    'editFull',
    'yls',
    'fullYls',
  ].map(t);
  const ylsPlain = ylsDiagnostics.get(false);
  const ylsK8sResult = ylsDiagnostics.get(true);
  const ylsK8s = typeof ylsK8sResult === 'number' ? t('ylsK8s') : undefined;
  const ylsK8sNote = typeof ylsK8sResult === 'number' ? `${ylsK8sResult} diagnostics` : String(ylsK8sResult);

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
    row('ours: full analysis, cold (YLS phase)', fullYls, 'interleaved with the YLS runs'),
    row('yaml-language-server doValidation', yls, `${ylsPlain} diagnostics, isKubernetes=false`),
  ];
  if (ylsK8s) rows.push(row('yaml-language-server doValidation (k8s)', ylsK8s, `${ylsK8sNote}, isKubernetes=true`));
  else console.log(`yaml-language-server with isKubernetes=true: ${ylsK8sNote}`);
  console.log(table(header, rows));

  const oursVsParse = full.median / baseline.median;
  const ylsVsOurs = yls.median / fullYls.median;
  console.log('\nratios (medians, same run):');
  console.log(`  full analysis / parseAllDocuments       = ${oursVsParse.toFixed(2)}  (target <= 1.5: ${verdict(oursVsParse <= 1.5)})`);
  console.log(`  analyze only  / parseAllDocuments       = ${(analyzeOnly.median / baseline.median).toFixed(2)}`);
  console.log(
    `  slow path forced / parseAllDocuments    = ${(slowOnly.median / baseline.median).toFixed(2)}  (context: cost if no document took the fast path)`,
  );
  console.log(`  yaml-language-server / full analysis    = ${ylsVsOurs.toFixed(1)}  (target >= 5: ${verdict(ylsVsOurs >= 5)})`);
  if (ylsK8s) console.log(`  yaml-language-server (k8s) / full       = ${(ylsK8s.median / fullYls.median).toFixed(1)}`);
  console.log(
    `  full after edit / full cold             = ${(editFull.median / full.median).toFixed(3)}  (${(full.median / editFull.median).toFixed(0)}x faster)`,
  );
  console.log(`  analyze after edit / analyze cold       = ${(reanalyze.median / analyzeOnly.median).toFixed(3)}`);
  console.log(`  fast-path documents                     = ${((100 * fast) / docs.length).toFixed(1)}%`);
  console.log(`  (${load()} at the end; a load above the CPU count means other processes shared the CPUs: trust ratios, not absolute times)`);
  if (sink === -1) console.log(sink);
}

if (require.main === module) {
  runAnalysisBench().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}

/**
 * Semantic tokens benchmark on a ~1 MB, ~1,000-document manifest: `computeImageTokens` on a warm
 * Analysis (with the LSP encoding beside it, and `analyze` for scale), then the round trip of
 * `textDocument/semanticTokens/full` and `/range` to the bundled server over stdio, on an unchanged
 * document (the server's Analysis is cached) and right after a one-character edit (it re-analyses).
 *
 *   npm run bench:tokens          (builds dist/, then runs out/bench/semanticTokens.bench.js)
 *   node out/bench/semanticTokens.bench.js [--runs N] [--seed N] [--bytes N]
 */
import { cpus, loadavg } from 'node:os';
import type * as lsp from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../server/src/core/analysis';
import { computeImageTokens } from '../server/src/core/features/imageTokens';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { toSemanticTokens } from '../server/src/lsp/convert';
import { LspClient } from '../test/helpers/lspClient';
import { generateManifest } from './generate';
import { ms, option, table, timeInterleaved } from './harness';
import type { Timing } from './harness';

const RUNS = option('--runs', 21);
const WARMUP = Math.max(3, Math.floor(RUNS / 4));
const SEED = option('--seed', 1);
const BYTES = option('--bytes', 1024 * 1024);

function row(label: string, t: Timing, note = ''): string[] {
  return [label, ms(t.median), ms(t.min), ms(t.max), String(t.runs), note];
}

async function main(): Promise<void> {
  const text = generateManifest(BYTES, SEED);
  const analysis = analyze(text, { maxFileSize: DEFAULT_SETTINGS.maxFileSize });
  const document = TextDocument.create('file:///bench/big.yaml', 'yaml', 1, text);
  const tokens = computeImageTokens(analysis);
  const encoded = toSemanticTokens(tokens, document);
  console.log(`# Semantic tokens benchmark (node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)})`);
  console.log(
    `input: generateManifest(${BYTES}, seed ${SEED}) = ${text.length} chars, ${analysis.documents.length} documents, ` +
      `${tokens.length} tokens, ${JSON.stringify(encoded).length} bytes of JSON result`,
  );

  let sink = 0;
  const inProcess = await timeInterleaved([
    { name: 'analyze', runs: RUNS, warmup: WARMUP, fn: () => (sink += analyze(text, { maxFileSize: DEFAULT_SETTINGS.maxFileSize }).documents.length) },
    { name: 'tokens', runs: RUNS, warmup: WARMUP, fn: () => (sink += computeImageTokens(analysis).length) },
    { name: 'encode', runs: RUNS, warmup: WARMUP, fn: () => (sink += toSemanticTokens(computeImageTokens(analysis), document).data.length) },
  ]);

  const client = LspClient.start('stdio');
  try {
    await client.initialize(null);
    const uri = 'file:///bench/big.yaml';
    const since = client.mark();
    await client.open(uri, text);
    await client.waitForDiagnostics(uri, since, () => true, 60_000);
    const full = () => client.request<lsp.SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const viewport = { start: { line: 5000, character: 0 }, end: { line: 5060, character: 0 } };
    const range = () => client.request<lsp.SemanticTokens>('textDocument/semanticTokens/range', { textDocument: { uri }, range: viewport });
    // Inserts and removes one character in the middle of the file, alternately: every run re-analyses.
    const middle = { line: Math.floor(document.lineCount / 2), character: 0 };
    let version = 1;
    const edit = async (i: number): Promise<void> => {
      const change =
        i % 2 === 0 ? { range: { start: middle, end: middle }, text: '#' } : { range: { start: middle, end: { ...middle, character: 1 } }, text: '' };
      await client.notify('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [change] });
      sink += (await full()).data.length;
    };
    const overLsp = await timeInterleaved([
      { name: 'full', runs: RUNS, warmup: WARMUP, fn: async () => (sink += (await full()).data.length) },
      { name: 'range', runs: RUNS, warmup: WARMUP, fn: async () => (sink += (await range()).data.length) },
      { name: 'editFull', runs: RUNS, warmup: WARMUP, fn: edit },
    ]);
    const t = (map: Map<string, Timing>, name: string): Timing => map.get(name)!;
    console.log(
      table(
        ['measurement', 'median ms', 'min', 'max', 'runs', 'note'],
        [
          row('analyze, cold (for scale)', t(inProcess, 'analyze')),
          row('computeImageTokens, warm analysis', t(inProcess, 'tokens'), `${tokens.length} tokens`),
          row('computeImageTokens + LSP encoding', t(inProcess, 'encode'), `${encoded.data.length} integers`),
          row('semanticTokens/full round trip', t(overLsp, 'full'), 'stdio, analysis cached'),
          row('semanticTokens/range round trip', t(overLsp, 'range'), '60 lines'),
          row('didChange + semanticTokens/full', t(overLsp, 'editFull'), 're-analyses the edited document'),
        ],
      ),
    );
    await client.shutdown();
  } finally {
    client.kill();
  }
  if (sink === -1) console.log(sink);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

/**
 * How soon a freshly started language server shows diagnostics: the time from `didOpen` of a large
 * file to its `publishDiagnostics` (what a user waits for on the first open, every part of the server
 * cold), then from a one-character `didChange` to the diagnostics of that version, then the open of a
 * second large file in the same, now warm, server. The baseline is the same steps with a one-line
 * file in another fresh server: the server's fixed costs (the debounce of edits, the protocol, settings), so
 * the difference is what the size of the file costs. Servers of both kinds alternate round by round.
 */
import { performance } from 'node:perf_hooks';
import { summarize } from './harness';
import type { Timing } from './harness';
import { LspSession } from './lspClient';
import type { ServerLaunch } from './lspClient';

export interface LatencyInput {
  readonly text: string;
  /** text with one character typed; sent as the one-character change an editor sends. */
  readonly edited: string;
}

export interface ServerLatency {
  readonly openBig: Timing;
  readonly editBig: Timing;
  /** The open of a second large file in the server that has just diagnosed the first. */
  readonly openBigWarm: Timing;
  readonly openTiny: Timing;
  readonly editTiny: Timing;
  /** From spawn until `initialize` was answered, for context. */
  readonly startup: Timing;
  readonly diagnostics: number;
}

const TINY: LatencyInput = { text: 'apiVersion: v1\nkind: Pod\n', edited: 'apiVersion: v1\nkind: Pods\n' };

/** One fresh server: open, edit, and (when second is given) open a second file; returns the times in ms. */
async function session(
  launch: ServerLaunch,
  input: LatencyInput,
  second: string | undefined,
): Promise<{ startup: number; open: number; edit: number; warm: number; diagnostics: number }> {
  const start = performance.now();
  const server = await LspSession.start(launch);
  const startup = performance.now() - start;
  try {
    const open = await server.open('file:///bench/first.yaml', input.text);
    const edit = await server.change('file:///bench/first.yaml', 2, input.text, input.edited);
    const warm = second === undefined ? NaN : (await server.open('file:///bench/second.yaml', second)).ms;
    await server.shutdown();
    return { startup, open: open.ms, edit: edit.ms, warm, diagnostics: open.diagnostics };
  } catch (e) {
    const stderr = server.errorOutput();
    server.dispose();
    throw new Error(`${e instanceof Error ? e.message : String(e)}${stderr ? `\nserver stderr:\n${stderr}` : ''}`);
  }
}

export async function measureServerLatency(big: LatencyInput, secondBig: string, launch: ServerLaunch, runs: number, warmup: number): Promise<ServerLatency> {
  const samples = {
    openBig: [] as number[],
    editBig: [] as number[],
    openBigWarm: [] as number[],
    openTiny: [] as number[],
    editTiny: [] as number[],
    startup: [] as number[],
  };
  let diagnostics = 0;
  for (let round = 0; round < warmup + runs; round++) {
    const large = await session(launch, big, secondBig);
    const tiny = await session(launch, TINY, undefined);
    if (round < warmup) continue;
    samples.openBig.push(large.open);
    samples.editBig.push(large.edit);
    samples.openBigWarm.push(large.warm);
    samples.openTiny.push(tiny.open);
    samples.editTiny.push(tiny.edit);
    samples.startup.push(large.startup, tiny.startup);
    diagnostics = large.diagnostics;
  }
  return {
    openBig: summarize(samples.openBig),
    editBig: summarize(samples.editBig),
    openBigWarm: summarize(samples.openBigWarm),
    openTiny: summarize(samples.openTiny),
    editTiny: summarize(samples.editTiny),
    startup: summarize(samples.startup),
    diagnostics,
  };
}

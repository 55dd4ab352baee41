/**
 * imageAware.scanImage: runs the vulnerability scanner the settings name (found on the server's PATH)
 * on one image, by digest: a pinned image's own, else the digest its registry serves for the tag now,
 * asked first. The image is the argument's, or the one at a position of an open document (the code
 * action "Scan … for vulnerabilities" passes both). A result of the last day is taken from the cache
 * unless `fresh`. Progress is reported with a cancel button where the client supports it; cancelling
 * ends the scanner's whole process group. Then every document is published again, so diagnostics
 * (vulnerable-image) and hovers show what was found. The result, or why nothing was scanned, is
 * also shown as a message.
 * Nothing is run with imageAware.registry.online off: a scan pulls the image from its registry.
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import { countsPhrase, digestKey, formatCreated, parseReference, referenceQueries, scanActionAt, tagAnswer } from '../../core';
import type { ImageReference, ScanFact, Settings } from '../../core';
import { collectFacts } from '../../engine';
import { ScannerError } from '../../scanners';
import { openAnalysis, signalOf } from '../context';
import type { ServerContext } from '../context';
import type { ScanImageArguments, ScanImageResult } from '../protocol';
import type { DiagnosticsPublisher } from './diagnostics';

function notScanned(message: string): ScanImageResult {
  return { image: null, scan: null, cached: false, message };
}

function argumentsOf(value: unknown): ScanImageArguments {
  if (typeof value !== 'object' || value === null) return {};
  const { image, uri, position, fresh } = value as Record<string, unknown>;
  const at = position as { line?: unknown; character?: unknown } | null | undefined;
  return {
    image: typeof image === 'string' ? image : undefined,
    uri: typeof uri === 'string' ? uri : undefined,
    position: typeof at?.line === 'number' && typeof at.character === 'number' ? { line: at.line, character: at.character } : undefined,
    fresh: fresh === true,
  };
}

/** The image the arguments name: given, or at the position of the open document. */
async function imageOf(context: ServerContext, args: ScanImageArguments): Promise<string | null> {
  if (args.image !== undefined) return args.image;
  if (args.uri === undefined || args.position === undefined) return null;
  const open = await openAnalysis(context, args.uri);
  if (!open) return null;
  const offset = open.document.offsetAt(args.position);
  return scanActionAt(open.analysis, offset, offset, null)?.image ?? null;
}

/** The digest to scan: the reference's own, else the one the registry serves for its tag now; or why there is none. */
async function digestOf(context: ServerContext, ref: ImageReference, settings: Settings, signal: AbortSignal): Promise<string | { readonly why: string }> {
  if (ref.digest !== null) return ref.digest;
  const client = context.registry.clientIfOnline(settings.registry);
  if (client === null) return { why: 'imageAware.registry.online is off.' };
  const facts = await collectFacts(referenceQueries(ref), client, { signal, fresh: true, detail: 'digest' });
  const answer = tagAnswer(facts, ref);
  if (answer?.status === 'found') return answer.digest;
  if (answer?.status === 'not-found')
    return { why: `${ref.domain} has no ${answer.unknown === 'repository' ? `repository ${ref.path}` : `tag "${ref.tag ?? 'latest'}" in ${ref.path}`}.` };
  return { why: facts.problems.get(ref.domain)?.reason ?? `${ref.domain} did not say which digest the tag names.` };
}

function summary(image: string, scan: ScanFact, cached: boolean): string {
  const found = `${scan.scanner} found ${countsPhrase(scan)} vulnerabilities in ${image}`;
  return cached ? `${found} (a result of ${formatCreated(scan.scannedAt)} from the cache: scan again to run ${scan.scanner} anew).` : `${found}.`;
}

/** Runs the command and shows its message: the command may come from a code action, whose result nobody reads. */
export async function scanImageCommand(
  context: ServerContext,
  diagnostics: DiagnosticsPublisher,
  argument: unknown,
  token: CancellationToken,
): Promise<ScanImageResult> {
  const result = await scan(context, diagnostics, argument, token);
  const { window } = context.connection;
  void (result.scan !== null ? window.showInformationMessage(result.message) : window.showWarningMessage(result.message));
  return result;
}

async function scan(context: ServerContext, diagnostics: DiagnosticsPublisher, argument: unknown, token: CancellationToken): Promise<ScanImageResult> {
  const args = argumentsOf(argument);
  const settings = args.uri !== undefined ? await context.settings.forDocument(args.uri) : await context.settings.global();
  if (!settings.registry.online) return notScanned('Nothing was scanned: a scan pulls the image from its registry, and imageAware.registry.online is off.');
  const image = await imageOf(context, args);
  if (image === null) return notScanned('Nothing was scanned: Scan Image needs an image, or a document and a position on an image.');
  const parsed = parseReference(image);
  if (!parsed.ok) return notScanned(`Nothing was scanned: "${image}" is not an image reference (${parsed.error.message})`);
  const pick = context.scans.scanner(settings.scan.scanner);
  if (!pick.ok) return notScanned(`Nothing was scanned. ${pick.reason}`);
  const { scanner } = pick;
  const ref = parsed.value;
  const progress = await context.connection.window.createWorkDoneProgress();
  progress.begin(`Scanning ${ref.familiar} for vulnerabilities`, undefined, `with ${scanner.name}`, true);
  const { signal, dispose } = signalOf(token, progress.token);
  try {
    const digest = await digestOf(context, ref, settings, signal);
    if (typeof digest !== 'string') return notScanned(`${ref.familiar} was not scanned: ${digest.why}`);
    const target = { digest, image: digestKey(ref, digest) };
    const outcome = await context.scans.scan(target, scanner, { fresh: args.fresh === true, signal });
    diagnostics.scheduleAll();
    return { image: target.image, scan: outcome.fact, cached: outcome.cached, message: summary(target.image, outcome.fact, outcome.cached) };
  } catch (error) {
    if (!(error instanceof ScannerError)) throw error;
    return notScanned(error.message);
  } finally {
    dispose();
    progress.done();
  }
}

/**
 * The "Scan Image" action on an image: which image the cursor is on, and what a scan of it would
 * run on. A front end turns it into a command (lsp/handlers/codeActions.ts runs imageAware.scanImage);
 * the core only says what to scan and whether a scan of it is already known (then it is offered as
 * "Scan again", which runs the scanner even when its cached result is recent).
 */
import type { Analysis } from '../analysis';
import type { RegistryFacts } from '../facts';
import { imageSites } from '../imageSites';
import { scanOf } from '../scanFacts';
import { formatCreated } from './registryHover';

export interface ScanAction {
  readonly title: string;
  /** The reference to scan, canonical: with its digest when it has one, else by tag (the front end resolves the digest). */
  readonly image: string;
  /** Run the scanner even when a recent result is cached. */
  readonly fresh: boolean;
}

/** The scan action for the image value under [start, end], or null when the range is on none. */
export function scanActionAt(analysis: Analysis, start: number, end: number, facts: RegistryFacts | null): ScanAction | null {
  const site = imageSites(analysis).find((s) => s.span.start <= start && end <= s.span.end);
  if (site === undefined) return null;
  const known = facts ? scanOf(facts, site.ref) : undefined;
  const name = site.ref.familiar;
  if (known === undefined) return { title: `Scan ${name} for vulnerabilities`, image: site.ref.canonical, fresh: false };
  const when = formatCreated(known.scan.scannedAt);
  return { title: `Scan ${name} for vulnerabilities again (last scanned by ${known.scan.scanner} on ${when})`, image: site.ref.canonical, fresh: true };
}

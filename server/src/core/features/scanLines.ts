/**
 * The vulnerability part of an image hover: what the last scan of the image the reference runs
 * found (scanFacts.ts), counts by severity with the scanner and the date it ran, then the most
 * severe vulnerabilities. Lines of markdown ending with an empty line, or no lines when no scan of
 * the image is known.
 */
import type { RegistryFacts } from '../facts';
import type { ImageReference } from '../reference/reference';
import { scanOf, VULNERABILITY_SEVERITIES } from '../scanFacts';
import { code } from './markdown';
import { formatCreated } from './registryHover';

/** How many vulnerabilities the hover lists. */
const LISTED = 5;

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function scanLines(ref: ImageReference, facts: RegistryFacts): string[] {
  const scanned = scanOf(facts, ref);
  if (scanned === undefined) return [];
  const { scan, digest, viaTag } = scanned;
  const what = viaTag ? `the image ${code(':' + (ref.tag ?? 'latest'))} points to (${code(digest)})` : code(digest);
  const total = VULNERABILITY_SEVERITIES.reduce((sum, severity) => sum + scan.counts[severity], 0);
  const lines = [`**Vulnerabilities** in ${what}: ${total}, found by ${scan.scanner} on ${formatCreated(scan.scannedAt)}.`, ''];
  lines.push(
    `| ${VULNERABILITY_SEVERITIES.map(capitalized).join(' | ')} |`,
    `|${VULNERABILITY_SEVERITIES.map(() => '---:|').join('')}`,
    `| ${VULNERABILITY_SEVERITIES.map((severity) => scan.counts[severity]).join(' | ')} |`,
  );
  const listed = scan.top.slice(0, LISTED).map((v) => {
    const fix = v.fixed === null ? 'no fix known' : `fixed in ${code(v.fixed)}`;
    return `- ${code(v.id)} (${v.severity}) in ${code(v.package)} ${code(v.installed)}, ${fix}`;
  });
  if (listed.length > 0) lines.push('', ...listed);
  return [...lines, ''];
}

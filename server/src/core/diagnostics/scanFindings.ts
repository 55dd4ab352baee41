/**
 * vulnerable-image: a vulnerability scan of the image a reference runs (scanFacts.ts) found at least
 * one vulnerability at the threshold (imageAware.scan.threshold) or above. One finding per image
 * value, on the whole value; without a scan of its digest nothing is reported, so an image nobody
 * scanned is never called clean or vulnerable.
 */
import type { Analysis } from '../analysis';
import type { RegistryFacts } from '../facts';
import { imageSites } from '../imageSites';
import { countAtLeast, scanOf, VULNERABILITY_SEVERITIES } from '../scanFacts';
import type { ScanFact, VulnerabilityFact, VulnerabilitySeverity } from '../scanFacts';
import type { Finding } from './finding';

/** How many of the most severe vulnerabilities a message names. */
const NAMED = 3;

/** `2 critical, 5 high and 1 medium`, the severities with a count, most severe first, down to `last`. */
export function countsPhrase(scan: ScanFact, last: VulnerabilitySeverity = 'unknown'): string {
  const parts = VULNERABILITY_SEVERITIES.slice(0, VULNERABILITY_SEVERITIES.indexOf(last) + 1)
    .filter((severity) => scan.counts[severity] > 0)
    .map((severity) => `${scan.counts[severity]} ${severity}`);
  return parts.length <= 1 ? (parts[0] ?? 'no') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** `CVE-2019-14697 (critical) in musl 1.1.20-r4, fixed in 1.1.20-r5`. */
export function vulnerabilityPhrase(v: VulnerabilityFact): string {
  return `${v.id} (${v.severity}) in ${v.package} ${v.installed}, ${v.fixed === null ? 'no fix known' : `fixed in ${v.fixed}`}`;
}

function short(digest: string): string {
  const colon = digest.indexOf(':');
  return `${digest.slice(0, colon + 13)}…`;
}

/** Online findings from scans, with absolute spans, in text order. */
export function scanFindings(analysis: Analysis, facts: RegistryFacts, threshold: VulnerabilitySeverity): Finding[] {
  if (facts.scans === undefined || facts.scans.size === 0) return [];
  const findings: Finding[] = [];
  for (const site of imageSites(analysis)) {
    const scanned = scanOf(facts, site.ref);
    if (scanned === undefined || countAtLeast(scanned.scan, threshold) === 0) continue;
    const { scan, digest, viaTag } = scanned;
    const what = viaTag ? `the image its tag points to now (${short(digest)})` : `${short(digest)}`;
    const named = scan.top.filter((v) => VULNERABILITY_SEVERITIES.indexOf(v.severity) <= VULNERABILITY_SEVERITIES.indexOf(threshold)).slice(0, NAMED);
    const message =
      `${scan.scanner} found ${countsPhrase(scan, threshold)} vulnerabilities (threshold: ${threshold}) in ${what}, scanned on ` +
      `${scan.scannedAt.slice(0, 10)}${named.length > 0 ? `: ${named.map(vulnerabilityPhrase).join('; ')}` : ''}.`;
    findings.push({ code: 'vulnerable-image', message, ...site.span });
  }
  return findings;
}

/**
 * `check --online --scan`: the vulnerability scanner found on PATH (trivy, else grype, or the one
 * `--scanner` names) run on every image the files run, each digest once: a pinned image's own, an
 * image by tag by the digest the registry just answered for the tag. At most two scans run at once;
 * a result younger than a day in the cache (beside the registry cache) is used instead of a scan,
 * unless `--rescan`. What they find becomes `vulnerable-image` findings at `--scan-threshold`.
 */
import { mergeRegistryFacts, NO_FACTS, scanTargets, VULNERABILITY_SEVERITIES } from '../core';
import type { Analysis, RegistryFacts, VulnerabilitySeverity } from '../core';
import { scanImages, systemClock } from '../engine';
import { chooseScanner, NO_SCAN_CACHE, scanCache, SCANNER_NAMES } from '../scanners';
import type { Scanner } from '../scanners';
import { CliError, oneOf } from './args';
import type { RegistrySetup } from './registry';

export const SCAN_FLAGS = {
  scan: { type: 'boolean', default: false },
  scanner: { type: 'string' },
  'scan-threshold': { type: 'string' },
  rescan: { type: 'boolean', default: false },
} as const;

export const SCAN_USAGE = `  --scan                     With --online: run trivy or grype (found on PATH) on the digest of every
                             image and report vulnerable-image. An image by tag is scanned by the digest
                             the registry serves for the tag now. Results are cached by digest for a day.
  --scanner auto|${SCANNER_NAMES.join('|')}  The scanner --scan runs (default auto: trivy, else grype).
  --scan-threshold LEVEL     vulnerable-image when a scan found a vulnerability this severe or more:
                             ${VULNERABILITY_SEVERITIES.join(', ')} (default high).
  --rescan                   Run the scanner even where a result of the last day is cached.`;

export interface ScanFlagValues {
  readonly scan: boolean;
  readonly scanner?: string;
  readonly 'scan-threshold'?: string;
  readonly rescan: boolean;
}

export interface ScanSetup {
  readonly scanner: Scanner;
  readonly threshold: VulnerabilitySeverity;
  readonly fresh: boolean;
}

export interface ScanIo {
  /** The environment the scanner is found on (PATH) and runs with. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stderr: (text: string) => void;
  /** Called once scans are about to run: Ctrl-C then ends them, with their process groups. */
  readonly interruptible?: () => AbortSignal;
}

/** The scan flags, checked; null without --scan. A missing scanner is an error before anything is asked. */
export function scanSetup(values: ScanFlagValues, online: boolean, io: ScanIo): ScanSetup | null {
  if (!values.scan) {
    const stray = (['scanner', 'scan-threshold', 'rescan'] as const).find((flag) => values[flag] !== undefined && values[flag] !== false);
    if (stray) throw new CliError(`--${stray} only applies with --scan.`);
    return null;
  }
  if (!online) throw new CliError('--scan needs --online: images are scanned by the digest their registry serves.');
  const setting = oneOf('--scanner', values.scanner ?? 'auto', ['auto', ...SCANNER_NAMES] as const);
  const threshold = oneOf('--scan-threshold', values['scan-threshold'] ?? 'high', VULNERABILITY_SEVERITIES);
  const choice = chooseScanner(setting, io.env);
  if (!choice.ok) throw new CliError(`--scan cannot run: ${choice.reason} Install one, or leave --scan out.`);
  return { scanner: choice.scanner, threshold, fresh: values.rescan };
}

export interface ScannedFacts {
  readonly facts: RegistryFacts;
  /** Why some images have no result, for the exit status; null when every image was scanned. */
  readonly incomplete: string | null;
}

/** Scans the images of the analyses and adds what was found to `facts`. */
export async function scanRegistryImages(
  analyses: readonly Analysis[],
  facts: RegistryFacts,
  setup: ScanSetup,
  registry: RegistrySetup,
  io: ScanIo,
): Promise<ScannedFacts> {
  const targets = scanTargets(analyses, facts);
  const { scanner } = setup;
  if (targets.length === 0) return { facts, incomplete: null };
  io.stderr(`image-aware: scanning ${targets.length} image${targets.length === 1 ? '' : 's'} with ${scanner.name} (${scanner.executable})\n`);
  const result = await scanImages(targets, scanner, {
    cache: registry.cacheDir === undefined ? NO_SCAN_CACHE : scanCache(registry.cacheDir),
    clock: systemClock,
    fresh: setup.fresh,
    signal: io.interruptible?.(),
  });
  for (const failure of result.failures) io.stderr(`image-aware: ${failure.reason}\n`);
  if (result.cached > 0)
    io.stderr(`image-aware: ${result.cached} scan result${result.cached === 1 ? '' : 's'} of the last day reused from the cache (--rescan runs them again)\n`);
  const incomplete =
    result.failures.length === 0
      ? null
      : `${scanner.name} could not scan ${result.failures.length} of ${targets.length} images, so their findings are missing.`;
  return { facts: mergeRegistryFacts(facts, { ...NO_FACTS, scans: result.scans }), incomplete };
}

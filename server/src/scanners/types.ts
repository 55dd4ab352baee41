/**
 * The Scanner port: a vulnerability scanner the user installed (trivy, grype), run on one image by
 * digest, its report normalised to counts by severity and the most severe vulnerabilities. Plain
 * data of the same shape as the core's ScanFact (less the date, which the engine's clock gives).
 */
import type { ProcessEnv } from '../process';

/** In the order `auto` tries them. */
export const SCANNER_NAMES = ['trivy', 'grype'] as const;

export type ScannerName = (typeof SCANNER_NAMES)[number];

/** The scanners' severity words, lower-cased: trivy's CRITICAL to UNKNOWN, and grype's Negligible (report.ts ranks them). */
export type ReportSeverity = 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';

/** One finding, from trivy's `Vulnerabilities[]` entry or grype's `matches[]` entry; texts cut to one line (report.ts). */
export interface ReportedVulnerability {
  /** trivy `Severity`, grype `vulnerability.severity`: what the report is ordered by. */
  readonly severity: ReportSeverity;
  /** trivy `VulnerabilityID`, grype `vulnerability.id`. */
  readonly id: string;
  /** trivy `PkgName`, grype `artifact.name`. */
  readonly package: string;
  /** trivy `InstalledVersion`, grype `artifact.version`. */
  readonly installed: string;
  /** trivy `FixedVersion` (null when empty), grype `vulnerability.fix.versions` joined (null when none). */
  readonly fixed: string | null;
}

/** What one scan found. */
export interface ScanReport {
  readonly scanner: ScannerName;
  readonly counts: Readonly<Record<ReportSeverity, number>>;
  /** The most severe (at most MAX_TOP), most severe first. */
  readonly top: readonly ReportedVulnerability[];
}

export interface ScanOptions {
  /** Aborting ends the scanner's whole process group; the scan then rejects with a cancelled ScannerError. */
  readonly signal?: AbortSignal;
  /** Past this the scanner's group is ended and the scan rejects (10 minutes by default: a first run downloads its database). */
  readonly timeoutMs?: number;
}

export interface Scanner {
  readonly name: ScannerName;
  /** Absolute path of the executable that is run. */
  readonly executable: string;
  /** Scans `image` (`domain/path@digest`): what the registry serves for that digest. */
  scan(image: string, options?: ScanOptions): Promise<ScanReport>;
}

export type ScannerEnv = ProcessEnv;

/** A scan that failed, was cancelled, timed out, or printed a report that cannot be read. The message is for people. */
export class ScannerError extends Error {
  constructor(
    message: string,
    readonly scanner: ScannerName,
    readonly cancelled: boolean,
  ) {
    super(message);
    this.name = 'ScannerError';
  }
}

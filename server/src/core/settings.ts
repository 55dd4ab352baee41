/**
 * The one Settings type both front ends use. The LSP server reads the `imageAware` section through
 * the configuration request and the CLI builds it from flags; both go through parseSettings, which
 * never throws and falls back to the default for anything missing or mistyped.
 */
import { DIAGNOSTIC_CODES, DIAGNOSTIC_RULES, SEVERITY_SETTINGS } from './diagnostics/catalog';
import type { DiagnosticCode, SeveritySetting } from './diagnostics/catalog';

export interface Settings {
  readonly severity: Readonly<Record<DiagnosticCode, SeveritySetting>>;
  /** Show the effective imagePullPolicy as an inlay hint where the field is absent. */
  readonly pullPolicyInlayHints: boolean;
  /** Documents past this many UTF-16 code units of text are not analysed (one `not-analysed` marks the spot). */
  readonly maxFileSize: number;
}

export const DEFAULT_MAX_FILE_SIZE_MB = 8;

export const DEFAULT_SETTINGS: Settings = {
  severity: Object.fromEntries(DIAGNOSTIC_CODES.map((c) => [c, DIAGNOSTIC_RULES[c].defaultSeverity])) as Record<DiagnosticCode, SeveritySetting>,
  pullPolicyInlayHints: true,
  maxFileSize: DEFAULT_MAX_FILE_SIZE_MB * 1024 * 1024,
};

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/**
 * Reads the `imageAware` configuration object:
 * `{ diagnostics: { "<code>": "error" | … | "off" }, inlayHints: { pullPolicy: boolean }, limits: { maxFileSizeMB: number } }`.
 */
export function parseSettings(raw: unknown): Settings {
  const root = record(raw);
  const diagnostics = record(root.diagnostics);
  const severity = { ...DEFAULT_SETTINGS.severity };
  for (const code of DIAGNOSTIC_CODES) {
    const value = diagnostics[code];
    const level = SEVERITY_SETTINGS.find((s) => s === value);
    if (level) severity[code] = level;
  }
  const hints = record(root.inlayHints).pullPolicy;
  const maxMb = record(root.limits).maxFileSizeMB;
  return {
    severity,
    pullPolicyInlayHints: typeof hints === 'boolean' ? hints : DEFAULT_SETTINGS.pullPolicyInlayHints,
    maxFileSize: typeof maxMb === 'number' && maxMb > 0 ? Math.floor(maxMb * 1024 * 1024) : DEFAULT_SETTINGS.maxFileSize,
  };
}

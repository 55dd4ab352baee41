/**
 * The one Settings type both front ends use. The LSP server reads the `imageAware` section through
 * the configuration request and the CLI builds it from flags; both go through parseSettings, which
 * never throws and falls back to the default for anything missing or mistyped.
 */
import { DIAGNOSTIC_CODES, DIAGNOSTIC_RULES, SEVERITY_SETTINGS } from './diagnostics/catalog';
import type { DiagnosticCode, SeveritySetting } from './diagnostics/catalog';
import { record } from './json';
import { NO_CONFIG, readResourceSetting } from './locationConfig';
import type { LocationConfig } from './locationConfig';
import { platformTargets } from './platforms';
import type { PlatformTargets } from './platforms';
import { VULNERABILITY_SEVERITIES } from './scanFacts';
import type { VulnerabilitySeverity } from './scanFacts';

export interface Settings {
  readonly severity: Readonly<Record<DiagnosticCode, SeveritySetting>>;
  /** Show the effective imagePullPolicy as an inlay hint where the field is absent. */
  readonly pullPolicyInlayHints: boolean;
  /** Inlay hints only on lines that, with the hint, stay within this many columns; 0 puts them on every line. */
  readonly inlayHintsMaxLineLength: number;
  /** Documents past this many UTF-16 code units of text are not analysed (one `not-analysed` marks the spot). */
  readonly maxFileSize: number;
  readonly registry: RegistrySettings;
  readonly pin: PinSettings;
  readonly signatures: SignatureSettings;
  readonly scan: ScanSettings;
  readonly workspace: WorkspaceSettings;
  /** The platforms workloads run on (`imageAware.platforms.targets`), for platform-missing; null when none are set. */
  readonly platforms: PlatformTargets | null;
  /** Users' own resources (`imageAware.resources`), with what was wrong with the entries left out. */
  readonly resources: LocationConfig;
}

export interface RegistrySettings {
  /** Ask registries at all; false means no network request of any kind. */
  readonly online: boolean;
  /** Registries (host[:port], or IPv4 CIDRs) that may be reached over plain HTTP besides loopback. */
  readonly insecureRegistries: readonly string[];
  /** host[:port] (or host) → PEM file of extra CA certificates for that registry. */
  readonly caFiles: Readonly<Record<string, string>>;
}

export interface SignatureSettings {
  /** Repository pattern → the repository holding those images' signatures (attachments/signatureRepository.ts). */
  readonly repositories: Readonly<Record<string, string>>;
  /** Repository pattern → the public keys trusted to sign those images (the most specific pattern wins). */
  readonly keys: Readonly<Record<string, readonly TrustedKey[]>>;
  /** Repository pattern → the signers trusted to sign those images keylessly (Sigstore bundles; the most specific pattern wins). */
  readonly identities: Readonly<Record<string, readonly TrustedIdentity[]>>;
  /** The Sigstore trusted root (`trusted_root.json`) keyless signatures chain to: a path like the key files; null: Sigstore's public-good root, shipped. */
  readonly trustedRoot: string | null;
  /** Repository pattern → what those images must have attached (policy diagnostics, off where no pattern matches). */
  readonly require: Readonly<Record<string, readonly RequiredAttachment[]>>;
}

/** A public key the user trusts: its name for people, and a PEM public key or the path of a file holding one. */
export interface TrustedKey {
  readonly name: string;
  readonly key: string;
}

/**
 * A keyless signer: the Fulcio certificate's subject (its SAN: a workflow URI, an e-mail) and the OIDC issuer it
 * names (Fulcio's issuer extension), each a pattern whose `*` is any run of characters.
 */
export interface TrustedIdentity {
  readonly subject: string;
  readonly issuer: string;
}

export const REQUIRED_ATTACHMENTS = ['signature', 'sbom', 'provenance'] as const;
export type RequiredAttachment = (typeof REQUIRED_ATTACHMENTS)[number];

/** Keys per pattern and patterns per setting: a trust setting is short; more is a mistake, not a policy. */
const MAX_KEYS = 16;
const MAX_NAME = 64;

export interface PinSettings {
  /** Pinning writes `repo:tag@digest` (true) or `repo@digest` (false). */
  readonly keepTag: boolean;
  /** For a multi-platform image, pin this platform's manifest ("linux/amd64") instead of the index; null pins the index. */
  readonly platform: string | null;
}

export const SCANNER_SETTINGS = ['auto', 'trivy', 'grype'] as const;

export interface ScanSettings {
  /** The scanner to run: `auto` takes the first of trivy, grype found on PATH. */
  readonly scanner: (typeof SCANNER_SETTINGS)[number];
  /** A scan reports `vulnerable-image` when it found a vulnerability this severe or more. */
  readonly threshold: VulnerabilitySeverity;
}

/** Which files the editor reports diagnostics for: the open ones, or every manifest of the workspace folders. */
export type DiagnosticsScope = 'openFiles' | 'workspace';

export const DIAGNOSTICS_SCOPES: readonly DiagnosticsScope[] = ['openFiles', 'workspace'];

export interface WorkspaceSettings {
  readonly diagnostics: DiagnosticsScope;
  /** At most this many files not open in the editor are analysed for `workspace` diagnostics. */
  readonly maxFiles: number;
}

export const DEFAULT_MAX_FILE_SIZE_MB = 8;

export const DEFAULT_SETTINGS: Settings = {
  severity: Object.fromEntries(DIAGNOSTIC_CODES.map((c) => [c, DIAGNOSTIC_RULES[c].defaultSeverity])) as Record<DiagnosticCode, SeveritySetting>,
  pullPolicyInlayHints: true,
  inlayHintsMaxLineLength: 0,
  maxFileSize: DEFAULT_MAX_FILE_SIZE_MB * 1024 * 1024,
  registry: { online: true, insecureRegistries: [], caFiles: {} },
  pin: { keepTag: true, platform: null },
  signatures: { repositories: {}, keys: {}, identities: {}, trustedRoot: null, require: {} },
  scan: { scanner: 'auto', threshold: 'high' },
  workspace: { diagnostics: 'workspace', maxFiles: 2000 },
  platforms: null,
  resources: NO_CONFIG,
};

/** The setting that holds users' own resources, as its problems name it. */
export const RESOURCES_SETTING = 'imageAware.resources';

/** The setting that lists target platforms, as messages name it. */
export const PLATFORM_TARGETS_SETTING = 'imageAware.platforms.targets';

/** `os/architecture[/variant]`, lowercase, as OCI platforms are written. */
const PLATFORM = /^[a-z0-9_.-]+\/[a-z0-9_.-]+(?:\/[a-z0-9_.-]+)?$/;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => item.trim()) : [];
}

function stringRecord(value: unknown): Record<string, string> {
  const entries = Object.entries(record(value)).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== '' && entry[1] !== '',
  );
  return Object.fromEntries(entries);
}

function parseRegistry(raw: unknown): RegistrySettings {
  const registry = record(raw);
  return {
    online: typeof registry.online === 'boolean' ? registry.online : DEFAULT_SETTINGS.registry.online,
    insecureRegistries: strings(registry.insecureRegistries),
    caFiles: stringRecord(registry.caFiles),
  };
}

function parsePin(raw: unknown): PinSettings {
  const pin = record(raw);
  const platform = typeof pin.platform === 'string' ? pin.platform.trim().toLowerCase() : '';
  return {
    keepTag: typeof pin.keepTag === 'boolean' ? pin.keepTag : DEFAULT_SETTINGS.pin.keepTag,
    platform: PLATFORM.test(platform) ? platform : null,
  };
}

function parseKeys(raw: unknown): Record<string, TrustedKey[]> {
  const keys: Record<string, TrustedKey[]> = {};
  for (const [pattern, list] of Object.entries(record(raw))) {
    const trusted = (Array.isArray(list) ? list : [])
      .map(record)
      .filter((entry) => typeof entry.name === 'string' && entry.name.trim() !== '' && entry.name.length <= MAX_NAME)
      .filter((entry) => typeof entry.key === 'string' && entry.key.trim() !== '')
      .slice(0, MAX_KEYS)
      .map((entry) => ({ name: (entry.name as string).trim(), key: (entry.key as string).trim() }));
    if (pattern !== '' && trusted.length > 0) keys[pattern] = trusted;
  }
  return keys;
}

/** A pattern is matched against a certificate field no longer than this (attachments/signerIdentity.ts). */
const MAX_IDENTITY = 512;

function identityText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' && value.trim().length <= MAX_IDENTITY ? value.trim() : null;
}

/** Pattern → `{ subject, issuer }` or a list of them; entries without both are left out. */
function parseIdentities(raw: unknown): Record<string, TrustedIdentity[]> {
  const identities: Record<string, TrustedIdentity[]> = {};
  for (const [pattern, value] of Object.entries(record(raw))) {
    const trusted = (Array.isArray(value) ? value : [value])
      .map(record)
      .map((entry) => ({ subject: identityText(entry.subject), issuer: identityText(entry.issuer) }))
      .filter((entry): entry is TrustedIdentity => entry.subject !== null && entry.issuer !== null)
      .slice(0, MAX_KEYS);
    if (pattern !== '' && trusted.length > 0) identities[pattern] = trusted;
  }
  return identities;
}

function parseRequire(raw: unknown): Record<string, RequiredAttachment[]> {
  const required: Record<string, RequiredAttachment[]> = {};
  for (const [pattern, list] of Object.entries(record(raw))) {
    const kinds = REQUIRED_ATTACHMENTS.filter((kind) => Array.isArray(list) && list.includes(kind));
    if (pattern !== '' && Array.isArray(list)) required[pattern] = kinds;
  }
  return required;
}

/** `imageAware.signatures`: where signatures are kept, the keys and signers trusted and what images must have attached. */
export function parseSignatures(raw: unknown): SignatureSettings {
  const signatures = record(raw);
  const trustedRoot = typeof signatures.trustedRoot === 'string' && signatures.trustedRoot.trim() !== '' ? signatures.trustedRoot.trim() : null;
  return {
    repositories: stringRecord(signatures.repositories),
    keys: parseKeys(signatures.keys),
    identities: parseIdentities(signatures.identities),
    trustedRoot,
    require: parseRequire(signatures.require),
  };
}

function parseScan(raw: unknown): ScanSettings {
  const scan = record(raw);
  return {
    scanner: SCANNER_SETTINGS.find((s) => s === scan.scanner) ?? DEFAULT_SETTINGS.scan.scanner,
    threshold: VULNERABILITY_SEVERITIES.find((s) => s === scan.threshold) ?? DEFAULT_SETTINGS.scan.threshold,
  };
}

function parseWorkspace(raw: unknown): WorkspaceSettings {
  const workspace = record(raw);
  const scope = DIAGNOSTICS_SCOPES.find((s) => s === workspace.diagnostics);
  const maxFiles = workspace.maxFiles;
  return {
    diagnostics: scope ?? DEFAULT_SETTINGS.workspace.diagnostics,
    maxFiles: typeof maxFiles === 'number' && Number.isInteger(maxFiles) && maxFiles >= 0 ? maxFiles : DEFAULT_SETTINGS.workspace.maxFiles,
  };
}

/**
 * Reads the `imageAware` configuration object:
 * `{ diagnostics: { "<code>": "error" | … | "off" }, inlayHints: { pullPolicy: boolean, maxLineLength: number }, limits: { maxFileSizeMB: number },
 *    registry: { online: boolean, insecureRegistries: string[], caFiles: { host: path } }, pin: { keepTag: boolean, platform: string },
 *    signatures: { repositories: { pattern: repository }, keys: { pattern: [{ name, key }] }, identities: { pattern: { subject, issuer } | [{ subject, issuer }] },
 *      trustedRoot: path, require: { pattern: ["signature" | "sbom" | "provenance"] } },
 *    scan: { scanner: "auto" | "trivy" | "grype", threshold: "critical" | "high" | … | "unknown" },
 *    workspace: { diagnostics: "openFiles" | "workspace", maxFiles: number },
 *    platforms: { targets: ["linux/amd64", "linux/arm64"] },
 *    resources: [{ kind, group | apiVersion, podSpecs, containers, images, pullSecrets }] }` (locationConfig.ts).
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
  const { pullPolicy: hints, maxLineLength } = record(root.inlayHints);
  const maxMb = record(root.limits).maxFileSizeMB;
  return {
    severity,
    pullPolicyInlayHints: typeof hints === 'boolean' ? hints : DEFAULT_SETTINGS.pullPolicyInlayHints,
    inlayHintsMaxLineLength:
      typeof maxLineLength === 'number' && Number.isFinite(maxLineLength) && maxLineLength > 0
        ? Math.floor(maxLineLength)
        : DEFAULT_SETTINGS.inlayHintsMaxLineLength,
    maxFileSize: typeof maxMb === 'number' && maxMb > 0 ? Math.floor(maxMb * 1024 * 1024) : DEFAULT_SETTINGS.maxFileSize,
    registry: parseRegistry(root.registry),
    pin: parsePin(root.pin),
    signatures: parseSignatures(root.signatures),
    scan: parseScan(root.scan),
    workspace: parseWorkspace(root.workspace),
    platforms: platformTargets(strings(record(root.platforms).targets), PLATFORM_TARGETS_SETTING),
    resources: readResourceSetting(root.resources, RESOURCES_SETTING),
  };
}

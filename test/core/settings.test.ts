/**
 * parseSettings: every value has a default, every diagnostic code can be set to each severity or
 * turned off, and anything missing or mistyped falls back to the default without throwing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_RULES } from '../../server/src/core/diagnostics/catalog';
import { DEFAULT_MAX_FILE_SIZE_MB, DEFAULT_SETTINGS, parseSettings } from '../../server/src/core/settings';
import type { Settings } from '../../server/src/core/settings';

const MB = 1024 * 1024;

/** expected lists only what differs from DEFAULT_SETTINGS. */
function check(
  raw: unknown,
  expected: {
    severity?: Partial<Settings['severity']>;
    pullPolicyInlayHints?: boolean;
    inlayHintsMaxLineLength?: number;
    maxFileSize?: number;
    registry?: Partial<Settings['registry']>;
    pin?: Partial<Settings['pin']>;
    signatures?: Settings['signatures'];
    scan?: Partial<Settings['scan']>;
    workspace?: Partial<Settings['workspace']>;
    platforms?: Settings['platforms'];
    resources?: Settings['resources'];
  },
): void {
  assert.deepEqual(parseSettings(raw), {
    severity: { ...DEFAULT_SETTINGS.severity, ...expected.severity },
    pullPolicyInlayHints: expected.pullPolicyInlayHints ?? DEFAULT_SETTINGS.pullPolicyInlayHints,
    inlayHintsMaxLineLength: expected.inlayHintsMaxLineLength ?? DEFAULT_SETTINGS.inlayHintsMaxLineLength,
    maxFileSize: expected.maxFileSize ?? DEFAULT_SETTINGS.maxFileSize,
    registry: { ...DEFAULT_SETTINGS.registry, ...expected.registry },
    pin: { ...DEFAULT_SETTINGS.pin, ...expected.pin },
    signatures: expected.signatures ?? DEFAULT_SETTINGS.signatures,
    scan: { ...DEFAULT_SETTINGS.scan, ...expected.scan },
    workspace: { ...DEFAULT_SETTINGS.workspace, ...expected.workspace },
    platforms: expected.platforms ?? DEFAULT_SETTINGS.platforms,
    resources: expected.resources ?? DEFAULT_SETTINGS.resources,
  });
}

test('the defaults are the catalog severities, hints on, 8 MB', () => {
  assert.deepEqual(DEFAULT_SETTINGS.severity, {
    'invalid-reference': 'error',
    'uppercase-registry': 'warning',
    'image-not-string': 'error',
    'implicit-latest': 'warning',
    'latest-tag': 'warning',
    'not-pinned': 'hint',
    'invalid-pull-policy': 'error',
    'missing-image': 'warning',
    'redundant-pull-policy': 'hint',
    'digest-with-latest': 'information',
    'unknown-pull-secret': 'information',
    'templated-image': 'information',
    'yaml-syntax': 'information',
    'invalid-config': 'error',
    'not-analysed': 'warning',
    'tag-not-found': 'error',
    'digest-not-found': 'error',
    'stale-pin': 'warning',
    'registry-unreachable': 'information',
    unauthorized: 'information',
    'pull-would-fail': 'warning',
    'single-platform-pin': 'warning',
    'platform-missing': 'warning',
    'vulnerable-image': 'warning',
    'unsigned-image': 'warning',
    'signature-invalid': 'error',
    'no-sbom': 'warning',
    'no-provenance': 'warning',
  });
  for (const code of DIAGNOSTIC_CODES) assert.equal(DEFAULT_SETTINGS.severity[code], DIAGNOSTIC_RULES[code].defaultSeverity, code);
  assert.equal(DEFAULT_SETTINGS.pullPolicyInlayHints, true);
  assert.equal(DEFAULT_MAX_FILE_SIZE_MB, 8);
  assert.equal(DEFAULT_SETTINGS.maxFileSize, 8 * MB);
});

const fallbacks: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'error'],
  ['a number', 42],
  ['an array', []],
  ['an empty object', {}],
  ['diagnostics: null', { diagnostics: null }],
  ['diagnostics as a string', { diagnostics: 'off' }],
  ['inlayHints as a boolean', { inlayHints: false }],
  ['limits as a number', { limits: 2 }],
  ['registry as a boolean', { registry: false }],
  ['pin as a string', { pin: 'linux/amd64' }],
  ['scan as a string', { scan: 'trivy' }],
  ['workspace as a string', { workspace: 'openFiles' }],
];
for (const [name, raw] of fallbacks) {
  test(`parseSettings(${name}) gives the defaults`, () => check(raw, {}));
}

for (const code of DIAGNOSTIC_CODES) {
  for (const severity of ['error', 'warning', 'information', 'hint', 'off'] as const) {
    test(`diagnostics.${code} = ${severity} changes that code only`, () => check({ diagnostics: { [code]: severity } }, { severity: { [code]: severity } }));
  }
}

const invalid: [string, unknown][] = [
  ['a capitalised severity', 'Error'],
  ['"warn"', 'warn'],
  ['"none"', 'none'],
  ['false', false],
  ['a number', 1],
  ['null', null],
  ['an object', { severity: 'error' }],
];
for (const [name, value] of invalid) {
  test(`an invalid severity (${name}) falls back to the default`, () =>
    check({ diagnostics: { 'latest-tag': value, 'not-pinned': 'error' } }, { severity: { 'not-pinned': 'error' } }));
}

test('unknown diagnostic codes are ignored', () => {
  check({ diagnostics: { 'no-such-code': 'error', latest: 'off' } }, {});
});

test('several codes at once', () => {
  check(
    { diagnostics: { 'implicit-latest': 'error', 'not-pinned': 'off', 'yaml-syntax': 'hint' } },
    { severity: { 'implicit-latest': 'error', 'not-pinned': 'off', 'yaml-syntax': 'hint' } },
  );
});

const hints: [unknown, boolean][] = [
  [false, false],
  [true, true],
  ['false', true],
  [0, true],
  [null, true],
];
for (const [value, expected] of hints) {
  test(`inlayHints.pullPolicy = ${JSON.stringify(value)} → ${expected}`, () =>
    check({ inlayHints: { pullPolicy: value } }, { pullPolicyInlayHints: expected }));
}

const lineLengths: [unknown, number][] = [
  [100, 100],
  [80.7, 80],
  [0, 0],
  [-5, 0],
  ['120', 0],
  [Infinity, 0],
  [null, 0],
];
for (const [value, expected] of lineLengths) {
  test(`inlayHints.maxLineLength = ${JSON.stringify(value)} → ${expected}`, () =>
    check({ inlayHints: { maxLineLength: value } }, { inlayHintsMaxLineLength: expected }));
}

const sizes: [unknown, number][] = [
  [1, MB],
  [0.5, MB / 2],
  [1.3, Math.floor(1.3 * MB)],
  [100, 100 * MB],
  [0, 8 * MB],
  [-1, 8 * MB],
  ['2', 8 * MB],
  [Number.NaN, 8 * MB],
  [null, 8 * MB],
];
for (const [value, expected] of sizes) {
  test(`limits.maxFileSizeMB = ${String(value)} → ${expected} code units`, () => check({ limits: { maxFileSizeMB: value } }, { maxFileSize: expected }));
}

test('parseSettings returns a fresh severity table (DEFAULT_SETTINGS is never changed)', () => {
  const parsed = parseSettings({ diagnostics: { 'latest-tag': 'off' } });
  assert.notEqual(parsed.severity, DEFAULT_SETTINGS.severity);
  assert.equal(DEFAULT_SETTINGS.severity['latest-tag'], 'warning');
});

test('the registry and pin defaults: online, nothing insecure, no extra CAs, keep the tag, pin the index', () => {
  assert.deepEqual(DEFAULT_SETTINGS.registry, { online: true, insecureRegistries: [], caFiles: {} });
  assert.deepEqual(DEFAULT_SETTINGS.pin, { keepTag: true, platform: null });
  assert.deepEqual(DEFAULT_SETTINGS.workspace, { diagnostics: 'workspace', maxFiles: 2000 });
});

const registryCases: [string, unknown, Parameters<typeof check>[1]][] = [
  ['registry.online = false', { registry: { online: false } }, { registry: { online: false } }],
  ['registry.online = "false" keeps the default', { registry: { online: 'false' } }, {}],
  [
    'registry.insecureRegistries keeps non-empty strings, trimmed',
    { registry: { insecureRegistries: [' 10.0.0.5:5000 ', '', 7, 'registry.lan'] } },
    { registry: { insecureRegistries: ['10.0.0.5:5000', 'registry.lan'] } },
  ],
  ['registry.insecureRegistries as a string is ignored', { registry: { insecureRegistries: 'registry.lan' } }, {}],
  [
    'registry.caFiles keeps string paths',
    { registry: { caFiles: { 'registry.lan': '/etc/ca.pem', bad: 3, '': '/x' } } },
    { registry: { caFiles: { 'registry.lan': '/etc/ca.pem' } } },
  ],
  ['registry.caFiles as a list of paths is ignored', { registry: { caFiles: ['/etc/ca.pem'] } }, {}],
  ['pin.keepTag = false', { pin: { keepTag: false } }, { pin: { keepTag: false } }],
  ['pin.platform = "linux/amd64"', { pin: { platform: 'linux/amd64' } }, { pin: { platform: 'linux/amd64' } }],
  ['pin.platform = "Linux/ARM64/v8" is lowercased', { pin: { platform: 'Linux/ARM64/v8' } }, { pin: { platform: 'linux/arm64/v8' } }],
  ['pin.platform = "" pins the index', { pin: { platform: '' } }, {}],
  ['pin.platform = "amd64" (no os) pins the index', { pin: { platform: 'amd64' } }, {}],
  [
    'signatures.repositories keeps string targets',
    { signatures: { repositories: { 'ghcr.io/org/*': 'ghcr.io/org/signatures', bad: 3 } } },
    { signatures: { repositories: { 'ghcr.io/org/*': 'ghcr.io/org/signatures' }, keys: {}, identities: {}, trustedRoot: null, require: {} } },
  ],
  [
    'signatures.keys keeps named keys, signatures.require the known kinds',
    {
      signatures: {
        keys: { 'ghcr.io/org/*': [{ name: ' ci-2026 ', key: 'keys/ci.pub' }, { name: '', key: 'x' }, { key: 'y' }, 'z'], 'bad/*': 'no list' },
        require: { 'ghcr.io/org/*': ['signature', 'sbom', 'signed', 3], '*': 'signature' },
      },
    },
    {
      signatures: {
        repositories: {},
        keys: { 'ghcr.io/org/*': [{ name: 'ci-2026', key: 'keys/ci.pub' }] },
        identities: {},
        trustedRoot: null,
        require: { 'ghcr.io/org/*': ['signature', 'sbom'] },
      },
    },
  ],
  [
    'signatures.identities keeps signers with a subject and an issuer, one or a list; signatures.trustedRoot a path',
    {
      signatures: {
        identities: {
          'ghcr.io/org/*': { subject: ' https://github.com/org/* ', issuer: 'https://token.actions.githubusercontent.com' },
          'ghcr.io/team/*': [
            { subject: 'dev@example.com', issuer: 'https://accounts.google.com' },
            { subject: 'x' },
            { subject: 'y'.repeat(513), issuer: 'z' },
          ],
          'bad/*': [{ issuer: 'https://accounts.google.com' }],
        },
        trustedRoot: ' sigstore/trusted_root.json ',
      },
    },
    {
      signatures: {
        repositories: {},
        keys: {},
        identities: {
          'ghcr.io/org/*': [{ subject: 'https://github.com/org/*', issuer: 'https://token.actions.githubusercontent.com' }],
          'ghcr.io/team/*': [{ subject: 'dev@example.com', issuer: 'https://accounts.google.com' }],
        },
        trustedRoot: 'sigstore/trusted_root.json',
        require: {},
      },
    },
  ],
  ['signatures as a string is ignored', { signatures: 'ghcr.io/org/signatures' }, {}],
  ['workspace.diagnostics = "openFiles"', { workspace: { diagnostics: 'openFiles' } }, { workspace: { diagnostics: 'openFiles' } }],
  ['workspace.diagnostics = "all" keeps the default', { workspace: { diagnostics: 'all' } }, {}],
  ['workspace.maxFiles = 10', { workspace: { maxFiles: 10 } }, { workspace: { maxFiles: 10 } }],
  ['workspace.maxFiles = 0 analyses no file that is not open', { workspace: { maxFiles: 0 } }, { workspace: { maxFiles: 0 } }],
  ['workspace.maxFiles = -1 keeps the default', { workspace: { maxFiles: -1 } }, {}],
  ['workspace.maxFiles = 2.5 keeps the default', { workspace: { maxFiles: 2.5 } }, {}],
];
for (const [name, raw, expected] of registryCases) {
  test(name, () => check(raw, expected));
}

test('the scan defaults: the first scanner found, vulnerable-image from high', () => {
  assert.deepEqual(DEFAULT_SETTINGS.scan, { scanner: 'auto', threshold: 'high' });
});

const scanCases: [string, unknown, Parameters<typeof check>[1]][] = [
  ['scan.scanner = "grype"', { scan: { scanner: 'grype' } }, { scan: { scanner: 'grype' } }],
  ['scan.scanner = "Trivy" keeps the default', { scan: { scanner: 'Trivy' } }, {}],
  ['scan.scanner = "/usr/bin/trivy" keeps the default: a name, never a path', { scan: { scanner: '/usr/bin/trivy' } }, {}],
  ['scan.threshold = "critical"', { scan: { threshold: 'critical' } }, { scan: { threshold: 'critical' } }],
  ['scan.threshold = "negligible"', { scan: { threshold: 'negligible' } }, { scan: { threshold: 'negligible' } }],
  ['scan.threshold = "unknown"', { scan: { threshold: 'unknown' } }, { scan: { threshold: 'unknown' } }],
  ['scan.threshold = "HIGH" keeps the default', { scan: { threshold: 'HIGH' } }, {}],
  ['scan.threshold = 7 keeps the default', { scan: { threshold: 7 } }, {}],
];
for (const [name, raw, expected] of scanCases) {
  test(name, () => check(raw, expected));
}

const TARGETS = 'imageAware.platforms.targets';
const platformCases: [string, unknown, Parameters<typeof check>[1]][] = [
  [
    'platforms.targets keeps valid platforms, lowercased, unique, with aliases resolved',
    { platforms: { targets: ['linux/amd64', 'Linux/ARM64', 'linux/aarch64', 'linux/arm/v7', 'amd64', '', 3, 'linux/amd64'] } },
    { platforms: { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'], source: TARGETS } },
  ],
  ['platforms.targets with no valid platform is no targets', { platforms: { targets: ['amd64', 'linux/'] } }, {}],
  ['platforms.targets as a string is ignored', { platforms: { targets: 'linux/amd64' } }, {}],
  [
    'platforms.targets keeps at most 16',
    { platforms: { targets: Array.from({ length: 40 }, (_, i) => `linux/arch${i}`) } },
    { platforms: { platforms: Array.from({ length: 16 }, (_, i) => `linux/arch${i}`), source: TARGETS } },
  ],
];
for (const [name, raw, expected] of platformCases) {
  test(name, () => check(raw, expected));
}

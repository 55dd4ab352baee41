/**
 * The online diagnostics (diagnostics/registryFindings.ts through collectDiagnostics) from
 * RegistryFacts built as data: no registry, no network. Each case lists code, severity, message (a
 * string, or a RegExp where only part matters) and the exact text each diagnostic covers.
 * Offline findings are turned off unless a case is about how both mix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import { DIAGNOSTIC_CODES } from '../../../server/src/core/diagnostics/catalog';
import type { DiagnosticCode, Severity } from '../../../server/src/core/diagnostics/catalog';
import { NO_FACTS } from '../../../server/src/core/facts';
import type { RegistryFacts } from '../../../server/src/core/facts';
import { collectDiagnostics } from '../../../server/src/core/features/diagnostics';
import { DEFAULT_SETTINGS, parseSettings } from '../../../server/src/core/settings';
import type { Settings } from '../../../server/src/core/settings';
import { FAILED_UNAUTHORIZED, FAILED_UNREACHABLE, found, foundIndex, MISSING, NO_REPOSITORY, registryFacts } from '../../helpers/facts';
import { DIGEST, kustomization, OTHER_DIGEST, pod } from '../../helpers/manifests';

const ONLINE_CODES: readonly DiagnosticCode[] = ['tag-not-found', 'digest-not-found', 'stale-pin', 'registry-unreachable', 'unauthorized', 'pull-would-fail'];

/** Only the online codes, at their default severities. */
const ONLINE_ONLY: Settings = parseSettings({
  diagnostics: Object.fromEntries(DIAGNOSTIC_CODES.filter((c) => !ONLINE_CODES.includes(c)).map((c) => [c, 'off'])),
});

/** [code, severity, message (string or RegExp), the exact text the diagnostic covers] */
type Expected = readonly (readonly [DiagnosticCode, Severity, string | RegExp, string])[];

/** Compares every diagnostic in text order (then by end); the covered text stands for the span. */
function check(text: string, facts: RegistryFacts, expected: Expected, options: { settings?: Settings; fileName?: string } = {}): void {
  const analysis = analyze(text, { maxFileSize: 1 << 24, fileName: options.fileName });
  const actual = collectDiagnostics(analysis, options.settings ?? ONLINE_ONLY, null, facts).sort((a, b) => a.start - b.start || a.end - b.end);
  assert.deepEqual(
    actual.map((d) => `${d.code}/${d.severity} at ${JSON.stringify(text.slice(d.start, d.end))}`),
    expected.map(([code, severity, , at]) => `${code}/${severity} at ${JSON.stringify(at)}`),
  );
  expected.forEach(([code, , message], i) => {
    assert.equal(actual[i].origin, ONLINE_CODES.includes(code) ? 'registry' : undefined, `${code} origin`);
    if (typeof message === 'string') assert.equal(actual[i].message, message);
    else assert.match(actual[i].message, message);
  });
}

const container = (image: string, more = ''): string => pod(`    - name: app\n      image: ${image}\n${more}`);
const withSecret = (text: string): string => text.replace('  containers:', '  imagePullSecrets:\n    - name: regcred\n  containers:');
const HUB = 'docker.io/library/nginx';
const NEVER_PULLED =
  'imagePullPolicy is Never and docker.io does not have this image either, so no node can have pulled it: the container fails with ErrImageNeverPull.';
/** Every code off but the ones given. */
const only = (...codes: DiagnosticCode[]): Settings =>
  parseSettings({ diagnostics: Object.fromEntries(DIAGNOSTIC_CODES.map((c) => [c, codes.includes(c) ? DEFAULT_SETTINGS.severity[c] : 'off'])) });

test('without facts, or with empty ones, the diagnostics are exactly the offline ones', () => {
  const text = container('nginx:1.25') + '---\n' + container(`nginx:latest@${DIGEST}`, '      imagePullPolicy: Never\n');
  const analysis = analyze(text, { maxFileSize: 1 << 24 });
  const offline = collectDiagnostics(analysis, DEFAULT_SETTINGS, null);
  assert.ok(offline.length > 0);
  assert.deepEqual(collectDiagnostics(analysis, DEFAULT_SETTINGS, null, undefined), offline);
  assert.deepEqual(collectDiagnostics(analysis, DEFAULT_SETTINGS, null, null), offline);
  assert.deepEqual(collectDiagnostics(analysis, DEFAULT_SETTINGS, null, NO_FACTS), offline);
});

test('facts about other images change nothing, and an image the registry has is fine', () => {
  check(container('nginx:1.25'), registryFacts({ manifests: { 'docker.io/library/redis:7': MISSING } }), []);
  check(container('nginx:1.25'), registryFacts({ manifests: { [`${HUB}:1.25`]: found(DIGEST) } }), []);
});

test('tag-not-found: on the tag, naming the newest tags that exist; the offline hint stays', () => {
  check(
    container('nginx:1.99'),
    registryFacts({
      manifests: { [`${HUB}:1.99`]: MISSING },
      tags: { [HUB]: ['1.2.0', 'latest', '1.10.0', '1.9.0', 'alpine', '1.10.0-rc.1', '2.0.0-beta.2', 'stable'] },
    }),
    [
      ['not-pinned', 'hint', /^"nginx:1\.99" is not pinned/, 'nginx:1.99'],
      ['tag-not-found', 'error', 'docker.io has no tag "1.99" in library/nginx (newest of its 8 tags: 2.0.0-beta.2, 1.10.0, 1.10.0-rc.1, …).', '1.99'],
    ],
    { settings: DEFAULT_SETTINGS },
  );
  check(container('nginx:1.99'), registryFacts({ manifests: { [`${HUB}:1.99`]: MISSING }, tags: { [HUB]: ['1.25'] } }), [
    ['tag-not-found', 'error', 'docker.io has no tag "1.99" in library/nginx (its only tag: 1.25).', '1.99'],
  ]);
});

test('tag-not-found for an image without a tag: the whole value, naming the implied tag', () => {
  check(
    container("'ghcr.io/acme/web'"),
    registryFacts({ manifests: { 'ghcr.io/acme/web:latest': MISSING } }),
    [['tag-not-found', 'error', 'ghcr.io has no tag "latest" (the implied tag) in acme/web.', "'ghcr.io/acme/web'"]],
    { settings: only('tag-not-found') },
  );
});

test('tag-not-found when the repository does not exist', () => {
  check(
    container('nginx:1'),
    registryFacts({ manifests: { [`${HUB}:1`]: NO_REPOSITORY } }),
    [['tag-not-found', 'error', 'docker.io has no repository "library/nginx" (or it is private and hides itself from the credentials tried).', '1']],
    { settings: only('tag-not-found') },
  );
});

test('a digest-pinned image is checked by its digest, not its tag', () => {
  check(container(`nginx@${DIGEST}`), registryFacts({ manifests: { [`${HUB}@${DIGEST}`]: MISSING } }), [
    ['digest-not-found', 'error', `docker.io has no manifest ${DIGEST} in library/nginx: it was never pushed there, or it was deleted.`, DIGEST],
  ]);
  check(container(`nginx@${DIGEST}`), registryFacts({ manifests: { [`${HUB}@${DIGEST}`]: found(DIGEST), [`${HUB}:latest`]: MISSING } }), []);
});

test('stale-pin: the tag moved since the pin', () => {
  check(
    container(`"nginx:1.25@${DIGEST}" # pinned in May`),
    registryFacts({ manifests: { [`${HUB}:1.25`]: found(OTHER_DIGEST), [`${HUB}@${DIGEST}`]: found(DIGEST) } }),
    [['stale-pin', 'warning', '":1.25" now points to sha256:dddddddddddd…, not the pinned sha256:cccccccccccc….', DIGEST]],
  );
});

test('stale-pin: not when the pin is one platform of the index the tag points to', () => {
  const index = foundIndex(OTHER_DIGEST, [
    { os: 'linux', architecture: 'amd64', digest: DIGEST, size: 500 },
    { os: 'linux', architecture: 'arm64', variant: 'v8', digest: `sha256:${'e'.repeat(64)}`, size: 500 },
  ]);
  check(container(`nginx:1.25@${DIGEST}`), registryFacts({ manifests: { [`${HUB}:1.25`]: index, [`${HUB}@${DIGEST}`]: found(DIGEST) } }), []);
});

test('stale-pin: the tag is gone but the digest still pulls', () => {
  check(container(`nginx:1.25@${DIGEST}`), registryFacts({ manifests: { [`${HUB}:1.25`]: MISSING, [`${HUB}@${DIGEST}`]: found(DIGEST) } }), [
    ['stale-pin', 'warning', 'Tag ":1.25" no longer exists in docker.io/library/nginx, so only the pinned digest says what this image is.', DIGEST],
  ]);
});

test('a cached answer from an unreachable registry says so', () => {
  check(container(`nginx:1.25@${DIGEST}`), registryFacts({ manifests: { [`${HUB}:1.25`]: found(OTHER_DIGEST, { stale: true }) } }), [
    ['stale-pin', 'warning', /not the pinned sha256:c+… \(a cached answer: the registry could not be reached just now\)\.$/, DIGEST],
  ]);
});

test('registry-unreachable and unauthorized: once per registry per file, on its first image, across documents', () => {
  const input = [
    container('registry.example.com/a:1'),
    container('registry.example.com/b:2'),
    withSecret(container('ghcr.io/acme/private:3')),
    container(`registry.example.com/c@${DIGEST}`),
    withSecret(container('ghcr.io/acme/private:4')),
  ].join('---\n');
  const facts = registryFacts({
    manifests: {
      'registry.example.com/a:1': FAILED_UNREACHABLE,
      'registry.example.com/b:2': FAILED_UNREACHABLE,
      [`registry.example.com/c@${DIGEST}`]: FAILED_UNREACHABLE,
      'ghcr.io/acme/private:3': FAILED_UNAUTHORIZED,
      'ghcr.io/acme/private:4': FAILED_UNAUTHORIZED,
    },
    problems: {
      'registry.example.com': { kind: 'timeout', reason: 'registry.example.com did not answer within 15 s.' },
      'ghcr.io': { kind: 'unauthorized', reason: 'ghcr.io refused access (tried docker config auths for ghcr.io).' },
    },
  });
  check(input, facts, [
    [
      'registry-unreachable',
      'information',
      'registry.example.com did not answer within 15 s, so this and 2 other images from it in this file were not checked.',
      'registry.example.com/a:1',
    ],
    [
      'unauthorized',
      'information',
      'ghcr.io refused access (tried docker config auths for ghcr.io), so this and 1 other image from it in this file were not checked.',
      'ghcr.io/acme/private:3',
    ],
  ]);
  // The first image of the registry in the file, even when that is the only one.
  check(container('registry.example.com/a:1'), facts, [
    ['registry-unreachable', 'information', 'registry.example.com did not answer within 15 s, so this image was not checked.', 'registry.example.com/a:1'],
  ]);
  // The editor reports a registry's problem once, in its status bar: with registryProblems false, none of them.
  const analysis = analyze(input, { maxFileSize: 1 << 24 });
  assert.deepEqual(collectDiagnostics(analysis, ONLINE_ONLY, null, facts, undefined, { registryProblems: false }), []);
});

test('a missing tag is tag-not-found alone, with IfNotPresent and with Always (no tag means latest): pull-would-fail adds nothing', () => {
  check(container('nginx:1.99') + '---\n' + container('nginx'), registryFacts({ manifests: { [`${HUB}:1.99`]: MISSING, [`${HUB}:latest`]: MISSING } }), [
    ['tag-not-found', 'error', 'docker.io has no tag "1.99" in library/nginx.', '1.99'],
    ['tag-not-found', 'error', 'docker.io has no tag "latest" (the implied tag) in library/nginx.', 'nginx'],
  ]);
  // Pinned by digest, a missing digest is digest-not-found alone too.
  check(container(`nginx:1.25@${DIGEST}`, '      imagePullPolicy: Always\n'), registryFacts({ manifests: { [`${HUB}@${DIGEST}`]: MISSING } }), [
    ['digest-not-found', 'error', /^docker\.io has no manifest/, DIGEST],
  ]);
});

test('pull-would-fail with Never: the kubelet never pulls, so a missing image is ErrImageNeverPull', () => {
  check(
    container('nginx:1.99', '      imagePullPolicy: Never\n'),
    registryFacts({ manifests: { [`${HUB}:1.99`]: MISSING } }),
    [['pull-would-fail', 'warning', NEVER_PULLED, 'nginx:1.99']],
    { settings: only('pull-would-fail') },
  );
});

test('pull-would-fail: a registry that needs credentials, with no imagePullSecrets in the pod spec', () => {
  const facts = registryFacts({
    manifests: { 'ghcr.io/acme/private:3': FAILED_UNAUTHORIZED },
    problems: {
      'ghcr.io': { kind: 'unauthorized', reason: 'ghcr.io refused access: ghcr.io answered 401 UNAUTHORIZED for manifest acme/private:3 (tried anonymous).' },
    },
  });
  const pullOnly = only('pull-would-fail');
  check(
    container('ghcr.io/acme/private:3'),
    facts,
    [
      [
        'pull-would-fail',
        'warning',
        'ghcr.io requires credentials and this pod spec has no imagePullSecrets, so a node without its own credentials fails to pull "ghcr.io/acme/private:3".',
        'ghcr.io/acme/private:3',
      ],
    ],
    { settings: pullOnly },
  );
  // With imagePullSecrets the kubelet has credentials to offer; with Never it does not pull at all.
  check(withSecret(container('ghcr.io/acme/private:3')), facts, [], { settings: pullOnly });
  check(container('ghcr.io/acme/private:3', '      imagePullPolicy: Never\n'), facts, [], { settings: pullOnly });
  // An unreachable registry says nothing about the pull.
  check(container('registry.example.com/a:1'), registryFacts({ manifests: { 'registry.example.com/a:1': FAILED_UNREACHABLE } }), [], { settings: pullOnly });
});

test("pull-would-fail: found with the developer's credentials, but an anonymous pull (what a node without pull secrets does) is refused", () => {
  const facts = registryFacts({
    manifests: { 'ghcr.io/acme/private:3': found(DIGEST), [`ghcr.io/acme/private@${DIGEST}`]: found(DIGEST), 'ghcr.io/acme/public:1': found(OTHER_DIGEST) },
    anonymous: { 'ghcr.io/acme/private': false, 'ghcr.io/acme/public': true },
  });
  const pullOnly = only('pull-would-fail');
  check(
    container('ghcr.io/acme/private:3') + '---\n' + container('ghcr.io/acme/public:1'),
    facts,
    [
      [
        'pull-would-fail',
        'warning',
        'ghcr.io refuses anonymous pulls of acme/private and this pod spec has no imagePullSecrets, so a node without its own credentials fails to pull "ghcr.io/acme/private:3".',
        'ghcr.io/acme/private:3',
      ],
    ],
    { settings: pullOnly },
  );
  // Pinned by digest, with Always: the digest is what is pulled.
  check(
    container(`ghcr.io/acme/private@${DIGEST}`, '      imagePullPolicy: Always\n'),
    facts,
    [
      [
        'pull-would-fail',
        'warning',
        /^ghcr\.io refuses anonymous pulls of acme\/private and .* fails to pull "ghcr\.io\/acme\/private@sha256:c+"\.$/,
        `ghcr.io/acme/private@${DIGEST}`,
      ],
    ],
    { settings: pullOnly },
  );
  // imagePullSecrets, Never, or no anonymous answer at all: nothing to say.
  check(withSecret(container('ghcr.io/acme/private:3')), facts, [], { settings: pullOnly });
  check(container('ghcr.io/acme/private:3', '      imagePullPolicy: Never\n'), facts, [], { settings: pullOnly });
  check(container('ghcr.io/acme/private:3'), registryFacts({ manifests: { 'ghcr.io/acme/private:3': found(DIGEST) } }), [], { settings: pullOnly });
  // A cached answer from an unreachable registry says so.
  const stale = registryFacts({
    manifests: { 'ghcr.io/acme/private:3': found(DIGEST) },
    anonymous: { 'ghcr.io/acme/private': { allowed: false, stale: true } },
  });
  check(
    container('ghcr.io/acme/private:3'),
    stale,
    [
      [
        'pull-would-fail',
        'warning',
        /fails to pull "ghcr\.io\/acme\/private:3" \(a cached answer: the registry could not be reached just now\)\.$/,
        'ghcr.io/acme/private:3',
      ],
    ],
    { settings: pullOnly },
  );
});

test('pull-would-fail: not for an invalid pull policy, a templated image or a kustomize entry', () => {
  const facts = registryFacts({ manifests: { [`${HUB}:1.99`]: MISSING } });
  const pullOnly = only('pull-would-fail');
  check(container('nginx:1.99', '      imagePullPolicy: sometimes\n'), facts, [], { settings: pullOnly });
  check(container('nginx:${TAG}'), registryFacts({ manifests: { [`${HUB}:\${TAG}`]: MISSING } }), [], { settings: pullOnly });
  check(kustomization('  - name: nginx\n    newTag: "1.99"\n'), facts, [], { settings: pullOnly });
});

test('kustomize images: newTag of newName (else name) and the digest are checked', () => {
  check(
    kustomization(`  - name: nginx\n    newTag: "1.99"\n  - name: web\n    newName: ghcr.io/acme/web\n    newTag: "2"\n    digest: ${DIGEST}\n`),
    registryFacts({ manifests: { [`${HUB}:1.99`]: MISSING, 'ghcr.io/acme/web:2': found(OTHER_DIGEST), [`ghcr.io/acme/web@${DIGEST}`]: found(DIGEST) } }),
    [
      ['tag-not-found', 'error', 'docker.io has no tag "1.99" in library/nginx.', '"1.99"'],
      ['stale-pin', 'warning', /^":2" now points to sha256:dddddddddddd…/, DIGEST],
    ],
  );
});

test('spans stay inside quotes, in later documents, on CRLF lines', () => {
  const text = `${container('nginx:1.25')}---\r\n${container(`'nginx:1.25@${DIGEST}'`).replace(/\n/g, '\r\n')}`;
  const facts = registryFacts({ manifests: { [`${HUB}:1.25`]: found(OTHER_DIGEST) } });
  check(text, facts, [['stale-pin', 'warning', /^":1\.25" now points to/, DIGEST]]);
  const stale = collectDiagnostics(analyze(text, { maxFileSize: 1 << 24 }), ONLINE_ONLY, null, facts)[0];
  assert.equal(stale.start, text.lastIndexOf(DIGEST));
});

test('severities of the online codes come from the settings, and off drops them', () => {
  const facts = registryFacts({ manifests: { [`${HUB}:1.99`]: MISSING } });
  const base = Object.fromEntries(DIAGNOSTIC_CODES.filter((c) => !ONLINE_CODES.includes(c)).map((c) => [c, 'off']));
  const never = container('nginx:1.99', '      imagePullPolicy: Never\n');
  check(
    never,
    facts,
    [
      ['pull-would-fail', 'error', NEVER_PULLED, 'nginx:1.99'],
      ['tag-not-found', 'hint', /has no tag/, '1.99'],
    ],
    { settings: parseSettings({ diagnostics: { ...base, 'tag-not-found': 'hint', 'pull-would-fail': 'error' } }) },
  );
  check(never, facts, [['tag-not-found', 'error', /has no tag/, '1.99']], {
    settings: parseSettings({ diagnostics: { ...base, 'pull-would-fail': 'off' } }),
  });
});

/**
 * computeCodeActions: every quick fix and refactoring on every container shape it applies to.
 * Each case marks the requested range with «…» (often empty: a cursor) and lists the actions
 * expected there, in order, with the codes they fix and whether they are preferred. Every action's
 * whole result is compared with test/fixtures/features/edits/codeActions.<case>.<n>.{before,after}.yaml
 * (UPDATE_GOLDEN=1 rewrites them), and nothing outside its edits may change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiagnosticCode } from '../../../server/src/core/diagnostics/catalog';
import { computeCodeActions } from '../../../server/src/core/features/codeActions';
import { DEFAULT_SETTINGS, parseSettings } from '../../../server/src/core/settings';
import type { Settings } from '../../../server/src/core/settings';
import { mergeFacts } from '../../../server/src/core/workspace';
import type { WorkspaceFacts } from '../../../server/src/core/workspace';
import { CodeActionGoldens } from '../../helpers/codeActionGoldens';
import type { ExpectedAction } from '../../helpers/codeActionGoldens';
import { goldenNamesOnDisk } from '../../helpers/golden';
import { analyzeText, crlf, deployment, DIGEST, OTHER_DIGEST, pod } from '../../helpers/manifests';

interface Options {
  readonly workspace?: WorkspaceFacts | null;
  readonly settings?: Settings;
}

const goldens = new CodeActionGoldens('codeActions.');

function check(name: string, input: string, expected: readonly ExpectedAction[], options: Options = {}): void {
  goldens.check(name, input, expected, (text, start, end) =>
    computeCodeActions(analyzeText(text), start, end, options.settings ?? DEFAULT_SETTINGS, options.workspace ?? null),
  );
}

/** What other files of the workspace use: several nginx tags, one of them pinned. */
const WORKSPACE = mergeFacts([
  { definedSecrets: [], images: ['nginx:1.9', 'nginx:1.24', `nginx:1.25@${DIGEST}`, 'redis:7'], patches: [] },
  { definedSecrets: [], images: ['nginx:1.10', 'nginx:1.25', 'nginx:1.8', 'nginx:1.7', 'nginx:latest', `redis:7@${OTHER_DIGEST}`], patches: [] },
]);

const SET = (policy: string, isDefault: boolean): ExpectedAction => [`Set imagePullPolicy: ${policy}${isDefault ? ' (the current default)' : ''}`, [], false];
const SET_DIGEST_DEFAULT: readonly ExpectedAction[] = [SET('Always', false), SET('IfNotPresent', true), SET('Never', false)];
const REMOVE_REDUNDANT: ExpectedAction = ['Remove the redundant imagePullPolicy', ['redundant-pull-policy'], true];
const REMOVE_LATEST: ExpectedAction = ['Remove ":latest": the digest pins the image', ['digest-with-latest'], true];
const REMOVE_LATEST_AND_ALWAYS: ExpectedAction = ['Remove ":latest" and "imagePullPolicy: Always": the digest pins the image', ['digest-with-latest'], true];
const CHANGE = (policy: string, preferred: boolean): ExpectedAction => [`Change imagePullPolicy to ${policy}`, ['invalid-pull-policy'], preferred];
const USE = (version: string, code: DiagnosticCode, preferred: boolean): ExpectedAction => [
  `Use version ${version} (used in the workspace)`,
  [code],
  preferred,
];
const USE_PINNED = (version: string, code: DiagnosticCode): ExpectedAction => [
  `Use version ${version} and its digest (as the workspace pins it)`,
  [code],
  false,
];
const WRITE_LATEST = (image: string): ExpectedAction => [`Write :latest explicitly: ${image}:latest`, ['implicit-latest'], false];
const REMOVE_DEFAULT = (policy: string): ExpectedAction => [`Remove imagePullPolicy (${policy} is the default)`, ['invalid-pull-policy'], true];
const LOWERCASE = (image: string): ExpectedAction => [`Lowercase the repository: ${image}`, ['invalid-reference'], true];

const app = (lines: string): string => pod(`    - name: app\n${lines}`);
const PINNED = `nginx:1.25@${DIGEST}`;

interface Case {
  readonly input: string;
  readonly expected: readonly ExpectedAction[];
  readonly options?: Options;
}

const cases: Record<string, Case> = {
  // implicit-latest: with no version known, only writing the tag Kubernetes implies: never preferred.
  // An explicit policy keeps "Set" actions out.
  'write-implied-latest': {
    input: app('      image: ng«»inx # the web server\n      imagePullPolicy: IfNotPresent\n'),
    expected: [WRITE_LATEST('nginx')],
  },
  'write-implied-latest-single-quoted-with-port': {
    input: app("      image: 'localhost:5000/team/web«»'\n      imagePullPolicy: Never\n"),
    expected: [WRITE_LATEST('localhost:5000/team/web')],
  },
  'write-implied-latest-block-scalar': {
    input: app('      image: >-\n        «»nginx\n      imagePullPolicy: Never\n'),
    expected: [WRITE_LATEST('nginx')],
  },
  // Offline, the versions are the workspace's tags: highest first (1.25 before 1.10 before 1.9), three,
  // the first preferred, each also with its digest where the workspace pins it; writing :latest comes last.
  'use-workspace-tag-for-implicit-latest': {
    input: app('      image: «»docker.io/library/nginx\n      imagePullPolicy: IfNotPresent\n'),
    expected: [
      USE('1.25', 'implicit-latest', true),
      USE_PINNED('1.25', 'implicit-latest'),
      USE('1.24', 'implicit-latest', false),
      USE('1.10', 'implicit-latest', false),
      WRITE_LATEST('docker.io/library/nginx'),
    ],
    options: { workspace: WORKSPACE },
  },
  'use-workspace-tag-for-latest-double-quoted': {
    input: app('      image: "redis:«latest»"\n      imagePullPolicy: Never\n'),
    expected: [USE('7', 'latest-tag', true), USE_PINNED('7', 'latest-tag')],
    options: { workspace: WORKSPACE },
  },
  // invalid-reference with an uppercase repository: lowercase the path only (domain, tag, quotes kept).
  'lowercase-single-name': {
    input: app('      image: Ngi«»nx:1.0\n      imagePullPolicy: Always\n'),
    expected: [LOWERCASE('nginx:1.0')],
  },
  'lowercase-nested-path-keeps-the-tag-case': {
    input: app('      image: "team/We«»b:Release-1"\n      imagePullPolicy: Always\n'),
    expected: [LOWERCASE('team/web:Release-1')],
  },
  'lowercase-path-after-a-registry': {
    input: app(`      image: 'ghcr.io/Ac«»me/Web@${DIGEST}'\n      imagePullPolicy: Always\n`),
    expected: [LOWERCASE(`ghcr.io/acme/web@${DIGEST}`)],
  },
  'lowercase-flow': {
    input: pod('    - {name: app, image: Team/«»Web:1, imagePullPolicy: Always}\n'),
    expected: [LOWERCASE('Team/web:1')],
  },
  'no-lowercase-for-another-invalid-reference': {
    input: app('      image: nginx:«»1.0:2\n      imagePullPolicy: Always\n'),
    expected: [],
  },
  'no-workspace-tag-for-another-repository': {
    input: app('      image: ghcr.io/acme/nginx:«latest»\n      imagePullPolicy: Never\n'),
    expected: [],
    options: { workspace: WORKSPACE },
  },
  // not-pinned: pin to the digest the workspace uses for the same tag.
  'pin-to-workspace-digest': {
    input: app('      image: «nginx:1.25»\n      imagePullPolicy: Always\n'),
    expected: [[`Pin to sha256:cccccccccccc… (the digest the workspace uses for :1.25)`, ['not-pinned'], true]],
    options: { workspace: WORKSPACE },
  },
  'pin-to-workspace-digest-flow-single-quoted': {
    input: pod("    - {name: app, image: 'nginx:1.25«»', imagePullPolicy: Always}\n"),
    expected: [[`Pin to sha256:cccccccccccc… (the digest the workspace uses for :1.25)`, ['not-pinned'], true]],
    options: { workspace: WORKSPACE },
  },
  'no-pin-when-the-workspace-has-no-digest-for-the-tag': {
    input: app('      image: «nginx:1.24»\n      imagePullPolicy: Always\n'),
    expected: [],
    options: { workspace: WORKSPACE },
  },
  // digest-with-latest: drop ":latest", and an explicit Always with it when that line can go.
  'remove-latest': {
    input: app(`      image: nginx:«latest»@${DIGEST}\n      imagePullPolicy: Never\n`),
    expected: [REMOVE_LATEST],
  },
  'remove-latest-and-always': {
    input: app(`      image: nginx:«latest@${DIGEST}\n      imagePullPolicy: Always»\n`),
    expected: [REMOVE_LATEST_AND_ALWAYS, REMOVE_REDUNDANT],
  },
  'remove-latest-and-always-flow': {
    input: pod(`    - {name: app, image: "nginx:«latest@${DIGEST}", imagePullPolicy: Always»}\n`),
    expected: [REMOVE_LATEST_AND_ALWAYS, REMOVE_REDUNDANT],
  },
  'remove-latest-when-always-shares-the-dash-line': {
    input: pod(`    - imagePullPolicy: «Always\n      image: nginx:latest»@${DIGEST}\n`),
    expected: [REMOVE_LATEST],
  },
  'remove-latest-without-policy': {
    input: app(`      image: nginx:«»latest@${DIGEST}\n`),
    expected: [REMOVE_LATEST, SET('Always', true), SET('IfNotPresent', false), SET('Never', false)],
  },
  // invalid-pull-policy: the three values, the case-insensitive match preferred, quotes kept.
  'change-invalid-policy': {
    input: app(`      image: ${PINNED}\n      imagePullPolicy: al«»ways\n`),
    expected: [CHANGE('Always', true), CHANGE('IfNotPresent', false), CHANGE('Never', false)],
  },
  // The case fix would land on the default, which is only redundant: removing the line comes first, preferred.
  'change-invalid-policy-to-the-default-removes-it': {
    input: app(`      image: ${PINNED}\n      imagePullPolicy: 'ifnot«»present' # case\n      ports: []\n`),
    expected: [REMOVE_DEFAULT('IfNotPresent'), CHANGE('Always', false), CHANGE('IfNotPresent', false), CHANGE('Never', false)],
  },
  'change-invalid-policy-to-the-default-flow': {
    input: pod(`    - {name: app, image: "${PINNED}", imagePullPolicy: ifNot«»Present}\n`),
    expected: [REMOVE_DEFAULT('IfNotPresent'), CHANGE('Always', false), CHANGE('IfNotPresent', false), CHANGE('Never', false)],
  },
  'change-invalid-policy-to-the-default-on-the-dash-line': {
    input: pod(`    - imagePullPolicy: ifNot«»Present\n      image: ${PINNED}\n`),
    expected: [CHANGE('Always', false), CHANGE('IfNotPresent', true), CHANGE('Never', false)],
  },
  'change-invalid-policy-for-an-invalid-image-keeps-the-case-fix': {
    input: app(`      image: Nginx:1.0\n      imagePullPolicy: ifNot«»Present\n`),
    expected: [CHANGE('Always', false), CHANGE('IfNotPresent', true), CHANGE('Never', false)],
  },
  'change-unknown-policy-nothing-preferred': {
    input: app(`      image: ${PINNED}\n      imagePullPolicy: "Some«»times"\n`),
    expected: [CHANGE('Always', false), CHANGE('IfNotPresent', false), CHANGE('Never', false)],
  },
  // redundant-pull-policy: remove the entry.
  'remove-redundant-block': {
    input: app(`      image: ${PINNED}\n      imagePullPolicy: If«»NotPresent\n      ports: []\n`),
    expected: [REMOVE_REDUNDANT],
  },
  'remove-redundant-with-comment': {
    input: app(`      image: ${PINNED}\n      imagePullPolicy: «IfNotPresent»  # as before\n      ports: []\n`),
    expected: [REMOVE_REDUNDANT],
  },
  'remove-redundant-flow-first': {
    input: pod(`    - {imagePullPolicy: «»IfNotPresent, image: "${PINNED}", name: app}\n`),
    expected: [REMOVE_REDUNDANT],
  },
  'remove-redundant-flow-middle': {
    input: pod(`    - {name: app, imagePullPolicy: «»IfNotPresent, image: "${PINNED}"}\n`),
    expected: [REMOVE_REDUNDANT],
  },
  'remove-redundant-flow-last': {
    input: pod(`    - {name: app, image: "${PINNED}", imagePullPolicy: IfNotPresent«»}\n`),
    expected: [REMOVE_REDUNDANT],
  },
  'remove-redundant-crlf': {
    input: crlf(app(`      image: ${PINNED}\n      imagePullPolicy: «»IfNotPresent\n      ports: []\n`)),
    expected: [REMOVE_REDUNDANT],
  },
  'remove-redundant-last-line-without-newline': {
    input: app(`      image: ${PINNED}\n      imagePullPolicy: «»IfNotPresent`),
    expected: [REMOVE_REDUNDANT],
  },
  'remove-redundant-not-offered-on-the-dash-line': {
    input: pod(`    - imagePullPolicy: «»IfNotPresent\n      image: ${PINNED}\n`),
    expected: [],
  },
  // Set imagePullPolicy: offered where none is set, the current default named.
  'set-compact-dash': {
    input: pod(`    - image: «»${PINNED}\n      name: app\n`),
    expected: SET_DIGEST_DEFAULT,
  },
  'set-image-not-first': {
    input: app(`      image: «»${PINNED}\n      ports: []\n`),
    expected: SET_DIGEST_DEFAULT,
  },
  'set-kubectl-indent': {
    input: deployment(`      - name: app\n        «»image: ${PINNED}\n        ports:\n        - containerPort: 80\n`),
    expected: SET_DIGEST_DEFAULT,
  },
  'set-flow': {
    input: pod(`    - {name: app, image: «»${PINNED}}\n`),
    expected: SET_DIGEST_DEFAULT,
  },
  'set-crlf': {
    input: crlf(app(`      image: «»${PINNED}\n      ports: []\n`)),
    expected: SET_DIGEST_DEFAULT,
  },
  'set-after-comment': {
    input: app(`      image: «»${PINNED} # pinned by CI\n      ports: []\n`),
    expected: SET_DIGEST_DEFAULT,
  },
  'set-double-quoted': {
    input: app(`      image: "«»${PINNED}"\n`),
    expected: SET_DIGEST_DEFAULT,
  },
  'set-for-a-digest-only-image-on-the-last-line': {
    input: app(`      image: «»nginx@${DIGEST}`),
    expected: SET_DIGEST_DEFAULT,
  },
  'set-in-the-second-document': {
    input: `${app('      image: nginx:1\n      imagePullPolicy: Always\n')}---\n${app(`      image: «»${PINNED}\n`)}`,
    expected: SET_DIGEST_DEFAULT,
  },
  // Nothing to offer.
  'nothing-for-image-null': { input: app('      image: «»~\n'), expected: [] },
  'nothing-outside-containers': { input: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: «»web\nspec:\n  containers:\n    - image: nginx\n`, expected: [] },
  'nothing-in-a-non-manifest': { input: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  image: «»nginx\n', expected: [] },
  'a-range-over-two-containers': {
    input: pod(`    - name: a\n      image: «nginx:latest@${DIGEST}\n      imagePullPolicy: Never\n    - name: b\n      image: ${PINNED}»\n`),
    expected: [REMOVE_LATEST, ...SET_DIGEST_DEFAULT],
  },
  'only-the-container-under-the-cursor': {
    input: pod(`    - name: a\n      image: nginx:latest@${DIGEST}\n      imagePullPolicy: Never\n    - name: b\n      image: «»${PINNED}\n`),
    expected: SET_DIGEST_DEFAULT,
  },
  'a-diagnostic-turned-off-gets-no-fix': {
    input: app('      image: ng«»inx\n      imagePullPolicy: IfNotPresent\n'),
    expected: [],
    options: { settings: parseSettings({ diagnostics: { 'implicit-latest': 'off' } }) },
  },
};

for (const [name, c] of Object.entries(cases)) {
  test(`codeActions: ${name}`, () => check(name, c.input, c.expected, c.options));
}

test('codeActions: no stale goldens', { skip: process.env.UPDATE_GOLDEN === '1' ? 'rewriting goldens' : false }, () => {
  assert.deepEqual(goldenNamesOnDisk(goldens.prefix), [...goldens.checked].sort());
});

/**
 * Every diagnostic message is one sentence: details go to the hover and docs/diagnostics.md. The
 * messages come from every manifest, Compose file and Dockerfile of test/fixtures and examples/,
 * analysed offline and then with registry answers of every kind for each of their images (missing
 * tag, missing repository, moved tag, refused credentials, unreachable registry, anonymous pulls
 * refused, with the policy as written and with Never).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectDiagnostics } from '../../../server/src/core/features/diagnostics';
import type { Analysis } from '../../../server/src/core/analysis';
import type { ManifestAnswer, RegistryFacts } from '../../../server/src/core/facts';
import { referenceQueries, repositoryKey } from '../../../server/src/core/facts';
import { imageSites } from '../../../server/src/core/imageSites';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { analyzeFile } from '../../../server/src/engine/analyzeFile';
import { FAILED_UNAUTHORIZED, FAILED_UNREACHABLE, found, MISSING, NO_REPOSITORY, registryFacts } from '../../helpers/facts';
import { OTHER_DIGEST } from '../../helpers/manifests';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** Why a message is not one sentence, or null: quoted values ("…") may hold anything. */
export function notOneSentence(message: string): string | null {
  const prose = message.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  if (/\n/.test(message)) return 'it has a line break';
  if (!/[.?!]\)?$/.test(prose)) return 'it does not end with a full stop';
  const inside = /[.?!]\s+\S/.exec(prose);
  return inside ? `a sentence ends inside it, at "${prose.slice(Math.max(0, inside.index - 20), inside.index + 3)}"` : null;
}

function files(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.ya?ml$|Dockerfile/.test(entry.name) ? [path] : [];
  });
}

/** Facts that answer every question of the file the same way, with each registry's problem where the answer failed. */
function everyAnswer(analysis: Analysis, answer: ManifestAnswer, anonymous?: boolean): RegistryFacts {
  const manifests: Record<string, ManifestAnswer> = {};
  const problems: Record<string, { kind: 'unreachable' | 'unauthorized'; reason: string }> = {};
  const anonymousPulls: Record<string, boolean> = {};
  for (const site of imageSites(analysis)) {
    for (const query of referenceQueries(site.ref)) manifests[query.key] = answer;
    if (answer.status === 'failed') {
      const kind = answer.problem === 'unauthorized' ? 'unauthorized' : 'unreachable';
      problems[site.ref.domain] = {
        kind,
        reason: `${site.ref.domain} ${kind === 'unauthorized' ? 'refused access (tried anonymous)' : 'could not be reached: no such host (DNS)'}.`,
      };
    }
    if (anonymous !== undefined) anonymousPulls[repositoryKey(site.ref)] = anonymous;
  }
  return registryFacts({ manifests, problems, anonymous: anonymousPulls, tags: {} });
}

const ANSWERS: readonly [string, ManifestAnswer, boolean?][] = [
  ['missing', MISSING],
  ['no repository', NO_REPOSITORY],
  ['moved', found(OTHER_DIGEST)],
  ['moved, cached', found(OTHER_DIGEST, { stale: true })],
  ['refused', FAILED_UNAUTHORIZED],
  ['unreachable', FAILED_UNREACHABLE],
  ['found, anonymous pulls refused', found(OTHER_DIGEST), false],
];

test('the sentence check: one sentence passes, two fail, a quoted value may hold anything', () => {
  assert.equal(notOneSentence('docker.io has no tag "1.99" in library/nginx (newest of its 3 tags: 1.25, 1.24, …).'), null);
  assert.equal(notOneSentence('Image "a. B" holds a placeholder.'), null);
  assert.match(notOneSentence('ghcr.io has no tag "1". It has 3 tags.') ?? '', /a sentence ends inside it/);
  assert.match(notOneSentence('no full stop') ?? '', /does not end/);
});

test('every diagnostic message is one sentence, offline and with every kind of registry answer', () => {
  const paths = [...files(join(REPO_ROOT, 'test', 'fixtures')), ...files(join(REPO_ROOT, 'examples'))];
  assert.ok(paths.length > 400, `only ${paths.length} fixture files found`);
  const wrong = new Map<string, string>();
  let messages = 0;
  const codes = new Set<string>();
  for (const path of paths) {
    const text = readFileSync(path, 'utf8');
    for (const never of [false, true]) {
      const source = never ? text.replace(/imagePullPolicy: \w+/g, 'imagePullPolicy: Never') : text;
      const analysis = analyzeFile(source, { fileName: path, maxFileSize: DEFAULT_SETTINGS.maxFileSize });
      const workspace = { definedSecrets: new Set<string>(), images: new Map() };
      const sets = [null, ...ANSWERS.map(([, answer, anonymous]) => everyAnswer(analysis, answer, anonymous))];
      for (const facts of sets) {
        for (const d of collectDiagnostics(analysis, DEFAULT_SETTINGS, workspace, facts)) {
          messages++;
          codes.add(d.code);
          const why = notOneSentence(d.message);
          if (why !== null && !wrong.has(d.message)) wrong.set(d.message, `${d.code} in ${path}: ${why}`);
        }
      }
    }
  }
  assert.deepEqual([...wrong.entries()].slice(0, 20), []);
  // The sweep reaches every code but the ones no fixture can produce alone.
  const unreached = ['invalid-config', 'not-analysed'].filter((code) => !codes.has(code));
  assert.ok(codes.size >= 18, `only ${codes.size} codes reached (${[...codes].join(', ')}); missing besides ${unreached.join(', ')}`);
  assert.ok(messages > 1000, `only ${messages} messages`);
});

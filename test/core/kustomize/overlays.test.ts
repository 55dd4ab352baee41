/**
 * overlayImages and the hover's overlay lines, over kustomizations held in memory (a KustomizeFiles
 * of plain data, as the editor's is): which builds are listed, what each writes, the ones left out,
 * and a hover that stays short however many overlays there are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHover } from '../../../server/src/core/features/hover';
import { planBuild } from '../../../server/src/core/kustomize/build';
import type { KustomizationLookup, KustomizeFiles } from '../../../server/src/core/kustomize/build';
import { readKustomization } from '../../../server/src/core/kustomize/kustomization';
import { overlayImages } from '../../../server/src/core/kustomize/overlays';
import type { OverlayBuild } from '../../../server/src/core/kustomize/overlays';
import { analyzeText } from '../../helpers/manifests';

const DEPLOYMENT =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:1.0\n';

/** Folders as `/`-separated paths, each with its kustomization's text. */
function memoryFiles(kustomizations: Record<string, string>): KustomizeFiles {
  const normalize = (path: string): string => {
    const parts: string[] = [];
    for (const part of path.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '.' && part !== '') parts.push(part);
    }
    return `/${parts.join('/')}`;
  };
  return {
    join: (folder, entry) => normalize(entry.startsWith('/') ? entry : `${folder}/${entry}`),
    isWithin: (folder, path) => path === folder || path.startsWith(`${folder}/`),
    isFile: (path) => !Object.hasOwn(kustomizations, path),
    kustomizationIn(folder): KustomizationLookup {
      const text = kustomizations[folder];
      return text === undefined
        ? { found: 'none', reason: `no kustomization in ${folder}` }
        : { found: 'one', file: `${folder}/kustomization.yaml`, kustomization: readKustomization(text)! };
    },
    imageSpecs: () => [],
  };
}

function hoverLines(builds: readonly OverlayBuild[]): string[] {
  const analysis = analyzeText(DEPLOYMENT);
  const hover = computeHover(analysis, DEPLOYMENT.indexOf('web:1.0') + 2, null, (doc, container) =>
    overlayImages(analysis, doc, container, '/base/web.yaml', builds),
  );
  return hover!.markdown.split('\n').filter((line) => line.startsWith('- ') || line.startsWith('**kustomize**'));
}

function buildsOf(kustomizations: Record<string, string>): OverlayBuild[] {
  const files = memoryFiles(kustomizations);
  return Object.keys(kustomizations).map((folder) => ({ label: folder.slice(1), plan: planBuild(folder, files) }));
}

test('each build that writes another image is listed with it; one that writes the same, or that kustomize refuses, is not', () => {
  const builds = buildsOf({
    '/base': 'resources: [web.yaml]\n',
    '/prod': 'resources: [../base]\nimages:\n- name: web\n  newName: registry.example.com/web\n  digest: sha256:' + 'a'.repeat(64) + '\n',
    '/same': 'resources: [../base]\nimages:\n- name: web\n  newTag: "1.0"\n',
    '/other': 'resources: [../base]\nimages:\n- name: api\n  newTag: "2"\n',
    '/cycle': 'resources: [../base, ../cycle]\nimages:\n- name: web\n  newTag: "9"\n',
    '/unsure': 'resources: [../base]\nimages:\n- name: "[a-z]+"\n  newTag: "3"\n',
  });
  assert.match(builds.find((b) => b.label === 'cycle')!.plan.problem!.message, /cycle/);
  assert.deepEqual(hoverLines(builds), [
    '**kustomize** builds it differently:',
    `- overlay \`prod\`: → \`registry.example.com/web@sha256:${'a'.repeat(64)}\``,
    '- overlay `unsure`: → `web:1.0` (an `images:` name there is a regular expression not evaluated here, so this may differ)',
  ]);
});

test('a hover lists a dozen overlays at most, and says how many more there are', () => {
  const kustomizations: Record<string, string> = { '/base': 'resources: [web.yaml]\n' };
  for (let i = 10; i < 40; i++) kustomizations[`/o${i}`] = `resources: [../base]\nimages:\n- name: web\n  newTag: "${i}"\n`;
  const lines = hoverLines(buildsOf(kustomizations));
  assert.equal(lines.length, 13);
  assert.equal(lines[1], '- overlay `o10`: → `web:10`');
  assert.equal(lines[12], '- and 19 more overlays');
});

test('the overlay lines follow the summary line, ahead of the pull policy and the parts table', () => {
  const analysis = analyzeText(DEPLOYMENT);
  const builds = buildsOf({ '/base': 'resources: [web.yaml]\n', '/prod': 'resources: [../base]\nimages:\n- name: web\n  newTag: "2.0"\n' });
  const hover = computeHover(analysis, DEPLOYMENT.indexOf('web:1.0') + 2, null, (doc, container) =>
    overlayImages(analysis, doc, container, '/base/web.yaml', builds),
  );
  const lines = hover!.markdown.split('\n');
  const at = (prefix: string): number => lines.findIndex((line) => line.startsWith(prefix));
  assert.deepEqual(lines.slice(0, at('- overlay') + 1), [
    '`docker.io/library/web:1.0` · IfNotPresent · not pinned',
    '',
    '**kustomize** builds it differently:',
    '- overlay `prod`: → `web:2.0`',
  ]);
  assert.ok(at('- overlay') < at('**imagePullPolicy') && at('**imagePullPolicy') < at('| Registry'));
});

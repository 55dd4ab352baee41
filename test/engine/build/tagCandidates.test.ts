/**
 * Which image fields a Dockerfile builds: the tags offered when it is built (the nearest manifest's
 * image first: same folder, then up to the workspace folder) and the Dockerfile an image field's
 * code lens builds from (only one that maps to it unambiguously). The workspace of `npm run demo`
 * is the case that went wrong: five repositories end in `/web`, and only deploy/deploy.yaml, next
 * to deploy/web/, is about deploy/web/Dockerfile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageSites } from '../../../server/src/core';
import { dockerfileFor, dockerfileOfSite, tagCandidates } from '../../../server/src/engine';
import type { ManifestOfWorkspace } from '../../../server/src/engine';
import { analyzeText, deployment, DIGEST, kustomization } from '../../helpers/manifests';

const HOST = '127.0.0.1:5000';

function manifest(path: string, ...images: string[]): ManifestOfWorkspace {
  const containers = images.map((image, i) => `        - name: c${i}\n          image: ${image}\n`).join('');
  return { path, analysis: analyzeText(deployment(containers), path) };
}

/** The demo's workspace (scripts/demo.mjs), in the order the editor happened to list the files: deploy/ last. */
const DEMO: readonly ManifestOfWorkspace[] = [
  manifest('examples/deployment.yaml', 'ghcr.io/example/web-migrations:2.4.1', `ghcr.io/example/web:2.4.1@${DIGEST}`),
  { path: 'examples/overlay/kustomization.yaml', analysis: analyzeText(kustomization('  - name: ghcr.io/example/web\n    newTag: 2.4.2\n')) },
  manifest('registry/deployment.yaml', `${HOST}/demo/web:2.4.1`, `${HOST}/demo/api:3.1.0`, `${HOST}/demo/web:9.9.9`),
  manifest('registry/cronjob.yaml', `${HOST}/demo/web:2.3.0`),
  manifest('deploy/deploy.yaml', `${HOST}/team/web:1.0`),
];
const DEMO_DOCKERFILES = ['deploy/web/Dockerfile'];

/** Every container image of `manifests` with the Dockerfile its code lens would build from. */
function lenses(manifests: readonly ManifestOfWorkspace[], dockerfiles: readonly string[], mapping: Record<string, string> = {}): string[] {
  return manifests.flatMap((file) =>
    imageSites(file.analysis)
      .filter((site) => site.container)
      .map((site) => `${file.path}: ${site.ref.input} → ${dockerfileOfSite(site, file.path, dockerfiles, mapping) ?? 'none'}`),
  );
}

test('the demo: deploy/web/Dockerfile is offered only the image of deploy/deploy.yaml, whatever order the files come in', () => {
  const expected = [{ tag: `${HOST}/team/web:1.0`, files: ['deploy/deploy.yaml'] }];
  assert.deepEqual(tagCandidates('deploy/web/Dockerfile', DEMO, DEMO_DOCKERFILES, {}), expected);
  assert.deepEqual(tagCandidates('deploy/web/Dockerfile', [...DEMO].reverse(), DEMO_DOCKERFILES, {}), expected);
});

test('the demo: the code lens is on the image of deploy/deploy.yaml only, not on the other repositories ending in /web', () => {
  assert.deepEqual(lenses(DEMO, DEMO_DOCKERFILES), [
    'examples/deployment.yaml: ghcr.io/example/web-migrations:2.4.1 → none',
    `examples/deployment.yaml: ghcr.io/example/web:2.4.1@${DIGEST} → none`,
    `registry/deployment.yaml: ${HOST}/demo/web:2.4.1 → none`,
    `registry/deployment.yaml: ${HOST}/demo/api:3.1.0 → none`,
    `registry/deployment.yaml: ${HOST}/demo/web:9.9.9 → none`,
    `registry/cronjob.yaml: ${HOST}/demo/web:2.3.0 → none`,
    `deploy/deploy.yaml: ${HOST}/team/web:1.0 → deploy/web/Dockerfile`,
  ]);
});

test('the nearest manifest first: the same folder as the Dockerfile, then each folder up to the workspace folder; files listed per tag', () => {
  const manifests = [
    manifest('app.yaml', 'acme/web:0.9'),
    manifest('deploy/staging.yaml', 'acme/web:1.1-rc', 'acme/web:1.0'),
    manifest('deploy/web/deploy.yaml', 'acme/web:1.0'),
    manifest('deploy/prod.yaml', 'acme/web:1.0'),
    manifest('other/web.yaml', 'acme/web:2.0'),
  ];
  assert.deepEqual(tagCandidates('deploy/web/Dockerfile', manifests, ['deploy/web/Dockerfile'], {}), [
    { tag: 'acme/web:1.0', files: ['deploy/web/deploy.yaml', 'deploy/prod.yaml', 'deploy/staging.yaml'] },
    { tag: 'acme/web:1.1-rc', files: ['deploy/staging.yaml'] },
    { tag: 'acme/web:0.9', files: ['app.yaml'] },
  ]);
});

test('among manifests as near as each other, the tag more of them name comes first, then path order', () => {
  const manifests = [
    manifest('broken.yaml', 'acme/web:does-not-exist'),
    manifest('deploy.yaml', 'acme/web:1.0'),
    manifest('scaled.yaml', 'acme/web:1.0'),
    manifest('canary.yaml', 'acme/web:1.1'),
  ];
  assert.deepEqual(tagCandidates('web/Dockerfile', manifests, ['web/Dockerfile'], {}), [
    { tag: 'acme/web:1.0', files: ['deploy.yaml', 'scaled.yaml'] },
    { tag: 'acme/web:does-not-exist', files: ['broken.yaml'] },
    { tag: 'acme/web:1.1', files: ['canary.yaml'] },
  ]);
});

test("the mapping setting wins: a mapped repository is offered wherever its manifest is (after the nearer ones), and is no other Dockerfile's", () => {
  const mapping = { [`${HOST}/demo/web`]: 'deploy/web/Dockerfile', [`${HOST}/team/*`]: 'team.Dockerfile' };
  assert.deepEqual(tagCandidates('deploy/web/Dockerfile', DEMO, DEMO_DOCKERFILES, mapping), [
    { tag: `${HOST}/demo/web:2.3.0`, files: ['registry/cronjob.yaml'] },
    { tag: `${HOST}/demo/web:2.4.1`, files: ['registry/deployment.yaml'] },
    { tag: `${HOST}/demo/web:9.9.9`, files: ['registry/deployment.yaml'] },
  ]);
  assert.deepEqual(tagCandidates('team.Dockerfile', DEMO, DEMO_DOCKERFILES, mapping), [{ tag: `${HOST}/team/web:1.0`, files: ['deploy/deploy.yaml'] }]);
  assert.deepEqual(
    lenses(DEMO, DEMO_DOCKERFILES, mapping).filter((line) => !line.endsWith('→ none')),
    [
      `registry/deployment.yaml: ${HOST}/demo/web:2.4.1 → deploy/web/Dockerfile`,
      `registry/deployment.yaml: ${HOST}/demo/web:9.9.9 → deploy/web/Dockerfile`,
      `registry/cronjob.yaml: ${HOST}/demo/web:2.3.0 → deploy/web/Dockerfile`,
      `deploy/deploy.yaml: ${HOST}/team/web:1.0 → team.Dockerfile`,
    ],
  );
});

test("dockerfileFor by convention: only Dockerfiles in or below the manifest's folder; the nearest of equally good ones; a tie is no answer", () => {
  const files = ['deploy/web/Dockerfile', 'legacy/web/Dockerfile', 'web/Dockerfile', 'web/Containerfile'];
  assert.equal(dockerfileFor('acme/web', 'deploy/deploy.yaml', files, {}), 'deploy/web/Dockerfile');
  assert.equal(dockerfileFor('acme/web', 'deploy/web/deploy.yaml', files, {}), 'deploy/web/Dockerfile');
  assert.equal(dockerfileFor('acme/web', 'legacy/k8s.yaml', files, {}), 'legacy/web/Dockerfile');
  // From the workspace folder, web/ is nearer than deploy/web/ and legacy/web/.
  assert.equal(dockerfileFor('acme/web', 'app.yaml', files, {}), 'web/Dockerfile');
  assert.equal(dockerfileFor('acme/web', 'app.yaml', ['deploy/web/Dockerfile', 'legacy/web/Dockerfile'], {}), null);
  // Kept apart from every Dockerfile (k8s/ beside web/): only the mapping setting says which one builds it.
  assert.equal(dockerfileFor('acme/web', 'k8s/app.yaml', files, {}), null);
  assert.equal(dockerfileFor('acme/web', 'k8s/app.yaml', files, { 'acme/web': 'web/Dockerfile' }), 'web/Dockerfile');
  // A document in no folder of the workspace (an untitled one) has no nearest Dockerfile.
  assert.equal(dockerfileFor('acme/web', null, files, {}), null);
  assert.equal(dockerfileFor('acme/web', null, files, { 'acme/*': 'web/Dockerfile' }), 'web/Dockerfile');
});

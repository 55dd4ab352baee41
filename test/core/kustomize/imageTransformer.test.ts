/**
 * One kustomize image transformer entry on one image value (isImageMatched, applyOverride), against
 * `kubectl kustomize`: every case is a folder whose kustomization holds the entry and a CronJob with
 * the values (a CronJob's containers are reached by the legacy filter alone, so the entry applies
 * once), and one kustomization builds all the folders at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { applyOverride, isImageMatched, overrideOf, splitImage } from '../../../server/src/core/kustomize/imageTransformer';
import { readKustomization } from '../../../server/src/core/kustomize/kustomization';
import { kubectlBuilds } from '../../helpers/kustomize';

interface Case {
  /** The entry as a flow mapping, as a user writes it in `images:`. */
  readonly entry: string;
  readonly values: readonly string[];
}

const CASES: readonly Case[] = [
  // The name is the repository as written: no normalisation to docker.io/library.
  {
    entry: '{name: nginx, newTag: "2"}',
    values: ['nginx', 'nginx:1.0', 'nginx@sha256:aaaa', 'nginx:1.0@sha256:aaaa', 'docker.io/library/nginx:1.0', 'nginxx:1', 'library/nginx'],
  },
  { entry: '{name: docker.io/library/nginx, newName: mirror/nginx}', values: ['nginx:1', 'docker.io/library/nginx:1', 'docker.io/library/nginx'] },
  {
    entry: '{name: "localhost:5000/app", newTag: v2}',
    values: ['localhost:5000/app', 'localhost:5000/app:v1', 'localhost:5000/app@sha256:ab', 'localhost:5000/apps'],
  },
  // A digest replaces the tag; a tag and a digest are both written.
  { entry: '{name: nginx, digest: "sha256:bbbb"}', values: ['nginx:1.0', 'nginx:1.0@sha256:aaaa', 'nginx'] },
  { entry: '{name: nginx, newTag: "3", digest: "sha256:bbbb"}', values: ['nginx', 'nginx:1.0@sha256:aaaa'] },
  // A suffix is added to the tag, even an empty one, and drops the digest.
  { entry: '{name: nginx, tagSuffix: -x}', values: ['nginx', 'nginx:1', 'nginx@sha256:aaaa'] },
  { entry: '{name: nginx, newTag: "4", tagSuffix: -x}', values: ['nginx:1'] },
  // The name is a regular expression: a tag in it, a ".", an alternation, an escape, a repetition.
  { entry: '{name: "nginx:1.0", newTag: "7"}', values: ['nginx:1.0', 'nginx:1.1', 'nginx'] },
  { entry: '{name: my.registry/app, newTag: "9"}', values: ['my.registry/app:1', 'myXregistry/app:1', 'my.registry/apps:1'] },
  { entry: '{name: "nginx|busybox", newTag: "8"}', values: ['nginx:1', 'busybox:1', 'busyboxes:1', 'nginxy', 'xnginx'] },
  { entry: '{name: "registry\\\\.io/app", newTag: "1"}', values: ['registry.io/app', 'registryXio/app'] },
  { entry: '{name: "app.*", newName: z}', values: ['app', 'app-x:1', 'apple@sha256:cc', 'xapp'] },
  { entry: '{name: "(web|api)-server", newName: "svc"}', values: ['web-server:1', 'api-server', 'db-server'] },
  // Case matters; no name matches only what has no name.
  { entry: '{name: NGINX, newTag: "2"}', values: ['nginx:1', 'NGINX:1'] },
  { entry: '{newTag: "7"}', values: ['nginx:1'] },
  // Split looks for ":" and "@" after the first "/" only.
  { entry: '{name: nginx, newName: "registry.example.com:5000/nginx"}', values: ['nginx:1.2'] },
  { entry: '{name: localhost, newTag: "5"}', values: ['localhost:5000', 'localhost:5000/app'] },
  { entry: '{name: a/b, newName: c}', values: ['a/b:1@sha256:aa', 'a/b@sha256:aa:bb'] },
  // kustomize v5.5.0 matches only sha256 digests.
  { entry: '{name: nginx, newTag: "1"}', values: ['nginx:1.0@sha512:abc', 'nginx@sha256:ABC_.{}-'] },
];

function cronJob(values: readonly string[]): string {
  const containers = values.map((value, i) => `          - name: c${i}\n            image: ${JSON.stringify(value)}\n`).join('');
  return `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: job\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n${containers}`;
}

test('each entry matches and rewrites exactly what kubectl kustomize does', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'image-aware-transformer-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  CASES.forEach(({ entry, values }, i) => {
    mkdirSync(join(root, `c${i}`));
    writeFileSync(join(root, `c${i}`, 'kustomization.yaml'), `resources: [job.yaml]\nnamePrefix: c${i}-\nimages:\n- ${entry}\n`);
    writeFileSync(join(root, `c${i}`, 'job.yaml'), cronJob(values));
  });
  writeFileSync(join(root, 'kustomization.yaml'), `resources:\n${CASES.map((_, i) => `- c${i}\n`).join('')}`);
  const built = new Map<string, string[]>();
  for (const doc of parseAllDocuments(kubectlBuilds(root))) {
    const object = doc.toJS() as { metadata: { name: string }; spec: { jobTemplate: { spec: { template: { spec: { containers: { image: string }[] } } } } } };
    built.set(
      object.metadata.name,
      object.spec.jobTemplate.spec.template.spec.containers.map((c) => c.image),
    );
  }
  CASES.forEach(({ entry, values }, i) => {
    const override = overrideOf(readKustomization(`images:\n- ${entry}\n`)!.images[0]);
    const ours = values.map((value) => {
      const matched = isImageMatched(value, override);
      assert.notEqual(matched, null, `${entry} must be evaluated`);
      return matched ? applyOverride(value, override) : value;
    });
    assert.deepEqual(ours, built.get(`c${i}-job`), entry);
  });
});

test('a name that Go and JavaScript read differently is not evaluated, rather than matched wrongly', () => {
  for (const name of ['[a-z]+', 'nginx{1,2}', '(?i)nginx', '\\d+', 'ngïnx', 'a\tb', '(', '*x', 'app)']) {
    const override = overrideOf({ where: 'images[0]', start: 0, end: 0, fields: { name: { value: name, reads: 'string', start: 0, end: 0 } } });
    assert.equal(isImageMatched('nginx', override), null, name);
  }
});

test("splitImage is kustomize's Split", () => {
  assert.deepEqual(splitImage('nginx'), { name: 'nginx', tag: '', digest: '' });
  assert.deepEqual(splitImage('localhost:5000/app:1@sha256:ab'), { name: 'localhost:5000/app', tag: '1', digest: 'sha256:ab' });
  assert.deepEqual(splitImage('app@sha256:ab:cd'), { name: 'app', tag: '', digest: 'sha256:ab:cd' });
  assert.deepEqual(splitImage('/abs:1'), { name: '/abs', tag: '1', digest: '' });
});

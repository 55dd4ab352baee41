/**
 * fieldAt and containerAt: which image field, and which container, the cursor `|` is on.
 * fieldAt cases expect [kind, the field's key] or null; containerAt cases the container's name or null.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerAt, fieldAt } from '../../../server/src/core/features/fieldAt';
import { caret } from '../../helpers/caret';
import { analyzeText, kustomization, pod } from '../../helpers/manifests';

function check(input: string, expected: { field: readonly [string, string] | null; container: string | null }): void {
  const { text, offset } = caret(input);
  const analysis = analyzeText(text);
  const hit = fieldAt(analysis, offset);
  assert.deepEqual(hit && [hit.kind, hit.field.key.value], expected.field === null ? null : [...expected.field], 'fieldAt');
  const container = containerAt(analysis, offset);
  assert.equal(container && (container.name ?? `#${container.path}`), expected.container, 'containerAt');
}

const two = (a: string, b: string): string => pod(`    - name: a\n${a}    - name: b\n${b}`);

const cases: Record<string, [string, { field: readonly [string, string] | null; container: string | null }]> = {
  'on the image key': [two('      im|age: nginx\n', '      image: redis\n'), { field: ['image', 'image'], container: 'a' }],
  'between key and value': [two('      image:|  nginx\n', ''), { field: ['image', 'image'], container: 'a' }],
  'at the end of the value': [two('      image: nginx|\n', ''), { field: ['image', 'image'], container: 'a' }],
  'after the value, in a comment': [two('      image: nginx # |x\n', ''), { field: null, container: 'a' }],
  'on the policy of the second container': [
    two('      image: nginx\n', '      image: redis\n      imagePullPolicy: Al|ways\n'),
    { field: ['pullPolicy', 'imagePullPolicy'], container: 'b' },
  ],
  'on a key with no value yet': [two('      image:|\n', ''), { field: ['image', 'image'], container: 'a' }],
  'typing a value for a key that has none yet': [two('      image: nginx\n      imagePullPolicy: |\n', ''), { field: null, container: 'a' }],
  'on the name key: no field, but the container': [two('      image: nginx\n', '').replace('name: a', 'na|me: a'), { field: null, container: 'a' }],
  'in a flow mapping': [pod('    - {name: f, image: ngi|nx}\n'), { field: ['image', 'image'], container: 'f' }],
  'after a flow mapping': [pod('    - {name: f, image: nginx}  # |\n'), { field: null, container: null }],
  'in the second of two flow mappings on one line': [
    pod('').replace('  containers:\n', '  containers: [{name: f, image: a}, {name: g, image: |b}]\n'),
    { field: ['image', 'image'], container: 'g' },
  ],
  'in the first of two flow mappings on one line': [
    pod('').replace('  containers:\n', '  containers: [{name: f, image: a|}, {name: g, image: b}]\n'),
    { field: ['image', 'image'], container: 'f' },
  ],
  'in metadata': [pod('    - image: nginx\n').replace('name: web', 'name: w|eb'), { field: null, container: null }],
  'kustomize newTag': [kustomization('  - name: nginx\n    newTag: "1|"\n'), { field: ['kustomize', 'newTag'], container: null }],
  'kustomize digest key': [kustomization('  - name: nginx\n    dig|est: sha256:abc\n'), { field: ['kustomize', 'digest'], container: null }],
  'a non-manifest': ['apiVersion: v1\nkind: ConfigMap\ndata:\n  image: ngi|nx\n', { field: null, container: null }],
};

for (const [name, [input, expected]] of Object.entries(cases)) {
  test(`fieldAt: ${name}`, () => check(input, expected));
}

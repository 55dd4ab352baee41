/**
 * computeHover: `|` marks the cursor; each case gives the text the hover range covers and the whole
 * markdown, or null where no hover is expected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHover } from '../../../server/src/core/features/hover';
import { caret } from '../../helpers/caret';
import { analyzeText, DIGEST, kustomization, pod } from '../../helpers/manifests';

function check(input: string, expected: { readonly range: string; readonly markdown: readonly string[] } | null): void {
  const { text, offset } = caret(input);
  const hover = computeHover(analyzeText(text), offset);
  if (expected === null) {
    assert.equal(hover, null);
    return;
  }
  assert.ok(hover, 'expected a hover');
  assert.deepEqual(
    { range: text.slice(hover.start, hover.end), markdown: hover.markdown.split('\n') },
    { range: expected.range, markdown: [...expected.markdown] },
  );
}

const RULE = '(SetDefaults_Container)';
const MEANING = {
  Always: 'With Always, the kubelet asks the registry for the current digest on every container start, and pulls when it differs from the local copy.',
  IfNotPresent:
    'With IfNotPresent, the kubelet pulls only when the node has no image by this name yet; a tag pushed again is not picked up by nodes that have the old one.',
  Never: 'With Never, the kubelet never pulls; the image must already be on the node, or the pod fails with ErrImageNeverPull.',
};
const NOT_PINNED = 'The tag can be pushed again, and new pods then run different bytes.';
const PINNED = 'The digest fixes the exact bytes; the tag, if any, is ignored when pulling.';

function table(registry: string, repository: string, tag: string, digest: string): string[] {
  return ['| Registry | Repository | Tag | Digest |', '|---|---|---|---|', `| ${registry} | ${repository} | ${tag} | ${digest} |`];
}

/** The first line: canonical reference · policy · pinned or not. */
function summary(canonical: string, policy: string | null, pinned: boolean): string {
  return [`\`${canonical}\``, policy, pinned ? 'pinned' : 'not pinned'].filter((part) => part !== null).join(' · ');
}

function byDefault(policy: 'Always' | 'IfNotPresent', because: string): string[] {
  return [`**imagePullPolicy: ${policy}** (default). Kubernetes defaults imagePullPolicy to ${policy} because ${because} ${RULE}. ${MEANING[policy]}`];
}

function explicit(policy: 'Always' | 'IfNotPresent' | 'Never'): string[] {
  return [
    `**imagePullPolicy: ${policy}** (set in the manifest). imagePullPolicy is set to ${policy} in the manifest, and Kubernetes never overrides a value that is set. ${MEANING[policy]}`,
  ];
}

const HUB = '`docker.io` (implied)';
const NGINX = '`library/nginx`';
const NO_DIGEST = '*none*';
const container = (image: string, more = ''): string => pod(`    - name: app\n      image: ${image}\n${more}`);

const cases: Record<string, [string, { range: string; markdown: string[] } | null]> = {
  'no tag: latest implied, Always by default': [
    container('ng|inx'),
    {
      range: 'nginx',
      markdown: [
        summary('docker.io/library/nginx:latest', 'Always', false),

        '',
        ...byDefault('Always', 'the image has no tag, so it means :latest'),
        '',
        NOT_PINNED,
        '',
        ...table(HUB, NGINX, '*none: means* `latest`', NO_DIGEST),
      ],
    },
  ],
  ':latest on another registry': [
    container('|ghcr.io/acme/web:latest'),
    {
      range: 'ghcr.io/acme/web:latest',
      markdown: [
        summary('ghcr.io/acme/web:latest', 'Always', false),

        '',
        ...byDefault('Always', 'the tag is :latest'),
        '',
        NOT_PINNED,
        '',
        ...table('`ghcr.io`', '`acme/web`', '`latest`', NO_DIGEST),
      ],
    },
  ],
  'a version tag, hovering the key': [
    pod('    - name: app\n      ima|ge: nginx:1.25\n'),
    {
      range: 'nginx:1.25',
      markdown: [
        summary('docker.io/library/nginx:1.25', 'IfNotPresent', false),

        '',
        ...byDefault('IfNotPresent', 'the tag :1.25 is not :latest'),
        '',
        NOT_PINNED,
        '',
        ...table(HUB, NGINX, '`1.25`', NO_DIGEST),
      ],
    },
  ],
  'Latest is not latest': [
    container('"localhost:5000/web:Latest|"'),
    {
      range: '"localhost:5000/web:Latest"',
      markdown: [
        summary('localhost:5000/web:Latest', 'IfNotPresent', false),

        '',
        ...byDefault('IfNotPresent', 'the tag :Latest is not :latest, and only the exact lowercase "latest" counts'),
        '',
        NOT_PINNED,
        '',
        ...table('`localhost:5000`', '`web`', '`Latest`', NO_DIGEST),
      ],
    },
  ],
  'digest only': [
    container(`nginx@${DIGEST}|`),
    {
      range: `nginx@${DIGEST}`,
      markdown: [
        summary(`docker.io/library/nginx@${DIGEST}`, 'IfNotPresent', true),

        '',
        ...byDefault('IfNotPresent', 'the image is pinned by digest and has no tag, so no :latest is implied'),
        '',
        PINNED,
        '',
        ...table(HUB, NGINX, '*none*', `\`${DIGEST}\``),
      ],
    },
  ],
  'latest and a digest': [
    container(`nginx:lat|est@${DIGEST}`),
    {
      range: `nginx:latest@${DIGEST}`,
      markdown: [
        summary(`docker.io/library/nginx:latest@${DIGEST}`, 'Always', true),

        '',
        ...byDefault('Always', 'the tag is :latest; the digest does not change that'),
        '',
        PINNED,
        '',
        ...table(HUB, NGINX, '`latest`', `\`${DIGEST}\``),
      ],
    },
  ],
  'an explicit policy wins': [
    container('team/we|b:1', '      imagePullPolicy: Always\n'),
    {
      range: 'team/web:1',
      markdown: [
        summary('docker.io/team/web:1', 'Always', false),

        '',
        ...explicit('Always'),
        '',
        NOT_PINNED,
        '',
        ...table(HUB, '`team/web`', '`1`', NO_DIGEST),
      ],
    },
  ],
  'an invalid policy': [
    container('nginx:1|', '      imagePullPolicy: always\n'),
    {
      range: 'nginx:1',
      markdown: [
        summary('docker.io/library/nginx:1', 'invalid imagePullPolicy', false),

        '',
        '**imagePullPolicy `always` is invalid**: the API server accepts only Always, IfNotPresent or Never.',
        '',
        NOT_PINNED,
        '',
        ...table(HUB, NGINX, '`1`', NO_DIGEST),
      ],
    },
  ],
  'an invalid reference': [
    container('|Nginx:1'),
    {
      range: 'Nginx:1',
      markdown: [
        '**Image** `Nginx:1`',
        '',
        '**Invalid reference**: Repository name must be lowercase: "Nginx" has uppercase letters. The runtime reports `repository name must be lowercase`.',
        '',
        ...byDefault('IfNotPresent', 'it cannot parse the image (repository name must be lowercase), and a parse error leaves the tag empty'),
      ],
    },
  ],
  'a templated image': [
    container('"{{ .Values.image }}|"'),
    { range: '"{{ .Values.image }}"', markdown: ['**Image** `{{ .Values.image }}`', '', 'Contains a template placeholder; it is checked once rendered.'] },
  ],
  'backticks in a value cannot break the code span': [
    container('"ng`inx|"'),
    {
      range: '"ng`inx"',
      markdown: [
        "**Image** `ng'inx`",
        '',
        '**Invalid reference**: ' +
          'Path component "ng`inx" contains "`"; a path component may contain only lowercase letters, digits and the separators ".", "_", "__" or "-", and must start and end with a letter or digit. ' +
          'The runtime reports `invalid reference format`.',
        '',
        ...byDefault('IfNotPresent', 'it cannot parse the image (invalid reference format), and a parse error leaves the tag empty'),
      ],
    },
  ],
  'image: ""': [
    container('"|"'),
    {
      range: '""',
      markdown: [
        '**Image** ``',
        '',
        '**Invalid reference**: The image reference is empty. The runtime reports `invalid reference format`.',
        '',
        ...byDefault('IfNotPresent', 'it cannot parse the image (invalid reference format), and a parse error leaves the tag empty'),
      ],
    },
  ],
  'image: with no value, hovering the key': [
    pod('    - name: app\n      im|age:\n'),
    {
      range: 'image',
      markdown: [
        '**No image**: the container needs one.',
        '',
        ...byDefault('IfNotPresent', 'it cannot parse the image (invalid reference format), and a parse error leaves the tag empty'),
      ],
    },
  ],
  'imagePullPolicy value': [container('nginx:1', '      imagePullPolicy: Ne|ver\n'), { range: 'Never', markdown: explicit('Never') }],
  'imagePullPolicy key': [container('nginx:1', '      image|PullPolicy: IfNotPresent\n'), { range: 'IfNotPresent', markdown: explicit('IfNotPresent') }],
  'imagePullPolicy invalid': [
    container('nginx:1', '      imagePullPolicy: "Sometimes|"\n'),
    { range: '"Sometimes"', markdown: ['**imagePullPolicy `Sometimes` is invalid**: the API server accepts only Always, IfNotPresent or Never.'] },
  ],
  'imagePullPolicy in a flow mapping': [pod('    - {image: nginx, imagePullPolicy: |Never}\n'), { range: 'Never', markdown: explicit('Never') }],
  'imagePullPolicy without image': [pod('    - name: app\n      imagePullPolicy: |Always\n'), { range: 'Always', markdown: explicit('Always') }],
  'in a flow mapping': [
    pod('    - {name: app, image: redis:7|}\n'),
    {
      range: 'redis:7',
      markdown: [
        summary('docker.io/library/redis:7', 'IfNotPresent', false),

        '',
        ...byDefault('IfNotPresent', 'the tag :7 is not :latest'),
        '',
        NOT_PINNED,
        '',
        ...table(HUB, '`library/redis`', '`7`', NO_DIGEST),
      ],
    },
  ],
  'kustomize newName and newTag': [
    kustomization('  - name: nginx\n    newName: ghcr.io/acme/nginx\n    newTag: "1.2|5"\n'),
    {
      range: '"1.25"',
      markdown: [
        summary('ghcr.io/acme/nginx:1.25', null, false),
        '',
        '**kustomize** rewrites images named `nginx` to `ghcr.io/acme/nginx:1.25`',
        '',
        NOT_PINNED,
        '',
        ...table('`ghcr.io`', '`acme/nginx`', '`1.25`', NO_DIGEST),
      ],
    },
  ],
  'kustomize newName only': [
    kustomization('  - name: nginx\n    new|Name: ghcr.io/acme/nginx\n'),
    {
      range: 'ghcr.io/acme/nginx',
      markdown: ['**kustomize** rewrites images named `nginx` to `ghcr.io/acme/nginx`', '', 'No newTag or digest: each matched image keeps its own tag.'],
    },
  ],
  'kustomize digest, hovering name': [
    kustomization(`  - name: ngi|nx\n    digest: ${DIGEST}\n`),
    {
      range: 'nginx',
      markdown: [
        summary(`docker.io/library/nginx@${DIGEST}`, null, true),
        '',
        `**kustomize** rewrites images named \`nginx\` to \`nginx@${DIGEST}\``,
        '',
        PINNED,
        '',
        ...table(HUB, NGINX, '*none*', `\`${DIGEST}\``),
      ],
    },
  ],
  'kustomize entry without name': [
    kustomization('  - newTag: v|1\n'),
    { range: 'v1', markdown: ['**kustomize image override** without a `name`: it matches no image.'] },
  ],
  'kustomization.yaml without kind': [
    'images:\n  - name: nginx\n    newTag: "1.25|"\n',
    null, // Without the file name this is no kustomization; see the next test for the named file.
  ],
  // ko (ko.build): `ko resolve` and `ko apply` replace a ko:// value with the image they build (reference/ko.ts cites the docs).
  'a ko:// import path': [
    container('ko://knative.dev/serving/cmd/con|troller'),
    {
      range: 'ko://knative.dev/serving/cmd/controller',
      markdown: [
        '**Image** `ko://knative.dev/serving/cmd/controller`',
        '',
        "**ko** builds the Go package `knative.dev/serving/cmd/controller`: `ko resolve` and `ko apply` push the image to `$KO_DOCKER_REPO` and replace this value with the built image's reference, by digest.",
        '',
        'Until ko has run there is no registry to ask and no digest to pin.',
      ],
    },
  ],
  'a ko:// import path with a written policy': [
    container('ko://github.com/org/app/c|md', '      imagePullPolicy: Always\n'),
    {
      range: 'ko://github.com/org/app/cmd',
      markdown: [
        '**Image** `ko://github.com/org/app/cmd`',
        '',
        "**ko** builds the Go package `github.com/org/app/cmd`: `ko resolve` and `ko apply` push the image to `$KO_DOCKER_REPO` and replace this value with the built image's reference, by digest.",
        '',
        'Until ko has run there is no registry to ask and no digest to pin.',
        '',
        ...explicit('Always'),
      ],
    },
  ],
  'ko:// without an import path': [
    container('ko:/|/'),
    {
      range: 'ko://',
      markdown: ['**Image** `ko://`', '', '**Invalid**: "ko://" names no Go import path for ko to build, as in "ko://github.com/org/repo/cmd/app".'],
    },
  ],
  // Values YAML does not read as a string: the hover is on the key, as for a missing value.
  'a number': [
    container('1.0').replace('image:', 'ima|ge:'),
    {
      range: 'image',
      markdown: ['**Image** `1.0`', '', 'The image must be a string, but YAML reads 1.0 as a number, so the API server rejects the object; quote it: "1.0".'],
    },
  ],
  'an unquoted Go template': [
    container('{{ .Values.image }}:{{ .Values.tag }}  # rendered by Helm').replace('image:', 'im|age:'),
    { range: 'image', markdown: ['**Image** `{{ .Values.image }}:{{ .Values.tag }}`', '', 'Contains a template placeholder; it is checked once rendered.'] },
  ],
  // No hover.
  'the name key': [pod('    - na|me: app\n      image: nginx\n'), null],
  'after the value, in a comment': [container('nginx # the |web server'), null],
  metadata: [pod('    - image: nginx\n').replace('name: web', 'name: w|eb'), null],
  'a non-manifest': ['apiVersion: v1\nkind: ConfigMap\ndata:\n  image: ngi|nx\n', null],
  'a CRD that reuses the Deployment kind': [
    'apiVersion: example.com/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: ngi|nx\n',
    null,
  ],
  'an empty file': ['|', null],
};

for (const [name, [input, expected]] of Object.entries(cases)) {
  test(`hover: ${name}`, () => check(input, expected));
}

test('hover: a kustomization.yaml file without kind', () => {
  const { text, offset } = caret('images:\n  - name: nginx\n    newTag: latest|\n');
  const hover = computeHover(analyzeText(text, 'base/kustomization.yaml'), offset);
  assert.ok(hover);
  assert.equal(text.slice(hover.start, hover.end), 'latest');
  assert.deepEqual(hover.markdown.split('\n').slice(0, 3), [
    '`docker.io/library/nginx:latest` · not pinned',
    '',
    '**kustomize** rewrites images named `nginx` to `nginx:latest`',
  ]);
});

test('hover: offsets are absolute in a later document', () => {
  const first = pod('    - image: nginx\n');
  const { text, offset } = caret(`${first}---\n${pod('    - image: redis:|7\n')}`);
  const hover = computeHover(analyzeText(text), offset);
  assert.ok(hover);
  assert.equal(hover.start, text.lastIndexOf('redis:7'));
  assert.equal(hover.end, text.lastIndexOf('redis:7') + 'redis:7'.length);
});

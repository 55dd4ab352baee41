/**
 * YAML that is legal but unusual, or broken in the ways editors see while someone types: the analysis
 * must never throw and must find each image value at its exact source span (quotes included, UTF-16
 * offsets, CRLF kept). Inputs mark expected image values with ⟦…⟧ (see summarize.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import { summarize, unmark } from './summarize';

const LIMIT = 8 * 1024 * 1024;

interface Expected {
  /** Container summary lines, as summarize() writes them. */
  readonly containers: string[];
  /** Finding lines (`code "source"`); checked only when given. */
  readonly findings?: string[];
  /** How many documents the file splits into; checked only when given. */
  readonly documents?: number;
}

function check(marked: string, expected: Expected): void {
  const { text, spans } = unmark(marked);
  const analysis = analyze(text, { maxFileSize: LIMIT });
  const summary = summarize(analysis);
  assert.deepEqual(summary.containers, expected.containers);
  // Containers that share an image through an alias share its span: each span is marked once.
  const unique = summary.valueSpans.filter((s, i, all) => i === 0 || s.start !== all[i - 1].start || s.end !== all[i - 1].end);
  assert.deepEqual(unique, spans, 'image value spans must be exactly the ⟦marked⟧ ones');
  if (expected.findings) assert.deepEqual(summary.findings, expected.findings);
  if (expected.documents !== undefined) assert.equal(analysis.documents.length, expected.documents);
}

/** A Pod whose container list is `body`, which is indented for a `containers:` key at column 2. */
function pod(body: string, name = 'p'): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n${body}`;
}

test('multi-document stream: comments on markers, `...`, a %YAML directive, empty and comment-only documents', () => {
  const yaml = [
    '# leading comment, part of the first document',
    '--- # first',
    pod('  - name: a\n    image: ⟦nginx:1.25⟧', 'one'),
    '...',
    '%YAML 1.2',
    '---',
    pod('  - name: b\n    image: ⟦"redis:7"⟧', 'two'),
    '---',
    '---   ',
    '# only a comment',
    '---',
    '...',
    '--- # last',
    pod('  - name: c\n    image: ⟦alpine:3.19⟧ # trailing comment', 'three'),
    '',
  ].join('\n');
  check(yaml, {
    containers: [
      'Pod/one spec.containers[0] name="a" image="nginx:1.25" pull=-',
      'Pod/two spec.containers[0] name="b" image="redis:7" src="\\"redis:7\\"" pull=-',
      'Pod/three spec.containers[0] name="c" image="alpine:3.19" pull=-',
    ],
    documents: 6,
  });
});

test('`---` and `...` inside a block scalar at column 0 are markers, not content', () => {
  // YAML forbids document markers at column 0 inside a scalar, so the ConfigMap ends at `---`.
  const yaml = `kind: ConfigMap\ndata:\n  a: |\n    x\n---\n${pod('  - image: ⟦busybox⟧')}\n`;
  check(yaml, { containers: ['Pod/p spec.containers[0] name=- image="busybox" pull=-'], documents: 2 });
});

test('flow-style containers on one line and across lines', () => {
  check(pod('  - {name: a, image: ⟦"x:1"⟧}\n  - {name: b, image: ⟦y:2⟧, imagePullPolicy: Never}'), {
    containers: ['Pod/p spec.containers[0] name="a" image="x:1" src="\\"x:1\\"" pull=-', 'Pod/p spec.containers[1] name="b" image="y:2" pull="Never"'],
  });
  check('kind: Pod\napiVersion: v1\nspec:\n  containers: [{name: a, image: ⟦"x:1"⟧}, {name: b, image: ⟦\'y:2\'⟧}]\n', {
    containers: ['Pod spec.containers[0] name="a" image="x:1" src="\\"x:1\\"" pull=-', 'Pod spec.containers[1] name="b" image="y:2" src="\'y:2\'" pull=-'],
  });
  check(
    'kind: Pod\napiVersion: v1\nspec:\n  containers: [\n    {name: a,  # first\n     image: ⟦nginx:1⟧},\n    {\n      "name": "b",\n      "image": ⟦"redis:7"⟧\n    }\n  ]\n',
    {
      containers: ['Pod spec.containers[0] name="a" image="nginx:1" pull=-', 'Pod spec.containers[1] name="b" image="redis:7" src="\\"redis:7\\"" pull=-'],
    },
  );
  check('{"kind": "Pod", "apiVersion": "v1", "spec": {"containers": [{"name": "json", "image": ⟦"nginx:1.25"⟧}]}}\n', {
    containers: ['Pod spec.containers[0] name="json" image="nginx:1.25" src="\\"nginx:1.25\\"" pull=-'],
  });
});

test('quoted scalars: the span includes the quotes; escapes and doubled quotes are decoded', () => {
  check(
    pod(
      [
        "  - image: ⟦'nginx:1'⟧",
        '  - image: ⟦"nginx:2"⟧',
        "  - image: ⟦'it''s:3'⟧",
        '  - image: ⟦"nginx\\u003a4"⟧',
        '  - image: ⟦"nginx:5"⟧   # a comment',
        "  - image:    ⟦'nginx:6'⟧",
      ].join('\n'),
    ),
    {
      containers: [
        `Pod/p spec.containers[0] name=- image="nginx:1" src="'nginx:1'" pull=-`,
        'Pod/p spec.containers[1] name=- image="nginx:2" src="\\"nginx:2\\"" pull=-',
        `Pod/p spec.containers[2] name=- image="it's:3" src="'it''s:3'" pull=-`,
        'Pod/p spec.containers[3] name=- image="nginx:4" src="\\"nginx\\\\u003a4\\"" pull=-',
        'Pod/p spec.containers[4] name=- image="nginx:5" src="\\"nginx:5\\"" pull=-',
        `Pod/p spec.containers[5] name=- image="nginx:6" src="'nginx:6'" pull=-`,
      ],
    },
  );
});

test('a quoted scalar spanning lines is folded', () => {
  check(pod('  - name: a\n    image: ⟦"registry.example.com/\n      team/app:1"⟧\n'), {
    containers: ['Pod/p spec.containers[0] name="a" image="registry.example.com/ team/app:1" src="\\"registry.example.com/\\n      team/app:1\\"" pull=-'],
  });
});

test('comments everywhere', () => {
  const yaml = [
    '# head',
    'apiVersion: v1 # v',
    '# between',
    'kind: Pod#not-a-comment',
    'kind: Pod # the last kind wins',
    'spec: # s',
    '  # indented comment',
    '  containers: # c',
    '# column-0 comment inside the block',
    '  - # dash comment',
    '    name: a # n',
    '    image: ⟦nginx:1#no-comment⟧ # yes-comment',
    '      # deeper comment',
    '  -   image: ⟦redis:7⟧',
    '      # shallower than the key, deeper than the dash',
    '      name: b',
    '# tail',
  ].join('\n');
  check(yaml, {
    containers: ['Pod spec.containers[0] name="a" image="nginx:1#no-comment" pull=-', 'Pod spec.containers[1] name="b" image="redis:7" pull=-'],
  });
});

test('anchors and aliases: the span is the anchored text, and an aliased container is reported once', () => {
  check(pod('  - name: a\n    image: &img ⟦nginx:1.25⟧\n  - name: b\n    image: *img\n'), {
    containers: ['Pod/p spec.containers[0] name="a" image="nginx:1.25" pull=-', 'Pod/p spec.containers[1] name="b" image="nginx:1.25" pull=-'],
    findings: ['not-pinned "nginx:1.25"', 'not-pinned "nginx:1.25"'],
  });
  check(pod('  - &c\n    name: a\n    image: ⟦redis:7⟧\n  - *c\n'), {
    containers: ['Pod/p spec.containers[0] name="a" image="redis:7" pull=-'],
  });
  const merge = [
    'base: &base',
    '  image: ⟦nginx:1.25⟧',
    '  imagePullPolicy: Always',
    'apiVersion: v1',
    'kind: Pod',
    'spec:',
    '  containers:',
    '  - <<: *base',
    '    name: merged',
    '  - <<: *base',
    '    name: overridden',
    '    image: ⟦nginx:1.26⟧',
    '  - <<: [{image: ⟦first:1⟧}, {image: second:1}]',
    '    name: list',
    '',
  ].join('\n');
  check(merge, {
    containers: [
      'Pod spec.containers[0] name="merged" image="nginx:1.25" pull="Always"',
      'Pod spec.containers[1] name="overridden" image="nginx:1.26" pull="Always"',
      'Pod spec.containers[2] name="list" image="first:1" pull=-',
    ],
  });
});

test('a container whose last entry is an alias ends at the alias, not at the anchored text', () => {
  const text = pod(
    '  - name: a\n    image: &img nginx:1\n  - name: b\n    image: *img\n  - name: c\n    env: &env [{name: X}]\n  - name: d\n    env: *env # c\n',
  );
  const containers = analyze(text, { maxFileSize: LIMIT }).documents[0].analysis.fields.containers;
  assert.deepEqual(
    containers.map((c) => text.slice(c.start, c.end)),
    ['name: a\n    image: &img nginx:1', 'name: b\n    image: *img', 'name: c\n    env: &env [{name: X}]', 'name: d\n    env: *env'],
  );
});

test('an anchor on a whole pod spec shared by two workloads reports each container once per document', () => {
  const yaml = [
    'kind: List',
    'items:',
    '- kind: Pod',
    '  apiVersion: v1',
    '  metadata: {name: a}',
    '  spec: &spec',
    '    containers:',
    '    - image: ⟦nginx:1⟧',
    '- kind: Pod',
    '  apiVersion: v1',
    '  metadata: {name: b}',
    '  spec: *spec',
    '',
  ].join('\n');
  check(yaml, { containers: ['Pod/a items[0].spec.containers[0] name=- image="nginx:1" pull=-'] });
});

test('CRLF line endings: spans are exact and exclude the CR', () => {
  const lf = [
    '--- # one',
    pod('  - name: a\n    image: ⟦nginx:1.25⟧\n    imagePullPolicy: Always\n  - name: b\n    image: ⟦"redis:7"⟧ # c\n  - {name: c, image: ⟦busybox⟧}'),
    '---',
    'kind: ConfigMap',
    'data:',
    '  script: |',
    '    echo hi',
    '',
    pod("  - name: d\n    image: ⟦'alpine:3'⟧", 'second'),
    '',
  ].join('\n');
  const crlf = lf.replace(/\n/g, '\r\n');
  check(crlf, {
    containers: [
      'Pod/p spec.containers[0] name="a" image="nginx:1.25" pull="Always"',
      'Pod/p spec.containers[1] name="b" image="redis:7" src="\\"redis:7\\"" pull=-',
      'Pod/p spec.containers[2] name="c" image="busybox" pull=-',
      `Pod/second spec.containers[0] name="d" image="alpine:3" src="'alpine:3'" pull=-`,
    ],
    documents: 2,
  });
  // The ConfigMap and the second Pod are one document (no `---` between them), so the second
  // `kind` wins and its spec is read.
  const { text } = unmark(crlf);
  assert.ok(!analyze(text, { maxFileSize: LIMIT }).documents.some((d) => d.analysis.findings.some((f) => f.code === 'yaml-syntax')));
});

test('CRLF with a lone CR and a final line without a break', () => {
  check(
    pod('  - name: a\r\n    image: ⟦nginx:1⟧\r\n  - name: b\r\n    image: ⟦redis:7⟧')
      .replace(/\n(?!\r)/g, '\r\n')
      .replace(/\r\r/g, '\r'),
    {
      containers: ['Pod/p spec.containers[0] name="a" image="nginx:1" pull=-', 'Pod/p spec.containers[1] name="b" image="redis:7" pull=-'],
    },
  );
});

test('tabs: allowed as separators, never as indentation (no crash; yaml-syntax or nothing)', () => {
  // A tab after the colon and before a comment is fine.
  check(pod('  - name:\ta\n    image:\t⟦nginx:1⟧\t# tab\n'), { containers: ['Pod/p spec.containers[0] name="a" image="nginx:1" pull=-'] });
  // A tab used as indentation is a syntax error in YAML: the slow path reports it where it is,
  // and keeps what it could read.
  // The image is on the broken line, so the container is not said to have none.
  check(pod('  - name: a\n\timage: nginx:1\n'), {
    containers: ['Pod/p spec.containers[0] name="a" image=- pull=-'],
    findings: ['yaml-syntax "\\t"'],
  });
  check(pod('\t- name: a\n    image: nginx:1\n'), { containers: [], findings: ['yaml-syntax "\\t"'] });
  check('apiVersion: v1\nkind: Pod\nspec:\n\tcontainers:\n\t- image: nginx\n', { containers: [], findings: ['yaml-syntax "\\t"'] });
  check(pod('  - name: a\n    image: ⟦nginx:1⟧\n  \t- name: b\n'), {
    containers: ['Pod/p spec.containers[0] name="a" image="nginx:1" pull=-', 'Pod/p spec.containers[1] name="b" image=- pull=-'],
    findings: ['not-pinned "nginx:1"', 'yaml-syntax "\\t"'],
  });
  for (const text of [pod('  - name: a\n\timage: nginx:1\n'), pod('\t- name: a\n')]) {
    assert.equal(analyze(text, { maxFileSize: LIMIT }).documents[0].analysis.parser, 'slow', 'the fast path must decline tab indentation');
  }
});

test('block scalars before and after image fields, and at the end of a container', () => {
  const yaml = pod(
    [
      '  - name: a',
      '    command:',
      '    - sh',
      '    - -c',
      '    - |',
      '      image: not-this-one',
      '      - image: nor-this',
      '',
      '      echo done',
      '    image: ⟦nginx:1⟧',
      '    args: >-',
      '      folded',
      '      image: no',
      '  - name: b',
      '    image: ⟦redis:7⟧',
      '    env:',
      '    - name: X',
      '      value: |+',
      '        keep',
      '',
      '',
      '  - name: c',
      '    script: |2',
      '        indented more than needed',
      '    image: ⟦busybox:1⟧',
      '',
    ].join('\n'),
  );
  check(yaml, {
    containers: [
      'Pod/p spec.containers[0] name="a" image="nginx:1" pull=-',
      'Pod/p spec.containers[1] name="b" image="redis:7" pull=-',
      'Pod/p spec.containers[2] name="c" image="busybox:1" pull=-',
    ],
  });
});

test('`image: |` block scalars: the value is decoded, the span is the whole scalar', () => {
  check(pod('  - name: literal\n    image: ⟦|-\n      nginx:1.25⟧\n  - name: folded\n    image: ⟦>\n      redis:7⟧\n  - name: after\n    image: ⟦alpine⟧\n'), {
    containers: [
      'Pod/p spec.containers[0] name="literal" image="nginx:1.25" src="|-\\n      nginx:1.25" pull=-',
      'Pod/p spec.containers[1] name="folded" image="redis:7\\n" src=">\\n      redis:7" pull=-',
      'Pod/p spec.containers[2] name="after" image="alpine" pull=-',
    ],
    findings: ['not-pinned "|-\\n      nginx:1.25"', 'invalid-reference ">\\n      redis:7"', 'implicit-latest "alpine"'],
  });
});

test('multi-line plain scalars are folded into one value', () => {
  check(pod('  - name: a\n    image: ⟦registry.example.com/team/app:1\n      more⟧\n  - name: b\n    image: ⟦nginx:1⟧\n'), {
    containers: [
      'Pod/p spec.containers[0] name="a" image="registry.example.com/team/app:1 more" src="registry.example.com/team/app:1\\n      more" pull=-',
      'Pod/p spec.containers[1] name="b" image="nginx:1" pull=-',
    ],
  });
});

test('compact nesting: `- - `, a map after `- ` at odd columns, containers at the key column', () => {
  check('kind: Pod\napiVersion: v1\nspec:\n containers:\n -   name: a\n     image: ⟦nginx:1⟧\n -  image: ⟦redis:7⟧\n    name: b\n', {
    containers: ['Pod spec.containers[0] name="a" image="nginx:1" pull=-', 'Pod spec.containers[1] name="b" image="redis:7" pull=-'],
  });
  // A sequence of sequences is not a container list: nothing to report, nothing thrown.
  check('kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - - name: a\n      image: nginx:1\n  - - image: redis\n', { containers: [], findings: [] });
  check('kind: List\nitems:\n- - kind: Pod\n    spec: {containers: [{image: nginx}]}\n', { containers: [], findings: [] });
});

test('keys at odd indentation', () => {
  const yaml = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'spec:',
    '   template:',
    '        spec:',
    '         containers:',
    '             - name: a',
    '               image: ⟦nginx:1⟧',
    '             -    name: b',
    '                  image: ⟦redis:7⟧',
    '         initContainers:',
    '         - name: c',
    '           image: ⟦busybox⟧',
    '',
  ].join('\n');
  check(yaml, {
    containers: [
      'Deployment spec.template.spec.containers[0] name="a" image="nginx:1" pull=-',
      'Deployment spec.template.spec.containers[1] name="b" image="redis:7" pull=-',
      'Deployment spec.template.spec.initContainers[0] name="c" image="busybox" pull=-',
    ],
  });
});

test('unicode: BMP and astral characters before the image shift UTF-16 offsets', () => {
  const yaml = [
    '# 🚀 déploiement — 部署 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: "🐳"',
    '  annotations: {note: "日本語 🎉🎉", "clé": 値}',
    'spec:',
    '  containers:',
    '  - name: 😀😀',
    '    image: ⟦nginx:1⟧ # 💥',
    '  - name: 中文',
    '    env: [{name: E, value: "𝄞𝄞𝄞"}]',
    '    image: ⟦"ghcr.io/acme/app:v1"⟧',
    '  - name: "quoted 🐙"',
    "    image: ⟦'redis:7'⟧",
    '',
  ].join('\n');
  check(yaml, {
    containers: [
      'Pod/🐳 spec.containers[0] name="😀😀" image="nginx:1" pull=-',
      'Pod/🐳 spec.containers[1] name="中文" image="ghcr.io/acme/app:v1" src="\\"ghcr.io/acme/app:v1\\"" pull=-',
      `Pod/🐳 spec.containers[2] name="quoted 🐙" image="redis:7" src="'redis:7'" pull=-`,
    ],
  });
  // Non-ASCII inside the image is an invalid reference, reported inside the value.
  check(pod('  - image: ⟦nginx:1.2😀⟧\n'), { containers: ['Pod/p spec.containers[0] name=- image="nginx:1.2😀" pull=-'] });
});

test('a byte-order mark at the start of the file', () => {
  check(`\uFEFF${pod('  - image: ⟦nginx:1⟧\n')}`, { containers: ['Pod/p spec.containers[0] name=- image="nginx:1" pull=-'] });
});

test('quoted keys: `"image": x` and `\'kind\': Pod`', () => {
  check(`"apiVersion": "v1"\n'kind': 'Pod'\n"spec":\n  "containers":\n  - "name": a\n    "image": ⟦nginx:1⟧\n  - 'image' : ⟦"redis:7"⟧\n`, {
    containers: ['Pod spec.containers[0] name="a" image="nginx:1" pull=-', 'Pod spec.containers[1] name=- image="redis:7" src="\\"redis:7\\"" pull=-'],
  });
});

test('explicit tags on values and collections', () => {
  check(pod('  - !!map\n    name: a\n    image: !!str ⟦nginx:1⟧\n'), { containers: ['Pod/p spec.containers[0] name="a" image="nginx:1" pull=-'] });
});

test('non-string scalars as images: numbers and booleans (as kubectl reads YAML) are no image string, quoted ones are', () => {
  check(pod('  - image: 123\n  - image: true\n  - image: 0x1F\n  - image: ⟦"123"⟧\n'), {
    containers: [
      'Pod/p spec.containers[0] name=- image=number:"123" pull=-',
      'Pod/p spec.containers[1] name=- image=boolean:"true" pull=-',
      'Pod/p spec.containers[2] name=- image=number:"0x1F" pull=-',
      'Pod/p spec.containers[3] name=- image="123" src="\\"123\\"" pull=-',
    ],
  });
});

test('empty documents and documents of only comments never throw', () => {
  for (const text of ['', '\n', '---', '---\n---\n', '...', '# only\n# comments\n', '---\n# c\n...\n---\n', '\r\n\r\n', '%YAML 1.2\n---\n', '   \n\t\n']) {
    const analysis = analyze(text, { maxFileSize: LIMIT });
    assert.deepEqual(
      analysis.documents.flatMap((d) => d.analysis.fields.containers),
      [],
      JSON.stringify(text),
    );
    assert.deepEqual(
      analysis.documents.flatMap((d) => d.analysis.findings),
      [],
      JSON.stringify(text),
    );
  }
});

test('half-typed manifests (what the editor sees mid-edit) never throw', () => {
  const full = pod('  - name: a\n    image: "nginx:1.25"\n    imagePullPolicy: Always\n  - {name: b, image: [x, {y: z}]}\n');
  for (let cut = 0; cut <= full.length; cut++) {
    const analysis = analyze(full.slice(0, cut), { maxFileSize: LIMIT });
    for (const doc of analysis.documents) {
      for (const c of doc.analysis.fields.containers) {
        if (c.image?.value) assert.ok(c.image.value.end <= cut, `span past the text at cut ${cut}`);
      }
    }
  }
});

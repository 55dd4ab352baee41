// Tokenizes YAML with vscode-textmate (the engine VS Code uses) and checks the scopes that
// syntaxes/image-reference.injection.json adds to image references and pull policies.
//
// The injection depends on how the YAML grammar underneath scopes things, so every case runs
// against several base grammars:
// - test/fixtures/grammars/yaml.tmLanguage.json: a small fixture with the structure of the YAML
//   grammar VS Code ships since late 2024 (plain scalars open with a zero-width begin);
// - test/fixtures/grammars/yaml-legacy.tmLanguage.json: one with the structure of the older
//   TextMate-bundle grammar (plain scalars consume their first character in the begin);
// - the real grammars from devDependencies: @codingame/monaco-vscode-yaml-default-extension
//   (VS Code's current YAML extension) and tm-grammars (grammars/yaml.json, the older grammar);
//   a missing one is a failing test, never a skip;
// - optionally the directory named by IMAGE_AWARE_YAML_SYNTAXES
//   (for example <VS Code>/resources/app/extensions/yaml/syntaxes).
// Besides the exact scopes on each value, every case checks that the injection only adds
// scopes: the YAML grammar's own scopes (keys, strings, punctuation, comments) stay as they are.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

// Compiled to out/test/syntaxes/grammar.test.js: the repository root is three levels up.
const ROOT = path.resolve(__dirname, '../../..');
const INJECTION_PATH = path.join(ROOT, 'syntaxes', 'image-reference.injection.json');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'grammars');
const INJECTION_SCOPE = 'image-aware.injection';

const REF = 'meta.image-reference.image-aware';
const REGISTRY = 'entity.name.namespace.registry.image-aware';
const PATH_SEP = 'punctuation.separator.path.image-aware';
const REPO = 'entity.name.type.repository.image-aware';
const TAG_SEP = 'punctuation.separator.tag.image-aware';
const TAG = 'constant.other.tag.image-aware';
const LATEST = 'constant.language.tag.latest.image-aware';
const DIGEST_SEP = 'punctuation.separator.digest.image-aware';
const DIGEST = 'constant.numeric.digest.image-aware';
const POLICY = 'support.constant.pull-policy.image-aware';

const HEX = '0123456789abcdef'.repeat(4);
const SHA = `sha256:${HEX}`;

/** A run of text and the image-aware scopes on it, outermost first. */
type Expect = [text: string, scopes: string[]];
const ref = (text: string, scope: string): Expect => [text, [REF, scope]];

/**
 * The last line of `doc` is the one checked; earlier lines give it context. `expect` lists
 * every run of that line that carries image-aware scopes, in order (adjacent tokens with the
 * same image-aware scopes are merged, so token splits made by the base grammar do not matter).
 */
interface Case {
  name: string;
  doc: string;
  expect: Expect[];
}

const POD = 'spec:\n  containers:\n    - name: web\n';
const KUSTOMIZATION = 'images:\n  - name: nginx\n';

const CASES: Case[] = [
  {
    name: 'plain value: repository and tag, no registry',
    doc: POD + '      image: nginx:1.25',
    expect: [ref('nginx', REPO), ref(':', TAG_SEP), ref('1.25', TAG)],
  },
  {
    name: 'double-quoted value',
    doc: POD + '      image: "ghcr.io/org/app:v1.2.3"',
    expect: [ref('ghcr.io', REGISTRY), ref('/', PATH_SEP), ref('org/app', REPO), ref(':', TAG_SEP), ref('v1.2.3', TAG)],
  },
  {
    name: 'single-quoted value',
    doc: POD + "      image: 'quay.io/org/app:v1'",
    expect: [ref('quay.io', REGISTRY), ref('/', PATH_SEP), ref('org/app', REPO), ref(':', TAG_SEP), ref('v1', TAG)],
  },
  {
    name: 'double-quoted key',
    doc: POD + '      "image": "nginx:1.25"',
    expect: [ref('nginx', REPO), ref(':', TAG_SEP), ref('1.25', TAG)],
  },
  {
    name: 'single-quoted key, plain value',
    doc: POD + "      'image': nginx:1.25",
    expect: [ref('nginx', REPO), ref(':', TAG_SEP), ref('1.25', TAG)],
  },
  {
    name: 'value followed by a comment: the comment gets nothing',
    doc: POD + '      image: nginx:1.25 # pinned, was image: nginx:1.24',
    expect: [ref('nginx', REPO), ref(':', TAG_SEP), ref('1.25', TAG)],
  },
  {
    name: 'quoted value followed by a comment',
    doc: POD + '      image: "nginx:1.25"  # pinned',
    expect: [ref('nginx', REPO), ref(':', TAG_SEP), ref('1.25', TAG)],
  },
  {
    name: 'comment line that looks like an image field gets nothing',
    doc: POD + '      # image: nginx:1.25',
    expect: [],
  },
  {
    name: 'comment holding a flow mapping with an image field gets nothing',
    doc: POD + '      # e.g. {image: nginx:1.25}',
    expect: [],
  },
  {
    name: 'comment at column 0 gets nothing',
    doc: '# image: nginx',
    expect: [],
  },
  {
    name: 'key right after a sequence dash',
    doc: 'spec:\n  initContainers:\n    - image: busybox:1.36',
    expect: [ref('busybox', REPO), ref(':', TAG_SEP), ref('1.36', TAG)],
  },
  {
    name: 'key after nested sequence dashes',
    doc: 'matrix:\n  - - image: alpine',
    expect: [ref('alpine', REPO)],
  },
  {
    name: 'flow mapping inside a flow sequence',
    doc: 'spec:\n  containers: [{name: a, image: nginx:1.0}]',
    expect: [ref('nginx', REPO), ref(':', TAG_SEP), ref('1.0', TAG)],
  },
  {
    name: 'flow mapping, quoted value first',
    doc: 'container: {image: "a.io/b:c", name: x}',
    expect: [ref('a.io', REGISTRY), ref('/', PATH_SEP), ref('b', REPO), ref(':', TAG_SEP), ref('c', TAG)],
  },
  {
    name: 'IPv6 registry with port (quoted: a plain scalar cannot start with "[")',
    doc: POD + '      image: "[::1]:5000/app:v1"',
    expect: [ref('[::1]:5000', REGISTRY), ref('/', PATH_SEP), ref('app', REPO), ref(':', TAG_SEP), ref('v1', TAG)],
  },
  {
    name: 'digest',
    doc: POD + `      image: ghcr.io/org/app@${SHA}`,
    expect: [ref('ghcr.io', REGISTRY), ref('/', PATH_SEP), ref('org/app', REPO), ref('@', DIGEST_SEP), ref(SHA, DIGEST)],
  },
  {
    name: 'tag and digest',
    doc: POD + `      image: "nginx:1.25@${SHA}"`,
    expect: [ref('nginx', REPO), ref(':', TAG_SEP), ref('1.25', TAG), ref('@', DIGEST_SEP), ref(SHA, DIGEST)],
  },
  {
    name: 'localhost with a port is the registry',
    doc: POD + '      image: localhost:5000/app:1.0',
    expect: [ref('localhost:5000', REGISTRY), ref('/', PATH_SEP), ref('app', REPO), ref(':', TAG_SEP), ref('1.0', TAG)],
  },
  {
    name: 'localhost without a port is the registry',
    doc: POD + '      image: localhost/app',
    expect: [ref('localhost', REGISTRY), ref('/', PATH_SEP), ref('app', REPO)],
  },
  {
    name: 'bare localhost is a repository',
    doc: POD + '      image: localhost',
    expect: [ref('localhost', REPO)],
  },
  {
    name: 'host name with a port but no dot is the registry',
    doc: POD + '      image: myregistry:5000/team/app',
    expect: [ref('myregistry:5000', REGISTRY), ref('/', PATH_SEP), ref('team/app', REPO)],
  },
  {
    name: 'first component without dot, colon or upper case is part of the repository',
    doc: POD + '      image: library/nginx:stable-alpine',
    expect: [ref('library/nginx', REPO), ref(':', TAG_SEP), ref('stable-alpine', TAG)],
  },
  {
    name: 'first component with an upper-case letter is the registry',
    doc: POD + '      image: MyRegistry/app',
    expect: [ref('MyRegistry', REGISTRY), ref('/', PATH_SEP), ref('app', REPO)],
  },
  {
    name: 'repository with separators and a dotted single component',
    doc: POD + '      image: registry.k8s.io/kube-state-metrics/kube_state__metrics.x:v2.10.0',
    expect: [
      ref('registry.k8s.io', REGISTRY),
      ref('/', PATH_SEP),
      ref('kube-state-metrics/kube_state__metrics.x', REPO),
      ref(':', TAG_SEP),
      ref('v2.10.0', TAG),
    ],
  },
  {
    name: 'latest tag is marked specially',
    doc: POD + '      image: nginx:latest',
    expect: [ref('nginx', REPO), ref(':', TAG_SEP), ref('latest', LATEST)],
  },
  {
    name: 'latest inside a longer tag is an ordinary tag',
    doc: POD + '      image: nginx:latest-alpine',
    expect: [ref('nginx', REPO), ref(':', TAG_SEP), ref('latest-alpine', TAG)],
  },
  {
    name: 'trailing blanks after the value',
    doc: POD + '      image: nginx   ',
    expect: [ref('nginx', REPO)],
  },
  {
    name: 'other keys holding image-like values get nothing',
    doc: POD + '      name: nginx:1.0',
    expect: [],
  },
  {
    name: 'keys that only contain "image" get nothing',
    doc: POD + '      sidecarImage: nginx:1.0\n      image_name: nginx:1.0\n      imageName: nginx',
    expect: [],
  },
  {
    name: '"image:" inside another key\'s string gets nothing',
    doc: POD + '      command: "echo image: nginx"',
    expect: [],
  },
  {
    name: '"image:" after a comma inside another key\'s plain scalar gets nothing',
    doc: POD + '      args: echo a, image: nginx',
    expect: [],
  },
  {
    name: 'templated value gets nothing',
    doc: POD + '      image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
    expect: [],
  },
  {
    name: 'variable value gets nothing',
    doc: POD + '      image: ${REGISTRY}/app:1.0',
    expect: [],
  },
  {
    name: 'upper-case repository without a registry gets nothing',
    doc: POD + '      image: Nginx:1.0',
    expect: [],
  },
  {
    name: 'digest with too few hex digits gets nothing',
    doc: POD + '      image: nginx@sha256:abc123',
    expect: [],
  },
  {
    name: 'tag longer than 128 characters gets nothing',
    doc: POD + `      image: nginx:${'a'.repeat(129)}`,
    expect: [],
  },
  {
    name: 'block scalar content gets nothing',
    doc: 'data:\n  pod.yaml: |\n    image: nginx:1.25',
    expect: [],
  },
  {
    name: 'imagePullPolicy: Always',
    doc: POD + '      imagePullPolicy: Always',
    expect: [['Always', [POLICY]]],
  },
  {
    name: 'imagePullPolicy: IfNotPresent (double-quoted)',
    doc: POD + '      imagePullPolicy: "IfNotPresent"',
    expect: [['IfNotPresent', [POLICY]]],
  },
  {
    name: 'imagePullPolicy: Never (single-quoted, with a comment)',
    doc: POD + "      imagePullPolicy: 'Never' # offline",
    expect: [['Never', [POLICY]]],
  },
  {
    name: 'imagePullPolicy with an unknown value gets nothing',
    doc: POD + '      imagePullPolicy: Sometimes',
    expect: [],
  },
  {
    name: 'imagePullPolicy with a wrongly cased value gets nothing',
    doc: POD + '      imagePullPolicy: always',
    expect: [],
  },
  {
    name: 'kustomization newName',
    doc: KUSTOMIZATION + '    newName: my.registry.io/team/nginx',
    expect: [ref('my.registry.io', REGISTRY), ref('/', PATH_SEP), ref('team/nginx', REPO)],
  },
  {
    name: 'kustomization newTag (a number to YAML)',
    doc: KUSTOMIZATION + '    newTag: 1.25',
    expect: [ref('1.25', TAG)],
  },
  {
    name: 'kustomization newTag latest',
    doc: KUSTOMIZATION + '    newTag: "latest"',
    expect: [ref('latest', LATEST)],
  },
  {
    name: 'kustomization digest',
    doc: KUSTOMIZATION + `    digest: ${SHA}`,
    expect: [ref(SHA, DIGEST)],
  },
  {
    name: 'digest key with a non-digest value gets nothing',
    doc: 'status:\n  digest: not-a-digest',
    expect: [],
  },
];

// ---------------------------------------------------------------------------------------------
// Base grammars

type Style = 'current' | 'legacy';

interface BaseGrammar {
  name: string;
  /** How plain scalars are opened; decides what "only adds scopes" may tolerate. */
  style: Style;
  /** scopeName -> file */
  files: Map<string, string>;
}

interface Unavailable {
  name: string;
  missing: string;
}

function grammarFilesIn(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir)) {
    if (!entry.endsWith('.json')) continue;
    const file = path.join(dir, entry);
    let scopeName: unknown;
    try {
      scopeName = (JSON.parse(fs.readFileSync(file, 'utf8')) as { scopeName?: unknown }).scopeName;
    } catch {
      continue;
    }
    if (typeof scopeName === 'string' && scopeName.startsWith('source.yaml')) files.set(scopeName, file);
  }
  return files;
}

function styleOf(files: Map<string, string>): Style {
  return files.has('source.yaml.1.2') ? 'current' : 'legacy';
}

function tryResolve(request: string): string | undefined {
  try {
    return require.resolve(request);
  } catch {
    return undefined;
  }
}

function baseGrammars(): Array<BaseGrammar | Unavailable> {
  const result: Array<BaseGrammar | Unavailable> = [
    {
      name: 'fixture with the current VS Code YAML grammar structure',
      style: 'current',
      files: new Map([['source.yaml', path.join(FIXTURES, 'yaml.tmLanguage.json')]]),
    },
    {
      name: 'fixture with the legacy VS Code YAML grammar structure',
      style: 'legacy',
      files: new Map([['source.yaml', path.join(FIXTURES, 'yaml-legacy.tmLanguage.json')]]),
    },
  ];

  const envDir = process.env.IMAGE_AWARE_YAML_SYNTAXES;
  if (envDir) {
    // Asked for explicitly: a wrong directory is an error, not a skip.
    const files = grammarFilesIn(envDir);
    assert.ok(files.has('source.yaml'), `IMAGE_AWARE_YAML_SYNTAXES=${envDir} has no grammar with scopeName source.yaml`);
    result.push({ name: `YAML grammar from ${envDir}`, style: styleOf(files), files });
  }

  const current = tryResolve('@codingame/monaco-vscode-yaml-default-extension/resources/yaml.tmLanguage.json');
  if (current) {
    const files = grammarFilesIn(path.dirname(current));
    result.push({ name: 'VS Code YAML grammar (@codingame/monaco-vscode-yaml-default-extension)', style: styleOf(files), files });
  } else {
    result.push({
      name: 'VS Code YAML grammar (@codingame/monaco-vscode-yaml-default-extension)',
      missing: 'devDependency @codingame/monaco-vscode-yaml-default-extension is not installed: run npm ci',
    });
  }

  const legacy = tryResolve('tm-grammars/grammars/yaml.json');
  if (legacy) {
    result.push({ name: 'TextMate-bundle YAML grammar (tm-grammars)', style: 'legacy', files: new Map([['source.yaml', legacy]]) });
  } else {
    result.push({ name: 'TextMate-bundle YAML grammar (tm-grammars)', missing: 'devDependency tm-grammars is not installed: run npm ci' });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Tokenizing

let onigLib: Promise<vsctm.IOnigLib> | undefined;

function getOnigLib(): Promise<vsctm.IOnigLib> {
  if (!onigLib) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    const buffer = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    onigLib = oniguruma.loadWASM(buffer).then(() => ({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }));
  }
  return onigLib;
}

async function loadYaml(base: BaseGrammar, withInjection: boolean): Promise<vsctm.IGrammar> {
  const registry = new vsctm.Registry({
    onigLib: getOnigLib(),
    loadGrammar: async (scopeName) => {
      const file = scopeName === INJECTION_SCOPE ? INJECTION_PATH : base.files.get(scopeName);
      if (!file) return null;
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    // What VS Code does for a contributes.grammars entry with injectTo: ["source.yaml"].
    getInjections: (scopeName) => (withInjection && scopeName === 'source.yaml' ? [INJECTION_SCOPE] : undefined),
  });
  const grammar = await registry.loadGrammar('source.yaml');
  assert.ok(grammar, `could not load source.yaml for ${base.name}`);
  return grammar;
}

interface Token {
  text: string;
  scopes: string[];
}

function tokenize(grammar: vsctm.IGrammar, doc: string): Token[][] {
  let state = vsctm.INITIAL;
  return doc.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

const isOurs = (scope: string): boolean => scope.endsWith('.image-aware');

/** The runs of a line that carry image-aware scopes, adjacent equal runs merged. */
function imageRuns(tokens: Token[]): Expect[] {
  const runs: Expect[] = [];
  let previous: string[] | undefined;
  for (const token of tokens) {
    const ours = token.scopes.filter(isOurs);
    if (ours.length === 0) {
      previous = undefined;
      continue;
    }
    if (previous && previous.join(' ') === ours.join(' ')) {
      runs[runs.length - 1][0] += token.text;
    } else {
      runs.push([token.text, ours]);
    }
    previous = ours;
  }
  return runs;
}

/** Scopes per character of a line. */
function scopesPerChar(tokens: Token[]): string[][] {
  return tokens.flatMap((t) => Array.from(t.text, () => t.scopes));
}

/**
 * The injection must leave the YAML grammar's scopes alone, with two exceptions, both only on
 * characters that carry image-aware scopes: a value the YAML grammar reads as an implicit type
 * (`newTag: 1.25` is a float to YAML) loses that constant.* scope, since the injection's match
 * wins over the grammar's; and with the legacy grammar structure, where the injection has to take
 * over plain values at their first character, the string.unquoted.plain.* scope is missing too.
 */
const IMPLICIT_TYPE = /^constant\.(?:numeric|language\.(?:boolean|null))\..*\.yaml$/;

function assertOnlyAdds(plain: Token[][], injected: Token[][], style: Style): void {
  assert.equal(injected.length, plain.length);
  plain.forEach((baseLine, lineNo) => {
    const before = scopesPerChar(baseLine);
    const after = scopesPerChar(injected[lineNo]);
    assert.equal(after.length, before.length, `line ${lineNo}: length changed`);
    after.forEach((scopes, col) => {
      const ours = scopes.some(isOurs);
      const tolerated = (s: string) => ours && (IMPLICIT_TYPE.test(s) || (style === 'legacy' && s.startsWith('string.unquoted.plain.')));
      assert.deepEqual(
        scopes.filter((s) => !isOurs(s) && !tolerated(s)),
        before[col].filter((s) => !tolerated(s)),
        `line ${lineNo}, column ${col}: the YAML grammar's scopes changed`,
      );
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Tests

describe('image-reference injection grammar file', () => {
  const raw = JSON.parse(fs.readFileSync(INJECTION_PATH, 'utf8')) as {
    scopeName: string;
    injectionSelector: string;
    patterns: unknown[];
    repository: Record<string, unknown>;
  };

  it('declares the scope name and a left-priority selector for source.yaml that skips comments', () => {
    assert.equal(raw.scopeName, INJECTION_SCOPE);
    const parts = raw.injectionSelector.split(',').map((s) => s.trim());
    assert.ok(parts.length > 0);
    for (const part of parts) {
      assert.match(part, /^L:source\.yaml /);
      assert.match(part, / -comment( |$)/);
    }
  });

  it('only names scopes of its own (ending in .image-aware)', () => {
    const names: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if ((key === 'name' || key === 'contentName') && typeof value === 'string') names.push(...value.split(/\s+/));
          else walk(value);
        }
      }
    };
    walk(raw.patterns);
    walk(raw.repository);
    assert.ok(names.length > 0);
    assert.deepEqual(
      names.filter((n) => !isOurs(n)),
      [],
    );
  });

  it('tokenizes a 100 000-character line in linear time', async () => {
    // Unbounded look-behinds made this quadratic (over a minute); bounded ones take milliseconds.
    const base = baseGrammars()[0] as BaseGrammar;
    const grammar = await loadYaml(base, true);
    const long = 'x '.repeat(50_000);
    const started = Date.now();
    tokenize(grammar, `a: ${long}\nb: "${long}"\nc: [${'a, '.repeat(30_000)}b]`);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5_000, `took ${elapsed} ms`);
  });
});

for (const base of baseGrammars()) {
  describe(`injection over ${base.name}`, () => {
    if ('missing' in base) {
      it('has its grammar installed', () => assert.fail(base.missing));
      return;
    }
    let grammars: Promise<[vsctm.IGrammar, vsctm.IGrammar]> | undefined;
    const load = () => (grammars ??= Promise.all([loadYaml(base, false), loadYaml(base, true)]));

    for (const c of CASES) {
      it(c.name, async () => {
        const [plainGrammar, injectedGrammar] = await load();
        const injected = tokenize(injectedGrammar, c.doc);
        assert.deepEqual(imageRuns(injected[injected.length - 1]), c.expect);
        // Context lines carry no image scopes unless they are image fields themselves.
        for (const line of injected.slice(0, -1)) {
          const runs = imageRuns(line);
          if (runs.length > 0) assert.fail(`unexpected image scopes on a context line: ${JSON.stringify(runs)}`);
        }
        assertOnlyAdds(tokenize(plainGrammar, c.doc), injected, base.style);
      });
    }

    it('a whole manifest: every image field is scoped, nothing else', async () => {
      const [plainGrammar, injectedGrammar] = await load();
      const doc = [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web # image: not this',
        'spec:',
        '  template:',
        '    spec:',
        '      initContainers:',
        '        - name: init',
        `          image: "busybox@${SHA}"`,
        '      containers:',
        '        - name: app',
        '          image: registry.example.com:443/team/app:2.0.1',
        '          imagePullPolicy: IfNotPresent',
        '          args: ["--image", "nginx:1.0"]',
        '          env:',
        '            - name: IMAGE',
        '              value: nginx:1.0',
        '        - image: nginx',
        '          name: proxy',
      ].join('\n');
      const injected = tokenize(injectedGrammar, doc);
      const scoped = injected
        .map(
          (line, lineNo) =>
            [
              lineNo,
              imageRuns(line)
                .map(([text]) => text)
                .join(''),
            ] as const,
        )
        .filter(([, text]) => text !== '');
      assert.deepEqual(scoped, [
        [9, `busybox@${SHA}`],
        [12, 'registry.example.com:443/team/app:2.0.1'],
        [13, 'IfNotPresent'],
        [18, 'nginx'],
      ]);
      assertOnlyAdds(tokenize(plainGrammar, doc), injected, base.style);
    });
  });
}

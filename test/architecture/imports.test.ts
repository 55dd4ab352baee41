/**
 * Keeps the layering honest, like go-containerregistry's depcheck tests: the analysis core imports
 * only `yaml` and itself, only lsp/ speaks LSP, only client/ knows the VS Code API, and only
 * registry/ speaks HTTP (so credentials and TLS rules live in one place), only cluster/ knows
 * @kubernetes/client-node (the engine sees the Cluster port), and the adapters (registry/, cluster/,
 * tools/, scanners/) import none of each other: what they share is process/, the one process-group runner,
 * fs/, the file writing, and core/json, the reading of values of unknown shape; the registry client
 * imports nothing of the front ends; signatures/, the verifier, imports only the core and the Sigstore libraries
 * (for keyless bundles, only from the files that keyless.ts loads on demand).
 * It reads the sources, so it also catches `require()` and dynamic `import()`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1]);
}

function violations(dir: string, allowed: (specifier: string) => boolean): string[] {
  return sources(join(root, dir)).flatMap((file) =>
    importsOf(file)
      .filter((s) => !allowed(s))
      .map((s) => `${relative(root, file)} imports ${s}`),
  );
}

test('the core imports only yaml and relative paths', () => {
  const found = violations('server/src/core', (s) => s.startsWith('.') || s === 'yaml');
  assert.deepEqual(found, []);
  assert.ok(sources(join(root, 'server/src/core')).length > 10, 'the core sources were found');
});

/** The LSP protocol packages; vscode-languageserver-textdocument is a text utility, not the protocol. */
const LSP = /^vscode-languageserver(?:-protocol)?(?:\/|$)/;

test('only server/src/lsp imports vscode-languageserver', () => {
  const server = sources(join(root, 'server/src')).filter((f) => !f.includes(`${join('src', 'lsp')}`));
  const found = server.flatMap((f) =>
    importsOf(f)
      .filter((s) => LSP.test(s))
      .map((s) => `${relative(root, f)} imports ${s}`),
  );
  assert.deepEqual(found, []);
});

test('nothing outside client/ imports the vscode API', () => {
  const found = violations('server/src', (s) => s !== 'vscode' && !s.startsWith('vscode-languageclient'));
  assert.deepEqual(found, []);
});

test('only server/src/registry speaks HTTP', () => {
  const http = /^(node:)?(http|https|http2|net|tls)$|^undici/;
  const outside = [...sources(join(root, 'server/src')), ...sources(join(root, 'client/src'))].filter(
    (f) => !f.startsWith(join(root, 'server/src/registry') + sep),
  );
  const found = outside.flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    const imports = importsOf(f)
      .filter((s) => http.test(s))
      .map((s) => `${relative(root, f)} imports ${s}`);
    return /\bfetch\s*\(/.test(text) ? [...imports, `${relative(root, f)} calls fetch`] : imports;
  });
  assert.deepEqual(found, []);
});

/** What the engine may import from npm: YAML, and the Dockerfile parser with its text document. */
const ENGINE_LIBRARIES = new Set(['yaml', 'dockerfile-ast', 'vscode-languageserver-textdocument']);

test('the engine imports the core and itself, and only types from the ports (registry/, cluster/, tools/, scanners/), not the adapters', () => {
  const engine = sources(join(root, 'server/src/engine'));
  assert.ok(engine.length > 0, 'the engine sources were found');
  const src = join(root, 'server/src');
  const found = engine.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const typeOnly = new Set([...text.matchAll(/^\s*import\s+type\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]));
    return importsOf(file)
      .filter((s) => {
        if (ENGINE_LIBRARIES.has(s)) return false;
        if (!s.startsWith('.')) return true;
        const target = relative(src, resolve(dirname(file), s)).split(sep);
        if (target[0] === 'engine' || target[0] === 'core') return false;
        return !(['registry', 'cluster', 'tools', 'scanners'].includes(target[0]) && typeOnly.has(s));
      })
      .map((s) => `${relative(root, file)} imports ${s}`);
  });
  assert.deepEqual(found, []);
});

test('only server/src/cluster imports @kubernetes/client-node', () => {
  const outside = [...sources(join(root, 'server/src')), ...sources(join(root, 'client/src'))].filter(
    (f) => !f.startsWith(join(root, 'server/src/cluster') + sep),
  );
  const found = outside.flatMap((f) =>
    importsOf(f)
      .filter((s) => s.startsWith('@kubernetes/client-node'))
      .map((s) => `${relative(root, f)} imports ${s}`),
  );
  assert.deepEqual(found, []);
  assert.ok(
    sources(join(root, 'server/src/cluster')).some((f) => importsOf(f).includes('@kubernetes/client-node')),
    'the cluster adapter was found',
  );
});

/** The top folder of server/src that a relative import of `file` reaches. */
function folderReached(file: string, specifier: string): string {
  return relative(join(root, 'server/src'), resolve(dirname(file), specifier)).split(sep)[0];
}

/** Whether `specifier` in `file` is core/json, the one module of the core adapters may import: it imports nothing, and gives all layers one record. */
function reachesCoreJson(file: string, specifier: string): boolean {
  return specifier.startsWith('.') && resolve(dirname(file), specifier) === join(root, 'server/src/core/json');
}

test('server/src/fs, the file writing the CLI and the registry cache share, imports only Node built-ins and itself', () => {
  const fs = sources(join(root, 'server/src/fs'));
  assert.ok(fs.length > 0, 'the fs sources were found');
  const found = fs.flatMap((file) =>
    importsOf(file)
      .filter((s) => !s.startsWith('node:') && !(s.startsWith('.') && folderReached(file, s) === 'fs'))
      .map((s) => `${relative(root, file)} imports ${s}`),
  );
  assert.deepEqual(found, []);
});

test('the registry client imports only Node built-ins, itself, fs/, process/ and core/json (not the CLI, the LSP server or the engine)', () => {
  const found = sources(join(root, 'server/src/registry')).flatMap((file) =>
    importsOf(file)
      .filter((s) => !s.startsWith('node:') && !reachesCoreJson(file, s))
      .filter((s) => !(s.startsWith('.') && ['registry', 'fs', 'process'].includes(folderReached(file, s))))
      .map((s) => `${relative(root, file)} imports ${s}`),
  );
  assert.deepEqual(found, []);
});

test('the adapters import none of each other, only process/, fs/ and core/json; process/ imports Node built-ins and itself', () => {
  const src = join(root, 'server/src');
  const adapters = ['registry', 'cluster', 'tools', 'scanners'];
  const found = adapters.flatMap((adapter) =>
    sources(join(src, adapter)).flatMap((file) =>
      importsOf(file)
        .filter((s) => s.startsWith('.') && ![adapter, 'process', 'fs'].includes(folderReached(file, s)) && !reachesCoreJson(file, s))
        .map((s) => `${relative(root, file)} imports ${s}`),
    ),
  );
  assert.deepEqual(found, []);
  assert.deepEqual(
    violations('server/src/process', (s) => s.startsWith('node:') || s.startsWith('./')),
    [],
  );
  assert.deepEqual(importsOf(join(src, 'core/json.ts')), [], 'core/json, which the adapters share, imports nothing');
  for (const adapter of adapters) {
    assert.ok(
      sources(join(src, adapter)).some((file) => importsOf(file).some((s) => /\/process(\/group)?$/.test(s))),
      `${adapter}/ runs its programs through process/`,
    );
  }
});

test('signatures/ (the verifier the front ends hand the engine) imports the core, Node built-ins, itself and the Sigstore libraries', () => {
  const found = violations(
    'server/src/signatures',
    (s) => s.startsWith('node:') || s.startsWith('./') || s === '../core' || /^@sigstore\/(bundle|verify|protobuf-specs|tuf\/seeds\.json)$/.test(s),
  );
  assert.deepEqual(found, []);
  assert.ok(sources(join(root, 'server/src/signatures')).length > 0, 'the signatures sources were found');
});

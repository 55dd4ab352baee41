// ESLint (flat config) for the TypeScript sources, tests and benchmarks. Formatting is Prettier's
// (`npm run lint` runs both); these rules are the ones a formatter cannot check: promises that
// nobody awaits, import cycles, and imports that reach past a module folder's entry point.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The module folders: each is imported from outside only through its entry point (its index.ts),
 * so a folder can reorganise its files without touching its users. The cluster adapter is a second
 * entry point: it is loaded with a dynamic import and bundled apart (scripts/build.mjs).
 */
const MODULES = [
  'server/src/core',
  'server/src/engine',
  'server/src/registry',
  'server/src/tools',
  'server/src/scanners',
  'server/src/cluster',
  'server/src/process',
  'server/src/fs',
  'server/src/lsp',
  'server/src/cli',
  'client/src',
];
/** The adapters reach the core only through its record helper (test/architecture/imports.test.ts). */
const EXTRA_ENTRY_POINTS = new Set(['server/src/cluster/adapter', 'server/src/core/json']);

function moduleOf(path) {
  const rel = relative(root, path).split(sep).join('/');
  return MODULES.find((m) => rel === m || rel.startsWith(`${m}/`));
}

const entryPointImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports across module folders go through the folder entry point (index.ts).' },
    messages: { deep: '{{target}} is inside module {{module}}: import "{{entry}}" (its index.ts) instead.' },
    schema: [],
  },
  create(context) {
    const from = moduleOf(context.filename);
    if (from === undefined) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = resolve(dirname(context.filename), specifier).replace(/\.js$/, '');
      const module = moduleOf(target);
      if (module === undefined || module === from) return;
      const rel = relative(root, target).split(sep).join('/');
      if (rel === module || rel === `${module}/index` || EXTRA_ENTRY_POINTS.has(rel)) return;
      const entry = relative(dirname(context.filename), resolve(root, module)).split(sep).join('/');
      context.report({ node, messageId: 'deep', data: { target: rel, module, entry } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/e2e/tools/**', 'test/e2e/workspace*/**', 'examples/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    plugins: { 'import-x': importX, local: { rules: { 'entry-point-imports': entryPointImports } } },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } }, 'import-x/extensions': ['.ts'] },
    rules: {
      // node:test's test() returns a promise the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'import-x/no-cycle': 'error',
      'local/entry-point-imports': 'error',
    },
  },
  {
    // Tests and benchmarks look inside modules on purpose: they test a module's parts.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'local/entry-point-imports': 'off' },
  },
);

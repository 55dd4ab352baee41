/**
 * package.json as the Marketplace and VS Code read it: an icon vsce accepts (a 128×128 PNG), a
 * gallery banner, the semantic token legend the server announces, a walkthrough whose pages exist
 * and ship, completion events that name real commands and settings, every setting described with a
 * default, every command registered by the client or the server and every menu naming one, a
 * changelog entry for this version, a README whose screenshots and links to docs/ work in the clone
 * and never reach the VSIX broken, and a settings page that names every setting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SETTINGS, IMAGE_TOKEN_MODIFIERS, IMAGE_TOKEN_TYPES, parseSignatures, SCANNER_SETTINGS, VULNERABILITY_SEVERITIES } from '../../server/src/core';
import { DEFAULT_FIELD_MANAGER } from '../../server/src/engine';
import { COMMANDS } from '../../server/src/lsp/protocol';
import { SCANNER_NAMES } from '../../server/src/scanners/types';
import { TOOL_NAMES } from '../../server/src/tools/types';

const root = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string; altText?: string };
  completionEvents?: string[];
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${path} is a PNG`);
  assert.equal(bytes.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('the icon is a 128×128 PNG, and the gallery banner has a colour and a theme', () => {
  assert.equal(pkg.icon, 'docs/icon.png');
  assert.deepEqual(pngSize(resolve(root, pkg.icon)), { width: 128, height: 128 });
  assert.match(pkg.galleryBanner.color, /^#[0-9a-f]{6}$/i);
  assert.ok(['dark', 'light'].includes(pkg.galleryBanner.theme));
});

test('the walkthrough: 3–5 steps, each with a markdown page that exists, and completion events that name real commands and settings', () => {
  const [walkthrough, ...others] = pkg.contributes.walkthroughs;
  assert.equal(others.length, 0);
  assert.ok(walkthrough.id && walkthrough.title && walkthrough.description);
  const steps: Step[] = walkthrough.steps;
  assert.ok(steps.length >= 3 && steps.length <= 5, `${steps.length} steps`);
  const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const settings = new Set(Object.keys(pkg.contributes.configuration.properties));
  for (const step of steps) {
    assert.ok(step.media.markdown, `${step.id} has markdown media`);
    assert.match(step.media.markdown, /^docs\/walkthrough\/[a-z-]+\.md$/);
    assert.ok(existsSync(resolve(root, step.media.markdown)), `${step.media.markdown} exists`);
    for (const event of step.completionEvents ?? []) {
      const [kind, name] = event.split(/:(.*)/s);
      if (kind === 'onCommand' && name.startsWith('imageAware.')) assert.ok(commands.has(name), `${event}: a contributed command`);
      else if (kind === 'onSettingChanged') assert.ok(settings.has(name), `${event}: a contributed setting`);
      else assert.ok(['onCommand', 'onView', 'onContext', 'onLink'].includes(kind), `${event}: a known completion event`);
    }
    for (const [, target] of step.description.matchAll(/\]\(command:([\w.]+)/g)) {
      if (target.startsWith('imageAware.')) assert.ok(commands.has(target), `${step.id} links to ${target}, a contributed command`);
    }
  }
});

test('every command is contributed under the Image Aware category, and every setting has a description and a default', () => {
  for (const command of pkg.contributes.commands) {
    assert.equal(command.category, 'Image Aware', command.command);
    assert.ok(command.title, command.command);
  }
  for (const [key, setting] of Object.entries<Record<string, unknown>>(pkg.contributes.configuration.properties)) {
    assert.ok(typeof (setting.markdownDescription ?? setting.description) === 'string', `${key} has a description`);
    assert.ok('default' in setting, `${key} has a default`);
  }
  // The CLI and the client fall back to the engine's default when the setting is empty.
  assert.equal(pkg.contributes.configuration.properties['imageAware.apply.fieldManager'].default, DEFAULT_FIELD_MANAGER);
});

test('the client registers every contributed command the server does not announce, and menus name contributed commands', () => {
  const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const clientSources = sources(resolve(root, 'client/src'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const registered = new Set([...clientSources.matchAll(/registerCommand\(\s*'(imageAware\.[\w.]+)'/g)].map((m) => m[1]));
  // The language server announces these in executeCommandProvider; vscode-languageclient registers them.
  const fromServer: readonly string[] = Object.values(COMMANDS);
  assert.deepEqual([...registered].sort(), [...contributed].filter((c) => !fromServer.includes(c)).sort());
  for (const [menu, entries] of Object.entries<{ command: string }[]>(pkg.contributes.menus)) {
    for (const entry of entries) assert.ok(contributed.has(entry.command), `${menu}: ${entry.command} is contributed`);
  }
});

test('imageAware.build.tool offers auto and exactly the tools the adapters know', () => {
  assert.deepEqual(pkg.contributes.configuration.properties['imageAware.build.tool'].enum, ['auto', ...TOOL_NAMES]);
});

test("every imageAware.signatures field the core reads is a setting, and the settings' defaults read as the core's defaults", () => {
  const properties = pkg.contributes.configuration.properties;
  const contributed = Object.keys(properties).filter((key) => key.startsWith('imageAware.signatures.'));
  assert.deepEqual(contributed.map((key) => key.slice('imageAware.signatures.'.length)).sort(), Object.keys(DEFAULT_SETTINGS.signatures).sort());
  const defaults = Object.fromEntries(contributed.map((key) => [key.slice('imageAware.signatures.'.length), properties[key].default]));
  assert.deepEqual(parseSignatures(defaults), DEFAULT_SETTINGS.signatures);
});

test('imageAware.scan.scanner offers auto and exactly the scanners the adapters know, and the threshold every severity, as the core reads them', () => {
  const properties = pkg.contributes.configuration.properties;
  assert.deepEqual(properties['imageAware.scan.scanner'].enum, ['auto', ...SCANNER_NAMES]);
  assert.deepEqual(properties['imageAware.scan.scanner'].enum, SCANNER_SETTINGS);
  assert.equal(properties['imageAware.scan.scanner'].default, DEFAULT_SETTINGS.scan.scanner);
  assert.deepEqual(properties['imageAware.scan.threshold'].enum, VULNERABILITY_SEVERITIES);
  assert.equal(properties['imageAware.scan.threshold'].default, DEFAULT_SETTINGS.scan.threshold);
  assert.equal(properties['imageAware.scan.threshold'].enumDescriptions.length, VULNERABILITY_SEVERITIES.length);
  assert.equal(properties['imageAware.scan.scanner'].scope, 'machine-overridable');
});

test('the semantic token types and modifiers the server announces are contributed, each type with a standard super type and TextMate scopes', () => {
  const { semanticTokenTypes, semanticTokenModifiers, semanticTokenScopes } = pkg.contributes;
  assert.deepEqual(
    semanticTokenTypes.map((t: { id: string }) => t.id),
    [...IMAGE_TOKEN_TYPES],
  );
  assert.deepEqual(
    semanticTokenModifiers.map((m: { id: string }) => m.id),
    [...IMAGE_TOKEN_MODIFIERS],
  );
  // VS Code's standard token types: a theme without rules for ours colours them like these.
  const standard = ['namespace', 'type', 'enumMember', 'number', 'string', 'keyword', 'variable', 'property', 'label'];
  for (const type of semanticTokenTypes) {
    assert.ok(standard.includes(type.superType), `${type.id} has a standard super type`);
    assert.ok(type.description, `${type.id} has a description`);
  }
  // One mapping for every language: whichever file the analysis reads, its tokens get these scopes.
  assert.equal(semanticTokenScopes.length, 1);
  assert.equal(semanticTokenScopes[0].language, undefined);
  const selectors = Object.keys(semanticTokenScopes[0].scopes);
  for (const type of IMAGE_TOKEN_TYPES) assert.ok(selectors.includes(type), `${type} maps to TextMate scopes`);
  for (const selector of selectors) {
    const [type, ...modifiers] = selector.split('.');
    assert.ok(
      (IMAGE_TOKEN_TYPES as readonly string[]).includes(type) && modifiers.every((m) => (IMAGE_TOKEN_MODIFIERS as readonly string[]).includes(m)),
      selector,
    );
  }
});

test('CHANGELOG.md has an entry for the version in package.json', () => {
  const changelog = readFileSync(resolve(root, 'CHANGELOG.md'), 'utf8');
  assert.ok(changelog.includes(`\n## ${pkg.version}\n`), `## ${pkg.version} in CHANGELOG.md`);
});

test('CHANGELOG.md links only to absolute URLs: vsce refuses to package relative links without a repository URL', () => {
  const changelog = readFileSync(resolve(root, 'CHANGELOG.md'), 'utf8');
  const relative = [...changelog.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]).filter((target) => !/^https?:\/\//.test(target));
  assert.deepEqual(relative, []);
});

/** README.md as the VSIX ships it: scripts/marketplace-readme.mjs is an ES module, so it is imported, not required. */
async function loadMarketplaceReadme(): Promise<(text: string) => string> {
  const script = await import(pathToFileURL(resolve(root, 'scripts/marketplace-readme.mjs')).href);
  return script.marketplaceReadme;
}

test('README.md: its screenshots exist; the README that ships names them instead of linking images it cannot show', async () => {
  const marketplaceReadme = await loadMarketplaceReadme();
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(images, [
    'docs/hover.png',
    'docs/quick-fix.png',
    'docs/uppercase-fix.png',
    'docs/problems.png',
    'docs/registry-status.png',
    'docs/tag-completion.png',
    'docs/apply-diff.png',
  ]);
  for (const image of images) assert.ok(existsSync(resolve(root, image)), `${image} exists`);
  const shipped = marketplaceReadme(readme);
  assert.doesNotMatch(shipped, /!\[/, 'no image left');
  for (const image of images) assert.ok(shipped.includes(`Screenshot \`${image}\``), `${image} is named`);
  assert.equal(shipped.split('\n').length, readme.split('\n').length, 'everything else is README.md as it is');
});

test('README.md links every page of docs/, and the README that ships names each page instead of a link that cannot open', async () => {
  const marketplaceReadme = await loadMarketplaceReadme();
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const links = new Set([...readme.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s#]+)(?:#[^)\s]*)?\)/g)].map((m) => m[1]));
  const pages = readdirSync(resolve(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  assert.ok(pages.length > 0);
  for (const page of pages) assert.ok(links.has(page), `README.md links ${page}`);
  const shipped = marketplaceReadme(readme);
  for (const page of pages) assert.ok(shipped.includes(`\`${page}\``), `${page} is named`);
  assert.doesNotMatch(shipped, /\]\((?![a-z][a-z0-9+.-]*:|#)/i, 'no relative link left');
});

test('marketplaceReadme turns relative links into the file they name, keeps links it can follow, and refuses links it cannot rewrite', async () => {
  const marketplaceReadme = await loadMarketplaceReadme();
  assert.equal(marketplaceReadme('See [the CLI](docs/cli.md).'), 'See the CLI (`docs/cli.md`).');
  assert.equal(marketplaceReadme('See [docs/cli.md](docs/cli.md#pin).'), 'See `docs/cli.md`.');
  assert.equal(marketplaceReadme('See [`CONTRIBUTING.md`](CONTRIBUTING.md).'), 'See `CONTRIBUTING.md`.');
  const kept = 'See [the spec](https://example.com/spec.md), [below](#settings) and [mail](mailto:a@example.com).';
  assert.equal(marketplaceReadme(kept), kept);
  assert.throws(() => marketplaceReadme('<a href="docs/cli.md">CLI</a>'), /not <a href>/);
  assert.throws(() => marketplaceReadme('See [the CLI][cli].\n\n[cli]: docs/cli.md\n'), /inline links/);
  assert.throws(() => marketplaceReadme('<img src="docs/hover.png">'), /not <img>/);
});

test('every screenshot in docs/ is shown by README.md or a page of docs/', () => {
  const texts = [
    'README.md',
    ...readdirSync(resolve(root, 'docs'))
      .filter((n) => n.endsWith('.md'))
      .map((n) => `docs/${n}`),
  ].map((file) => ({
    file,
    text: readFileSync(resolve(root, file), 'utf8'),
  }));
  const shown = new Set<string>();
  for (const { file, text } of texts) {
    for (const [, target] of text.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const path = join(dirname(file), target);
      assert.ok(existsSync(resolve(root, path)), `${file}: ${target} exists`);
      shown.add(path);
    }
  }
  const screenshots = readdirSync(resolve(root, 'docs'))
    .filter((n) => n.endsWith('.png') && n !== 'icon.png')
    .map((n) => `docs/${n}`);
  assert.deepEqual(
    screenshots.filter((s) => !shown.has(s)),
    [],
  );
});

test('docs/settings.md describes every contributed setting', () => {
  const page = readFileSync(resolve(root, 'docs/settings.md'), 'utf8');
  for (const key of Object.keys(pkg.contributes.configuration.properties)) {
    const named = key.startsWith('imageAware.diagnostics.') ? 'imageAware.diagnostics.<code>' : key;
    assert.ok(page.includes(`| \`${named}\` |`), `docs/settings.md has a row for ${named}`);
  }
});

/**
 * Keeps package.json's `contributes.configuration` in step with the diagnostic catalog and the
 * settings parser: every code has its setting with the catalog's default and summary, and every
 * setting key is one parseSettings actually reads. `node scripts/sync-settings.mjs` fixes a mismatch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_RULES } from '../../../server/src/core/diagnostics/catalog';
import { DEFAULT_MAX_FILE_SIZE_MB, DEFAULT_SETTINGS, parseSettings } from '../../../server/src/core/settings';

/** This file compiles to out/test/core/diagnostics/, so the repository root is four levels up. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const FIX = 'Run `node scripts/sync-settings.mjs` to regenerate the settings.';

interface SettingSchema {
  readonly type: string;
  readonly enum?: readonly string[];
  readonly default: unknown;
  readonly markdownDescription?: string;
  readonly scope?: string;
}

function contributedSettings(): Record<string, SettingSchema> {
  const pkg = JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.contributes?.configuration?.title, 'Image Aware');
  return pkg.contributes.configuration.properties;
}

/** Turns `imageAware.a.b` keys into the nested object workspace/configuration returns for `imageAware`. */
function configurationSection(values: Record<string, unknown>): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const path = key.split('.');
    assert.equal(path.shift(), 'imageAware', `${key} is outside the imageAware section`);
    let node = section;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = value;
  }
  return section;
}

test('every diagnostic code has a setting with the catalog default and summary, and no other code does', () => {
  const settings = contributedSettings();
  const codes = Object.keys(settings).filter((key) => key.startsWith('imageAware.diagnostics.'));
  assert.deepEqual(
    codes,
    DIAGNOSTIC_CODES.map((code) => `imageAware.diagnostics.${code}`),
    FIX,
  );
  for (const code of DIAGNOSTIC_CODES) {
    const setting = settings[`imageAware.diagnostics.${code}`];
    assert.deepEqual(
      setting,
      {
        type: 'string',
        enum: ['error', 'warning', 'information', 'hint', 'off'],
        default: DIAGNOSTIC_RULES[code].defaultSeverity,
        markdownDescription: DIAGNOSTIC_RULES[code].summary,
        scope: 'resource',
      },
      `${code}: ${FIX}`,
    );
  }
});

test('the other settings default to the core defaults and have the scopes the server reads them with', () => {
  const settings = contributedSettings();
  assert.equal(settings['imageAware.inlayHints.pullPolicy'].default, DEFAULT_SETTINGS.pullPolicyInlayHints, FIX);
  assert.equal(settings['imageAware.limits.maxFileSizeMB'].default, DEFAULT_MAX_FILE_SIZE_MB, FIX);
  assert.equal(settings['imageAware.inlayHints.maxLineLength'].default, DEFAULT_SETTINGS.inlayHintsMaxLineLength, FIX);
  assert.equal(settings['imageAware.inlayHints.maxLineLength'].scope, 'resource');
  assert.equal(settings['imageAware.inlayHints.pullPolicy'].scope, 'resource');
  assert.equal(settings['imageAware.limits.maxFileSizeMB'].scope, 'resource');
  assert.deepEqual(settings['imageAware.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.equal(settings['imageAware.trace.server'].scope, 'window');
});

test('the contributed defaults parse to exactly the core defaults', () => {
  const defaults = Object.fromEntries(Object.entries(contributedSettings()).map(([key, setting]) => [key, setting.default]));
  assert.deepEqual(parseSettings(configurationSection(defaults)), DEFAULT_SETTINGS);
});

test('parseSettings reads every contributed key and accepts every enum value', () => {
  const settings = contributedSettings();
  for (const code of DIAGNOSTIC_CODES) {
    for (const value of settings[`imageAware.diagnostics.${code}`].enum ?? []) {
      const parsed = parseSettings(configurationSection({ [`imageAware.diagnostics.${code}`]: value }));
      assert.equal(parsed.severity[code], value, `imageAware.diagnostics.${code}: ${value}`);
    }
  }
  const changed = parseSettings(
    configurationSection({
      'imageAware.inlayHints.pullPolicy': false,
      'imageAware.inlayHints.maxLineLength': 100,
      'imageAware.limits.maxFileSizeMB': 1,
    }),
  );
  assert.equal(changed.pullPolicyInlayHints, false);
  assert.equal(changed.inlayHintsMaxLineLength, 100);
  assert.equal(changed.maxFileSize, 1024 * 1024);
});

test('docs/diagnostics.md has one anchor per diagnostic code, in catalog order, each entry with its default severity', () => {
  const page = readFileSync(resolve(REPO_ROOT, 'docs/diagnostics.md'), 'utf8');
  const anchors = [...page.matchAll(/<a id="([^"]+)"><\/a>/g)];
  assert.deepEqual(
    anchors.map((m) => m[1]),
    DIAGNOSTIC_CODES,
    'docs/diagnostics.md: exactly the codes of catalog.ts',
  );
  anchors.forEach((anchor, i) => {
    const code = anchor[1] as (typeof DIAGNOSTIC_CODES)[number];
    const entry = page.slice(anchor.index, anchors[i + 1]?.index ?? page.length);
    assert.ok(entry.includes(`Default severity: \`${DIAGNOSTIC_RULES[code].defaultSeverity}\`.`), `${code}: the page's default severity`);
    for (const part of ['**What it means.**', '**Why it matters.**', '**How to fix it.**', '```']) assert.ok(entry.includes(part), `${code}: ${part}`);
  });
});

test('the registry and pin settings are contributed with the scopes the server reads them with', () => {
  const settings = contributedSettings();
  assert.equal(settings['imageAware.registry.online'].default, DEFAULT_SETTINGS.registry.online, FIX);
  assert.equal(settings['imageAware.pin.keepTag'].default, DEFAULT_SETTINGS.pin.keepTag, FIX);
  assert.equal(settings['imageAware.pin.platform'].default, '', FIX);
  // A workspace must not be able to turn TLS off or swap a registry's CA: user or machine settings only.
  assert.equal(settings['imageAware.registry.insecureRegistries'].scope, 'machine');
  assert.equal(settings['imageAware.registry.caFiles'].scope, 'machine');
  assert.equal(settings['imageAware.pin.keepTag'].scope, 'resource');
  assert.equal(settings['imageAware.pin.platform'].scope, 'resource');
  const changed = parseSettings(
    configurationSection({
      'imageAware.registry.online': false,
      'imageAware.registry.insecureRegistries': ['registry.lan:5000'],
      'imageAware.registry.caFiles': { 'registry.lan:5000': '/etc/ca.pem' },
      'imageAware.pin.keepTag': false,
      'imageAware.pin.platform': 'linux/arm64',
    }),
  );
  assert.deepEqual(changed.registry, { online: false, insecureRegistries: ['registry.lan:5000'], caFiles: { 'registry.lan:5000': '/etc/ca.pem' } });
  assert.deepEqual(changed.pin, { keepTag: false, platform: 'linux/arm64' });
});

test('package.json contributes the commands the server implements, and every command under the Image Aware category', () => {
  const pkg = JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8'));
  const commands: Array<{ command: string; category: string }> = pkg.contributes.commands;
  const ids = commands.map((c) => c.command);
  for (const serverCommand of ['imageAware.pinWorkspace', 'imageAware.refreshRegistry']) assert.ok(ids.includes(serverCommand), serverCommand);
  assert.deepEqual(
    commands.filter((c) => c.category !== 'Image Aware'),
    [],
  );
});

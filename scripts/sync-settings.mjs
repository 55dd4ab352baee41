// Writes package.json `contributes.configuration` from the diagnostic catalog and the default
// settings, so the settings UI always lists every diagnostic code with its real default and summary.
// Run it after changing server/src/core/diagnostics/catalog.ts or core/settings.ts;
// test/core/diagnostics/catalog.test.ts fails until package.json matches again.
// The TypeScript sources are bundled in memory with esbuild, so no compile step is needed first.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const PACKAGE_JSON = new URL('../package.json', import.meta.url);

async function loadCore() {
  const { outputFiles } = await build({
    stdin: {
      contents: "export * from './server/src/core/diagnostics/catalog'; export * from './server/src/core/settings';",
      resolveDir: new URL('..', import.meta.url).pathname,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
}

function configuration({ DIAGNOSTIC_CODES, DIAGNOSTIC_RULES, DEFAULT_SETTINGS, DEFAULT_MAX_FILE_SIZE_MB, DIAGNOSTICS_SCOPES }) {
  const properties = {};
  for (const code of DIAGNOSTIC_CODES) {
    properties[`imageAware.diagnostics.${code}`] = {
      type: 'string',
      enum: ['error', 'warning', 'information', 'hint', 'off'],
      default: DIAGNOSTIC_RULES[code].defaultSeverity,
      markdownDescription: DIAGNOSTIC_RULES[code].summary,
      scope: 'resource',
    };
  }
  properties['imageAware.inlayHints.pullPolicy'] = {
    type: 'boolean',
    default: DEFAULT_SETTINGS.pullPolicyInlayHints,
    markdownDescription: 'Show the `imagePullPolicy` Kubernetes fills in, after each image whose container sets none.',
    scope: 'resource',
  };
  properties['imageAware.inlayHints.maxLineLength'] = {
    type: 'number',
    default: DEFAULT_SETTINGS.inlayHintsMaxLineLength,
    minimum: 0,
    markdownDescription:
      'Show inlay hints only on lines that, with the hint, stay within this many columns (for example your ruler or `editor.wordWrapColumn`), so a hint never pushes a line past the window; `0` shows them on every line.',
    scope: 'resource',
  };
  properties['imageAware.limits.maxFileSizeMB'] = {
    type: 'number',
    default: DEFAULT_MAX_FILE_SIZE_MB,
    markdownDescription:
      'Files larger than this many megabytes are analysed only up to the limit; a `not-analysed` diagnostic marks where the analysis stopped.',
    scope: 'resource',
  };
  properties['imageAware.registry.online'] = {
    type: 'boolean',
    default: DEFAULT_SETTINGS.registry.online,
    markdownDescription:
      'Ask the registries of the images in open files for tags, digests and platforms (for `tag-not-found`, `stale-pin`, `pull-would-fail`, tag completion, hovers and pinning). When off, no network request is made at all.',
    scope: 'window',
    tags: ['usesOnlineServices'],
  };
  properties['imageAware.registry.insecureRegistries'] = {
    type: 'array',
    items: { type: 'string' },
    default: DEFAULT_SETTINGS.registry.insecureRegistries,
    markdownDescription:
      "Registries (`host[:port]`, or an IPv4 CIDR) that may be reached over plain HTTP when HTTPS fails. Loopback registries always may. Like Docker's `insecure-registries`.",
    scope: 'machine',
  };
  properties['imageAware.registry.caFiles'] = {
    type: 'object',
    additionalProperties: { type: 'string' },
    default: DEFAULT_SETTINGS.registry.caFiles,
    markdownDescription: 'Extra CA certificates per registry: `{ "registry.example.com:5000": "/path/to/ca.pem" }` (PEM). The system CAs are trusted as well.',
    scope: 'machine',
  };
  properties['imageAware.pin.keepTag'] = {
    type: 'boolean',
    default: DEFAULT_SETTINGS.pin.keepTag,
    markdownDescription:
      'Pinning writes `repo:tag@sha256:…` (keeping the tag, for people to read) instead of `repo@sha256:…`. A `:latest` tag is dropped either way.',
    scope: 'resource',
  };
  properties['imageAware.pin.platform'] = {
    type: 'string',
    default: DEFAULT_SETTINGS.pin.platform ?? '',
    markdownDescription:
      'For a multi-platform image, pin the digest of this platform (`linux/amd64`, `linux/arm64/v8`) instead of the digest of the index. Empty pins the index, which works on every platform.',
    scope: 'resource',
  };
  properties['imageAware.workspace.diagnostics'] = {
    type: 'string',
    enum: DIAGNOSTICS_SCOPES,
    enumDescriptions: [
      'Diagnostics for the files open in the editor only.',
      'Diagnostics for every manifest, Dockerfile and Compose file of the workspace folders, open or not.',
    ],
    default: DEFAULT_SETTINGS.workspace.diagnostics,
    markdownDescription:
      'Which files the Problems panel covers. `workspace` analyses the files that are not open in the background (offline findings only: registries are asked for open files), up to `#imageAware.workspace.maxFiles#` files, each up to `#imageAware.limits.maxFileSizeMB#`.',
    scope: 'window',
  };
  properties['imageAware.workspace.maxFiles'] = {
    type: 'number',
    default: DEFAULT_SETTINGS.workspace.maxFiles,
    minimum: 0,
    markdownDescription:
      'At most this many files that are not open are analysed for `#imageAware.workspace.diagnostics#`; the rest get diagnostics when opened.',
    scope: 'window',
  };
  properties['imageAware.trace.server'] = {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    markdownDescription: 'Traces the communication between VS Code and the Image Aware language server in the "Image Aware" output channel.',
    scope: 'window',
  };
  return { title: 'Image Aware', properties };
}

/** The server's palette commands; the server registers each id through workspace/executeCommand, the client forwards them. The client's own stay as they are. */
const COMMANDS = [
  { command: 'imageAware.pinWorkspace', title: 'Pin Every Image in the Workspace to Its Digest', category: 'Image Aware' },
  { command: 'imageAware.refreshRegistry', title: 'Ask the Registries Again', category: 'Image Aware' },
];

const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
const serverIds = new Set(COMMANDS.map((c) => c.command));
const commands = [...COMMANDS, ...(pkg.contributes.commands ?? []).filter((c) => !serverIds.has(c.command))];
// Settings written by hand (imageAware.resources, whose schema is its own) are kept.
const generated = configuration(await loadCore());
const kept = Object.entries(pkg.contributes.configuration?.properties ?? {}).filter(([key]) => !(key in generated.properties));
generated.properties = { ...generated.properties, ...Object.fromEntries(kept) };
pkg.contributes = { ...pkg.contributes, commands, configuration: generated };
writeFileSync(PACKAGE_JSON, `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`package.json: ${Object.keys(pkg.contributes.configuration.properties).length} settings written.`);

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

function configuration({ DIAGNOSTIC_CODES, DIAGNOSTIC_RULES, DEFAULT_SETTINGS, DEFAULT_MAX_FILE_SIZE_MB }) {
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
  properties['imageAware.limits.maxFileSizeMB'] = {
    type: 'number',
    default: DEFAULT_MAX_FILE_SIZE_MB,
    markdownDescription: 'Files larger than this many megabytes are analysed only up to the limit; a `not-analysed` diagnostic marks where the analysis stopped.',
    scope: 'resource',
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

const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
pkg.contributes = { ...pkg.contributes, configuration: configuration(await loadCore()) };
writeFileSync(PACKAGE_JSON, `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`package.json: ${Object.keys(pkg.contributes.configuration.properties).length} settings written.`);

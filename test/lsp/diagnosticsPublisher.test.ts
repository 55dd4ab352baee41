/**
 * What a publication of diagnostics leaves behind: it converts offsets to positions without asking the
 * open document, whose line index (8 bytes a line, built on the first position asked) would otherwise
 * stay for as long as the document is open, though only edits and requests about it need one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Connection, PublishDiagnosticsParams, TextDocuments } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { NO_FACTS } from '../../server/src/core/facts';
import type { ChartContexts } from '../../server/src/lsp/charts';
import type { ServerContext } from '../../server/src/lsp/context';
import { AnalysisCache } from '../../server/src/lsp/documents';
import { DiagnosticsPublisher } from '../../server/src/lsp/handlers/diagnostics';
import { LocationConfigs } from '../../server/src/lsp/locations';
import type { OverlayBuilds } from '../../server/src/lsp/overlays';
import type { RegistryService } from '../../server/src/lsp/registryFacts';
import type { ScanService } from '../../server/src/lsp/scans';
import type { SettingsStore } from '../../server/src/lsp/settings';
import { WorkspaceIndex } from '../../server/src/lsp/workspaceIndex';
import { deferred } from '../helpers/events';

const TEXT = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx\n';

/** The open document, counting the positions asked of it. */
function countingDocument(): { document: TextDocument; positionsAsked: () => number } {
  const real = TextDocument.create('file:///web.yaml', 'yaml', 1, TEXT);
  let asked = 0;
  const document = new Proxy(real, {
    get(target, property) {
      if (property === 'positionAt') asked++;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { document, positionsAsked: () => asked };
}

test('a publication converts positions without building a line index in the open document', async () => {
  const { document, positionsAsked } = countingDocument();
  const published = deferred<PublishDiagnosticsParams>();
  const context = {
    connection: { sendDiagnostics: (params: PublishDiagnosticsParams) => Promise.resolve(published.resolve(params)) } as unknown as Connection,
    documents: { get: (uri: string) => (uri === document.uri ? document : undefined), all: () => [document] } as unknown as TextDocuments<TextDocument>,
    analyses: new AnalysisCache(),
    settings: {
      forDocument: () => Promise.resolve({ ...DEFAULT_SETTINGS, registry: { ...DEFAULT_SETTINGS.registry, online: false } }),
    } as unknown as SettingsStore,
    workspace: new WorkspaceIndex(() => undefined),
    overlays: {} as OverlayBuilds,
    locations: new LocationConfigs(() => undefined),
    charts: { valuesChart: () => Promise.resolve(null) } as unknown as ChartContexts,
    registry: { factsOf: () => NO_FACTS, refresh: () => Promise.resolve(null) } as unknown as RegistryService,
    // Offline: no scan is recalled or merged.
    scans: {} as ScanService,
    runSafe: async <T>(_label: string, _token: unknown, _fallback: T, work: () => T | Promise<T>) => work(),
  } satisfies ServerContext;
  const publisher = new DiagnosticsPublisher(context);
  publisher.schedule(document);
  const params = await published.promise;
  publisher.dispose();
  const nginx = TEXT.indexOf('nginx');
  assert.deepEqual(
    params.diagnostics.map((d) => [d.code, d.range]),
    [['implicit-latest', { start: document.positionAt(nginx), end: document.positionAt(nginx + 'nginx'.length) }]],
  );
  assert.equal(positionsAsked(), 2, 'only the two positions this test asked for');
});

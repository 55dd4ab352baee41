/**
 * yaml-language-server's validation, set up as the analysis benchmarks compare with it: no schemas,
 * no network, validation only. Shared by the in-process (warm) runs and ylsProcess.ts (cold).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server';

/** Validates text as a document at uri and returns the number of diagnostics. */
export type YlsValidate = (uri: string, text: string, isKubernetes?: boolean) => Promise<number>;

export function ylsValidator(): YlsValidate {
  const ls = getLanguageService({
    schemaRequestService: () => Promise.reject(new Error('offline')),
    workspaceContext: { resolveRelativePath: (relativePath: string) => relativePath },
  });
  ls.configure({ validate: true, hover: false, completion: false, schemas: [], customTags: [] });
  return async (uri, text, isKubernetes = false) => (await ls.doValidation(TextDocument.create(uri, 'yaml', 1, text), isKubernetes)).length;
}

/** Empties yaml-language-server's module-level document cache, keyed by uri (never emptied by itself). */
export function clearYlsCache(): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cache = require('yaml-language-server/out/server/src/languageservice/parser/yaml-documents') as { yamlDocumentsCache?: { clear(): void } };
    cache.yamlDocumentsCache?.clear();
  } catch {
    // A layout change in a later version: the cache then just grows for the few runs of a bench.
  }
}

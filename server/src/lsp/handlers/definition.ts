/**
 * textDocument/definition: from an image of a chart's template that is built from values to where
 * those values are written in the chart's values.yaml (core helm/templateImages.ts): on a `.Values`
 * path its key, elsewhere in the image the key of each values image it reads.
 */
import type { Location } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { templateImageAt, templateImageDefinitions } from '../../core';
import type { ServerContext } from '../context';

export function registerDefinition(context: ServerContext): void {
  context.connection.onDefinition((params, token) =>
    context.runSafe<Location[] | null>('definition', token, null, async () => {
      const uri = params.textDocument.uri;
      const chart = await context.charts.templateChart(uri);
      const document = context.documents.get(uri);
      if (!chart || !document) return null;
      const image = templateImageAt(document.getText(), document.offsetAt(params.position), chart.context);
      if (!image) return null;
      const settings = await context.settings.forDocument(uri);
      const values = await context.charts.valuesAnalysis(chart.root, settings.maxFileSize);
      if (!values) return null;
      const map = TextDocument.create(values.uri, 'yaml', 0, values.analysis.text);
      const targets = templateImageDefinitions(image, document.offsetAt(params.position), values.analysis);
      return targets.map((span) => ({ uri: values.uri, range: { start: map.positionAt(span.start), end: map.positionAt(span.end) } }));
    }),
  );
}

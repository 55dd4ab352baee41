/**
 * The server's AnalysisCache: one Analysis per document version, language and chart. A Dockerfile
 * (by its language) and a values file (by its chart) are read their own way, and a request that asks
 * again with the same key gets the same Analysis without reading the text again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { BUILT_IN_LOCATIONS } from '../../server/src/core/manifest/builtInLocations';
import { isDockerfileAnalysis } from '../../server/src/core/dockerfile/analysis';
import { AnalysisCache } from '../../server/src/lsp/documents';
import { chartFixture } from '../helpers/charts';

const MAX = 10 * 1024 * 1024;

test('a values file: the same version and chart give the same Analysis, another chart a new one read with it', () => {
  const chart = chartFixture('create');
  const cache = new AnalysisCache();
  const document = TextDocument.create('file:///chart/values.yaml', 'yaml', 1, chart.values);
  const plain = cache.analysisOf(document, MAX, BUILT_IN_LOCATIONS);
  assert.equal(plain.chart, null);
  const withChart = cache.analysisOf(document, MAX, BUILT_IN_LOCATIONS, chart.context);
  assert.notEqual(withChart, plain);
  assert.equal(withChart.chart, chart.context);
  assert.ok(withChart.documents.some((doc) => (doc.analysis.fields.values?.images.length ?? 0) > 0));
  assert.equal(cache.analysisOf(document, MAX, BUILT_IN_LOCATIONS, chart.context), withChart);
});

test('a document whose language becomes dockerfile is read as a Dockerfile, and cached whatever chart is asked for', () => {
  const chart = chartFixture('create');
  const cache = new AnalysisCache();
  const text = 'FROM node:20-alpine AS build\n';
  const yaml = cache.analysisOf(TextDocument.create('file:///app/values.yaml', 'yaml', 1, text), MAX, BUILT_IN_LOCATIONS, chart.context);
  assert.equal(isDockerfileAnalysis(yaml), false);
  const dockerfile = TextDocument.create('file:///app/values.yaml', 'dockerfile', 1, text);
  const first = cache.analysisOf(dockerfile, MAX, BUILT_IN_LOCATIONS, chart.context);
  assert.equal(isDockerfileAnalysis(first), true);
  assert.deepEqual(
    first.documents[0].analysis.fields.containers.map((c) => c.image?.value?.value),
    ['node:20-alpine'],
  );
  assert.equal(cache.analysisOf(dockerfile, MAX, BUILT_IN_LOCATIONS, chart.context), first, 'the second request reuses the analysis');
});

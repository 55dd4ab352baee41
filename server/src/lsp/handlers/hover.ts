/**
 * textDocument/hover: what an image reference means, which pull policy applies to it, and what
 * the registry says about it (from the facts already fetched for the document; a fetch still
 * running is waited for briefly, so the first hover after opening a file has them too), and what the
 * workspace's kustomize overlays make of an image (overlays.ts). On an image of a chart's template
 * built from values, the values it reads and what the chart renders from them.
 */
import { computeHover, templateImageAt, templateImageHover, withTargets } from '../../core';
import type { Hover } from '../../core';
import { answerFor, within } from '../context';
import type { ServerContext } from '../context';
import { toHover } from '../convert';

/** How long a hover waits for a registry fetch that is already running. */
const HOVER_WAIT_MS = 1500;

export function registerHover(context: ServerContext): void {
  context.connection.onHover((params, token) =>
    answerFor(context, 'hover', params.textDocument.uri, token, async (open) => {
      const offset = open.document.offsetAt(params.position);
      const pending = open.settings.registry.online ? context.registry.pending(open.document.uri) : undefined;
      if (pending) await within(pending, HOVER_WAIT_MS);
      const facts = open.settings.registry.online
        ? withTargets(context.scans.withScans(context.registry.factsOf(open.document.uri)), open.settings.platforms)
        : null;
      const template = await templateHover(context, open.document.uri, open.document.getText(), offset, open.settings.maxFileSize);
      const hover = template ?? computeHover(open.analysis, offset, facts, await context.overlays.of(open.document.uri, open.analysis));
      return hover && toHover(hover, open.document);
    }),
  );
}

/** On an image of a chart's template built from values: the values it reads and the reference the chart renders. */
async function templateHover(context: ServerContext, uri: string, text: string, offset: number, maxFileSize: number): Promise<Hover | null> {
  const chart = await context.charts.templateChart(uri);
  const image = chart && templateImageAt(text, offset, chart.context);
  if (!chart || !image) return null;
  const values = await context.charts.valuesAnalysis(chart.root, maxFileSize);
  return templateImageHover(image, values?.analysis ?? null, 'values.yaml');
}

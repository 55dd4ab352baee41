/**
 * A chart's templates: which `.Values` each image built from values reads (directly, through a
 * `with` block, or through included helpers), the hover that shows them with the rendered
 * reference, and the values keys definition leads to. On the fixtures of test/fixtures/helm/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readsField } from '../../../server/src/core/helm/chart';
import { templateImageAt, templateImageDefinitions, templateImageHover, templateImages } from '../../../server/src/core/helm/templateImages';
import { analyzeValues, chartFixture, templateOf } from '../../helpers/charts';

test('helm create: the image reads image.repository and image.tag; definition leads from each to its key', () => {
  const chart = chartFixture('create');
  const template = templateOf(chart, 'deployment.yaml');
  const [image] = templateImages(template, chart.context);
  assert.deepEqual(
    image.reads.map((r) => r.path),
    ['image.repository', 'image.tag'],
  );
  const values = analyzeValues(chart.values, chart.context);
  const hover = templateImageHover(image, values, 'values.yaml');
  assert.equal(
    hover.markdown,
    '`docker.io/library/nginx:1.16.0` · IfNotPresent · not pinned\n\n' +
      '**Image built from values**: `.Values.image.repository`, `.Values.image.tag`\n\nFrom `image` in values.yaml, the chart renders `nginx:1.16.0`.\n\n' +
      'Its tag is empty, so appVersion in Chart.yaml stands in.',
  );
  const onTag = template.indexOf('.Values.image.tag') + 3;
  assert.deepEqual(
    templateImageDefinitions(image, onTag, values).map((s) => values.text.slice(s.start, s.end)),
    ['tag'],
  );
  const onQuote = image.start;
  assert.deepEqual(
    templateImageDefinitions(image, onQuote, values).map((s) => values.text.slice(s.start, s.end)),
    ['image'],
  );
  assert.equal(readsField(chart.context, 'image', 'digest'), false);
});

test('Bitnami: the image goes through nginx.image and common.images.image, which read the digest and global.imageRegistry', () => {
  const chart = chartFixture('bitnami');
  const template = templateOf(chart, 'deployment.yaml');
  const images = templateImages(template, chart.context);
  assert.deepEqual(
    images.map((i) => [...new Set(i.reads.map((r) => r.path))]),
    [
      ['image', 'global'],
      ['metrics.image', 'global'],
    ],
  );
  assert.equal(readsField(chart.context, 'image', 'digest'), true);
  assert.equal(readsField(chart.context, 'global', 'imageRegistry'), true);
  const at = template.indexOf('nginx.metrics.image');
  const image = templateImageAt(template, at, chart.context)!;
  const hover = templateImageHover(image, analyzeValues(chart.values, chart.context), 'values.yaml');
  assert.match(hover.markdown, /From `metrics\.image` in values\.yaml, the chart renders `docker\.io\/bitnami\/nginx-exporter:1\.4\.2-debian-12-r6`\./);
});

test('ingress-nginx: fields of a with block and its helpers are read from controller.image; definition of .tag leads to tag', () => {
  const chart = chartFixture('ingress-nginx');
  const template = templateOf(chart, 'controller-deployment.yaml');
  const [image] = templateImages(template, chart.context);
  assert.deepEqual(
    [...new Set(image.reads.map((r) => r.path))],
    [
      'controller.image.repository',
      'controller.image.registry',
      'controller.image.chroot',
      'controller.image.image',
      'controller.image.tag',
      'controller.image.digestChroot',
      'controller.image.digest',
    ],
  );
  const values = analyzeValues(chart.values, chart.context);
  const onTag = template.indexOf('.tag }}') + 1;
  const [target] = templateImageDefinitions(image, onTag, values);
  assert.equal(values.text.slice(target.start, target.end), 'tag');
  assert.ok(target.start > values.text.indexOf('controller:') && target.start < values.text.indexOf('admissionWebhooks'));
});

#!/usr/bin/env node
// Renders docs/icon.svg to docs/icon.png (128×128, transparent corners), the Marketplace icon that
// package.json names: vsce accepts no SVG icon. It uses the e2e tools' playwright-core and Debian's
// chromium (bash scripts/e2e/install.sh), so the PNG is made from the SVG in the repository.
//   node scripts/render-icon.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, removeScratch, root } from './e2e/lib.mjs';

const SIZE = 128;
const svg = readFileSync(join(root, 'docs/icon.svg'), 'utf8');
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  await page.setContent(`<!DOCTYPE html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: join(root, 'docs/icon.png'), omitBackground: true });
} finally {
  await browser.close();
  removeScratch();
}
console.log(`docs/icon.png: ${SIZE}×${SIZE} from docs/icon.svg`);

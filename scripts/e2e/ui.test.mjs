// UI tests: what ships is what is tested. The packaged image-aware-manifests.vsix is installed into a
// fresh extensions folder of a real VS Code (code-server), the fixture workspace is opened in Debian's
// chromium, and a user's steps are played with mouse and keyboard: squiggle, hover, completion,
// quick fix from Ctrl+., inlay hints, Problems panel, command palette. Then the same window opens a
// second workspace whose manifest points at a real registry started here on 127.0.0.1 (registry
// online for that workspace only), and tag completion is typed for; and a third whose manifest is
// applied from the palette to the stub API server started here (KUBECONFIG), through its diff
// editors and confirmation dialog. Screenshots go to
// out/e2e/screenshots/. Run: node --test scripts/e2e/ui.test.mjs (after `npm run package`, which
// ensurePackaged() runs when the VSIX is older than its sources).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  copyWorkspace,
  ensurePackaged,
  fixtureWorkspace,
  installVsix,
  launchBrowser,
  outDir,
  registryManifest,
  removeScratch,
  scratchDir,
  startCodeServer,
  startDeployStack,
  startSeededRegistry,
  vsixPath,
  waitFor,
  writeRegistryWorkspace,
} from './lib.mjs';

const screenshots = join(outDir, 'screenshots');
const deploymentText = readFileSync(join(fixtureWorkspace, 'deployment.yaml'), 'utf8');

/** 1-based line and column of `part` inside `context` in the fixture deployment (or in `text`). */
function where(context, part, text = deploymentText) {
  const at = text.indexOf(context) + context.indexOf(part);
  const before = text.slice(0, at).split('\n');
  return [before.length, before.at(-1).length + 1];
}
const EDITOR = '.monaco-editor[data-uri$="deployment.yaml"]';

describe('the packaged extension in code-server, driven like a user', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let page;
  let registry;
  let seed;
  let deploy;
  let failed = false;

  async function shot(name) {
    await page.screenshot({ path: join(screenshots, `${name}.png`) });
  }

  /** The text of the editor's line that contains `needle` (inlay hints included: they are text in the DOM). */
  async function lineText(needle) {
    return page.evaluate(
      ([selector, n]) => [...document.querySelectorAll(`${selector} .view-line`)].map((l) => l.textContent.replace(/\u00a0/g, ' ')).find((t) => t.includes(n)) ?? null,
      [EDITOR, needle],
    );
  }

  /** The rendered line that sets imagePullPolicy (not an inlay hint that shows one). */
  async function policyLine() {
    return page.evaluate(
      (selector) => [...document.querySelectorAll(`${selector} .view-line`)].map((l) => l.textContent.replace(/\u00a0/g, ' ')).find((t) => /^\s*imagePullPolicy:/.test(t)) ?? null,
      EDITOR,
    );
  }

  /** Bounding box of `needle` (a substring of one rendered line), measured on the rendered text. */
  async function textBox(needle) {
    return page.evaluate(
      ([selector, n]) => {
        for (const line of document.querySelectorAll(`${selector} .view-line`)) {
          const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
          const nodes = [];
          let text = '';
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            nodes.push({ node, start: text.length });
            text += node.textContent;
          }
          const at = text.replace(/\u00a0/g, ' ').indexOf(n);
          if (at < 0) continue;
          // The text node and offset of a character offset in the line (the end may be a node's end).
          const locate = (offset) => {
            const hit = nodes.findLast((x) => x.start < offset || (x.start === 0 && offset === 0));
            return [hit.node, offset - hit.start];
          };
          const range = document.createRange();
          range.setStart(...locate(at));
          range.setEnd(...locate(at + n.length));
          const box = range.getBoundingClientRect();
          return { x: box.left, y: box.top, width: box.width, height: box.height };
        }
        return null;
      },
      [EDITOR, needle],
    );
  }

  /** Opens `workspace` in the page and `file` (deployment.yaml) in it with Quick Open, as a user does. */
  async function openWorkspaceManifest(workspace, file = 'deployment.yaml') {
    await page.goto(server.url(workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).waitFor({ timeout: 60_000 });
    await page.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(file);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator(`.monaco-editor[data-uri$="/${file}"] .view-lines`).waitFor();
  }

  async function goTo(line, column) {
    await page.keyboard.press('Control+G');
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press('Enter');
  }

  async function runCommand(label) {
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${label}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
    await page.keyboard.press('Enter');
  }

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    ensurePackaged();
    ({ registry, seed } = await startSeededRegistry());
    deploy = await startDeployStack(registry.host);
    const home = scratchDir('ui');
    const extensionsDir = join(home, 'extensions');
    const userDataDir = join(home, 'user-data');
    installVsix(vsixPath, extensionsDir, userDataDir);
    const installed = readdirSync(extensionsDir).filter((name) => name.startsWith('image-aware.image-aware-manifests-'));
    assert.equal(installed.length, 1, `the VSIX installed into ${extensionsDir}`);
    // KUBECONFIG (the stub API server) reaches the extension host through code-server's environment.
    server = await startCodeServer({ name: 'ui', extensionsDir, userDataDir, env: deploy.env });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await openWorkspaceManifest(copyWorkspace());
  });

  after(async () => {
    if (failed && page) await shot('ui-failure').catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
    await deploy?.stop();
    await registry?.stop();
    if (!failed && !process.env.IMAGE_AWARE_E2E_KEEP) removeScratch();
  });

  async function step(fn) {
    try {
      await fn();
    } catch (error) {
      failed = true;
      throw error;
    }
  }

  test('a warning squiggle appears under the tag of nginx:latest, and the status bar counts the problems', () =>
    step(async () => {
      await page.locator(`${EDITOR} .squiggly-error`).first().waitFor({ timeout: 60_000 });
      const tag = await waitFor('nginx:latest to be rendered', () => textBox('nginx:latest'));
      const squiggles = await page.locator(`${EDITOR} .squiggly-warning`).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      const underTag = squiggles.find((s) => Math.abs(s.top - tag.y) < tag.height && s.left >= tag.x + tag.width / 2 - 2 && s.left < tag.x + tag.width);
      assert.ok(underTag, `a warning squiggle under "latest" of nginx:latest (line at y=${tag.y}); squiggles: ${JSON.stringify(squiggles)}`);
      const problems = await page.locator('[id="status.problems"]').getAttribute('aria-label');
      assert.match(problems ?? '', /1 Error.*2 Warnings|Errors: 1.*Warnings: 2/i);
    }));

  test('hovering the squiggle shows the effective pull policy and why', () =>
    step(async () => {
      const tag = await textBox('nginx:latest');
      await page.mouse.move(tag.x + tag.width * 0.8, tag.y + tag.height / 2);
      const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content');
      await hover.first().waitFor({ timeout: 15_000 });
      await waitFor('the pull-policy explanation in the hover', async () => /Effective imagePullPolicy: Always/.test(await hover.first().innerText()));
      const text = await hover.first().innerText();
      assert.match(text, /:latest" moves with every push/);
      assert.match(text, /Kubernetes defaults imagePullPolicy to Always/);
      await shot('hover-latest');
      await page.mouse.move(5, 780);
      await page.keyboard.press('Escape');
    }));

  test('inlay hints show the policy Kubernetes fills in after nginx and nginx:latest', () =>
    step(async () => {
      await waitFor('inlay hints', async () => (await lineText('image: nginx:latest'))?.includes('imagePullPolicy: Always'));
      // The first line with `image: nginx` is the untagged one.
      assert.match(await lineText('image: nginx'), /^ {10}image: nginx\s*imagePullPolicy: Always$/);
      assert.equal(await lineText('ghcr.io/acme/api:1.4.2'), '          image: ghcr.io/acme/api:1.4.2', 'no hint where the policy is written');
    }));

  test('the Problems panel lists the findings with their codes', () =>
    step(async () => {
      await page.keyboard.press('Control+Shift+M');
      const rows = page.locator('.markers-panel .monaco-list-row');
      // Hints (not-pinned) are not listed there; the error and the two warnings are.
      await waitFor('problem rows', async () => (await rows.count()) >= 4);
      const text = (await rows.allInnerTexts()).join('\n');
      for (const code of ['invalid-pull-policy', 'implicit-latest', 'latest-tag']) assert.ok(text.includes(code), `${code} in the Problems panel:\n${text}`);
      assert.match(text, /Did you mean "IfNotPresent"\?/);
      await shot('problems-panel');
      await page.keyboard.press('Control+Shift+M');
      await page.locator(`${EDITOR} .view-lines`).click();
    }));

  test('Ctrl+. on the invalid pull policy offers the fix, and choosing it changes the file', () =>
    step(async () => {
      const [line, column] = where('imagePullPolicy: ifNotPresent', 'ifNotPresent');
      await goTo(line, column + 2);
      await page.keyboard.press('Control+.');
      const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Change imagePullPolicy to IfNotPresent' });
      await fix.first().waitFor({ timeout: 15_000 });
      await shot('quick-fix-menu');
      // The preferred fix is focused; Enter applies it (a click can land on the menu's pointer guard).
      assert.equal(await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label'), 'Change imagePullPolicy to IfNotPresent');
      await page.keyboard.press('Enter');
      await waitFor('the fixed line', async () => (await policyLine()) === '          imagePullPolicy: IfNotPresent');
      await page.locator(`${EDITOR} .squiggly-error`).first().waitFor({ state: 'detached', timeout: 15_000 });
      await shot('quick-fix-applied');
    }));

  test('completion after `imagePullPolicy: ` offers Always, IfNotPresent and Never; choosing Never writes it', () =>
    step(async () => {
      await page.locator(`${EDITOR} .view-lines`).click();
      await goTo(...where('imagePullPolicy: ifNotPresent', 'ifNotPresent'));
      assert.equal(await policyLine(), '          imagePullPolicy: IfNotPresent', 'the quick fix ran before');
      await page.keyboard.press('Shift+End');
      await page.keyboard.press('Delete');
      const rows = page.locator('.suggest-widget.visible .monaco-list-row');
      // Trigger suggest until the widget shows (a trigger that races the delete's round trip to
      // the server can come back empty, and then the widget stays closed).
      await waitFor('the suggest widget', async () => {
        await page.keyboard.press('Control+Space');
        return rows.first().waitFor({ timeout: 3_000 }).then(() => true, () => false);
      });
      const labels = await rows.evaluateAll((els) => els.map((e) => e.querySelector('.label-name')?.textContent?.trim()));
      assert.deepEqual(labels.slice(0, 3), ['Always', 'IfNotPresent', 'Never']);
      const focused = await page.locator('.suggest-widget.visible .monaco-list-row.focused .label-name').innerText();
      assert.equal(focused, 'IfNotPresent', 'the Kubernetes default for a version tag is preselected');
      await shot('completion-pull-policy');
      // Ctrl+Space again opens the item's documentation beside the list.
      await page.keyboard.press('Control+Space');
      const details = page.locator('.suggest-details-container .suggest-details');
      await waitFor('the documentation of IfNotPresent', async () => /Pull only when the node does not have the image yet/.test(await details.innerText().catch(() => '')));
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await waitFor('the chosen value', async () => (await policyLine()) === '          imagePullPolicy: Never');
    }));

  test('the Image Aware commands are in the palette and run', () =>
    step(async () => {
      await page.keyboard.press('Control+Shift+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill('>Image Aware');
      const rows = page.locator('.quick-input-list .monaco-list-row');
      await rows.first().waitFor();
      const labels = (await rows.allInnerTexts()).join('\n');
      assert.match(labels, /Image Aware: Pin Every Image in the Workspace to Its Digest/);
      assert.match(labels, /Image Aware: Ask the Registries Again/);
      await shot('command-palette');
      await page.keyboard.press('Escape');
      await runCommand('Image Aware: Ask the Registries Again');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
      const errors = await page.locator('.notification-toast', { hasText: /not found|failed|error/i }).count();
      assert.equal(errors, 0, 'no error notification after running the command');
    }));
  test('the extension page shows the icon and the changelog; the walkthrough opens with its four steps', () =>
    step(async () => {
      await page.keyboard.press('Control+Shift+X');
      await page.keyboard.type('@installed image aware');
      const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Image Aware Manifests' }).first();
      await row.waitFor({ timeout: 15_000 });
      const icon = row.locator('img.icon');
      await waitFor('the icon in the Extensions view', () => icon.evaluate((img) => img.complete && img.naturalWidth === 128));
      await row.click();
      const header = page.locator('.extension-editor .header');
      await header.locator('.name', { hasText: 'Image Aware Manifests' }).waitFor({ timeout: 15_000 });
      await waitFor('the icon on the extension page', () => header.locator('img.icon').evaluate((img) => img.complete && img.naturalWidth === 128));
      await page.locator('.extension-editor .navbar .action-label', { hasText: /^Changelog$/i }).waitFor();
      await shot('extension-page');
      await page.mouse.move(900, 700); // away from the extension row and its tooltip
      await runCommand('Welcome: Open Walkthrough...');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with Image Aware Manifests' }).first().waitFor();
      await page.keyboard.type('Image Aware');
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Get Started with Image Aware Manifests' }).waitFor();
      await page.keyboard.press('Enter');
      const steps = page.locator('.getting-started-step .step-title');
      await waitFor('the walkthrough steps', async () => (await steps.count()) === 4);
      assert.deepEqual(await steps.allInnerTexts(), [
        'Open a manifest and see what is wrong',
        'Hover: the pull policy Kubernetes will apply',
        'Fix it with a quick fix',
        'Pin to digests with your registry',
      ]);
      await page.locator('.getting-started-step.expanded', { hasText: 'Show the Problems Panel' }).waitFor();
      // The step's markdown page (docs/walkthrough/findings.md from the VSIX) renders in a webview.
      await waitFor('the first step\'s markdown page', async () => {
        for (const frame of page.frames()) {
          if ((await frame.locator('h1', { hasText: 'What is wrong with an image field' }).count().catch(() => 0)) > 0) return true;
        }
        return false;
      }, { timeoutMs: 15_000, intervalMs: 200 });
      await shot('walkthrough');
      await page.keyboard.press('Control+Shift+E');
    }));

  test('with a registry: typing `image: 127.0.0.1:PORT/team/app:` lists its tags in the suggest widget, newest version first; Enter writes 2.0.0', () =>
    step(async () => {
      // A second workspace in the same window: its deployment.yaml points at the registry started in
      // before(), and its .vscode/settings.json turns imageAware.registry.online on.
      await openWorkspaceManifest(writeRegistryWorkspace(seed, 'ui-registry-workspace'));
      const manifest = registryManifest(seed.repository);
      await goTo(...where(`image: ${seed.repository}:1.10.0`, 'image', manifest));
      await page.keyboard.press('Shift+End');
      // The reference goes in as one input (as a paste would): typed key by key, `127.0.0.1:` would
      // ask Docker Hub for the tags of an image called 127.0.0.1. Then the colon is typed.
      await page.keyboard.insertText(`image: ${seed.repository}`);
      await page.keyboard.type(':');
      const rows = page.locator('.suggest-widget.visible .monaco-list-row');
      const labels = () => rows.evaluateAll((els) => els.map((e) => e.querySelector('.label-name')?.textContent?.trim()));
      await waitFor('the tags in the suggest widget', async () => {
        if ((await rows.count()) === 0) await page.keyboard.press('Control+Space');
        const seen = await labels().catch(() => []);
        return seen.length === seed.tagsNewestFirst.length && seen[0] === seed.tagsNewestFirst[0];
      }, { timeoutMs: 20_000, intervalMs: 500 });
      assert.deepEqual(await labels(), seed.tagsNewestFirst);
      assert.equal(await page.locator('.suggest-widget.visible .monaco-list-row.focused .label-name').innerText(), '2.0.0');
      await shot('tag-completion');
      // The containers and the suggest widget only, for docs/tag-completion.png.
      const editor = await page.locator(EDITOR).boundingBox();
      const widget = await page.locator('.suggest-widget.visible').boundingBox();
      // From the first whole line at least 180 px above the widget, so no line is cut in half.
      const lineTops = await page.locator(`${EDITOR} .view-line`).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
      const top = Math.min(...lineTops.filter((y) => y >= Math.max(editor.y, widget.y - 180)));
      const clip = { x: editor.x, y: top, width: Math.min(editor.width, widget.x + widget.width + 40 - editor.x), height: widget.y + widget.height + 20 - top };
      await page.screenshot({ path: join(screenshots, 'tag-completion-editor.png'), clip });
      await page.keyboard.press('Enter');
      // Both containers now say 2.0.0 (an inlay hint may follow the value: it is text in the DOM).
      const images = () =>
        page.evaluate(
          (selector) => [...document.querySelectorAll(`${selector} .view-line`)].map((l) => l.textContent.replace(/\u00a0/g, ' ').trim()).filter((t) => t.startsWith('image: ')),
          EDITOR,
        );
      await waitFor('the chosen tag', async () => (await images()).every((line) => line.startsWith(`image: ${seed.repository}:2.0.0`)));
      const values = (await images()).map((line) => line.replace(/\s*imagePullPolicy: \w+$/, ''));
      assert.deepEqual(values, [`image: ${seed.repository}:2.0.0`, `image: ${seed.repository}:2.0.0`]);
    }));
  test('apply from the palette: the status bar names stub/default, the server dry run opens as diffs, "Apply 2 objects to stub/default?" and Apply creates both', () =>
    step(async () => {
      await openWorkspaceManifest(deploy.seed.workspace, 'deploy.yaml');
      await page.locator('.statusbar-item', { hasText: 'stub/default' }).waitFor({ timeout: 20_000 });
      await runCommand('Image Aware: Apply File to the Cluster');
      // One diff editor per changed object: nothing live on the left, the dry-run result on the right.
      await page.locator('.tabs-container .tab', { hasText: 'deployment.apps/web in default: live ↔ after apply' }).waitFor({ timeout: 20_000 });
      await page.locator('.tabs-container .tab', { hasText: 'service/web in default: live ↔ after apply' }).waitFor();
      const dialog = page.locator('.monaco-dialog-box', { hasText: 'Apply 2 objects to stub/default?' });
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /create deployment\.apps\/web[\s\S]*create service\/web/);
      await shot('apply-confirm');
      assert.equal(deploy.apiserver.get('apps/v1', 'Deployment', 'default', 'web'), null, 'nothing is applied before the user confirms');
      await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
      const created = await waitFor('the Deployment in the API server', () => deploy.apiserver.get('apps/v1', 'Deployment', 'default', 'web'));
      assert.ok(created.metadata.managedFields.some((f) => f.manager === 'image-aware' && f.operation === 'Apply'));
      assert.ok(deploy.apiserver.get('v1', 'Service', 'default', 'web'));
      await page.locator('.notification-toast', { hasText: 'Applied to stub/default' }).waitFor({ timeout: 20_000 });
    }));
});

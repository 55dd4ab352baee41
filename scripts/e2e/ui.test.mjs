// UI tests: what ships is what is tested. The packaged image-aware-manifests.vsix is installed into a
// fresh extensions folder of a real VS Code (code-server), the fixture workspace is opened in Debian's
// chromium, and a user's steps are played with mouse and keyboard: squiggle, hover, completion,
// quick fix from Ctrl+., inlay hints, Problems panel, command palette. Then the same window opens a
// second workspace whose manifest points at a real registry started here on 127.0.0.1 (registry
// online for that workspace only), and tag completion is typed for; and a third whose manifest is
// applied from the palette to the stub API server started here (KUBECONFIG), through its diff
// editors and confirmation dialog; in that workspace a field-manager conflict is declined and then
// forced, a rollout whose image cannot be pulled is reported, a buildah build is cancelled from its
// progress notification, Log In goes to a registry with Basic auth, and Build, Push and Pin meets a
// tag that names a two-platform index: declined, then overwritten. Screenshots go to
// out/e2e/screenshots/. Run: node --test scripts/e2e/ui.test.mjs (after `npm run package`, which
// ensurePackaged() runs when the VSIX is older than its sources).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  compiledHelpers,
  copyWorkspace,
  ensurePackaged,
  filesContaining,
  fixtureWorkspace,
  freePort,
  installVsix,
  launchBrowser,
  OTHER_WEB_MANIFEST,
  outDir,
  processes,
  registryHelpers,
  registryManifest,
  removeScratch,
  root,
  scratchDir,
  startCodeServer,
  startDeployStack,
  startSeededRegistry,
  vsixPath,
  waitFor,
  workloadManifest,
  writeRegistryWorkspace,
  writeSlowBuild,
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
const COLOURS = '.monaco-editor[data-uri$="/colours.yaml"]';
/** For the colours: the example Deployment, and a kind of another API group whose field happens to be called image. */
const coloursText =
  `${readFileSync(join(root, 'examples/deployment.yaml'), 'utf8')}---\n` +
  'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n  image: ghcr.io/example/widget:1.0\n';

/** A Deployment whose first image component has uppercase letters: read as a registry host (uppercase-registry). */
const UPPERCASE = 'upper.yaml';
const uppercaseManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: proxy
spec:
  template:
    spec:
      containers:
        - name: envoy
          image: Envoyproxy/envoy:v1.30.1
`;

/** The offline workspace: two files naming one registry, which is not listening when they open. */
const offlineManifests = (host) => ({
  'deployment.yaml': registryManifest(`${host}/team/app`),
  'jobs/cron.yaml': cronJobManifest(`${host}/team/app`),
});

/** A TCP pipe on 127.0.0.1:`port` to the real registry at `target` (`127.0.0.1:PORT`): the registry "coming back" on the port the files name. */
function pipeTo(port, target) {
  const [host, targetPort] = target.split(':');
  const sockets = new Set();
  const server = createServer((socket) => {
    const upstream = connect(Number(targetPort), host);
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('error', () => socket.destroy());
      s.on('close', () => sockets.delete(s));
    }
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        stop: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

/** The registry workspace's second manifest: a tag to pin, a tag the registry does not have, a placeholder. */
const CRON_JOB = 'jobs/cron.yaml';
const cronJobManifest = (repository) => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: export
              image: ${repository}:1.9.3
            - name: missing
              image: ${repository}:9.9.9
            - name: templated
              image: \${EXPORT_IMAGE}
`;

describe('the packaged extension in code-server, driven like a user', { timeout: 360_000 }, () => {
  let server;
  let browser;
  let page;
  let registry;
  let seed;
  let deploy;
  let loginRegistry;
  let registryWorkspace;
  let pipe;
  let rateLimited;
  let failed = false;
  const unique = randomBytes(4).toString('hex');
  // The build to cancel: a tag and a marker in its RUN step's command line that no other process has.
  const slowBuild = { tag: `localhost/cancel-me-${unique}:1`, reloadTag: `localhost/cancel-me-${unique}:2`, marker: `image-aware-cancel-${unique}` };

  async function shot(name) {
    await page.screenshot({ path: join(screenshots, `${name}.png`) });
  }

  /** The text of the editor's line that contains `needle` (inlay hints included: they are text in the DOM). */
  async function lineText(needle, selector = EDITOR) {
    return page.evaluate(
      ([selector, n]) =>
        [...document.querySelectorAll(`${selector} .view-line`)].map((l) => l.textContent.replace(/\u00a0/g, ' ')).find((t) => t.includes(n)) ?? null,
      [selector, needle],
    );
  }

  /** The rendered line that sets imagePullPolicy (not an inlay hint that shows one). */
  async function policyLine() {
    return page.evaluate(
      (selector) =>
        [...document.querySelectorAll(`${selector} .view-line`)]
          .map((l) => l.textContent.replace(/\u00a0/g, ' '))
          .find((t) => /^\s*imagePullPolicy:/.test(t)) ?? null,
      EDITOR,
    );
  }

  /** Bounding box of `needle` (a substring of one rendered line of the editor `selector`), measured on the rendered text. */
  async function textBox(needle, selector = EDITOR) {
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
      [selector, needle],
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

  /** Opens `file` (workspace-relative) in the open workspace with Quick Open. */
  async function openFile(file) {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(file);
    // The focused row, once the list is filtered: before that, Enter opens a recently opened file.
    await page
      .locator('.quick-input-list .monaco-list-row.focused', { hasText: basename(file) })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
    await page.locator(`.monaco-editor[data-uri$="/${file}"] .view-lines`).waitFor();
  }

  /** Answers the input box whose prompt contains `prompt`; returns the input's type attribute. */
  async function answer(prompt, text) {
    const widget = page.locator('.quick-input-widget', { hasText: prompt });
    await widget.waitFor({ state: 'visible' });
    const input = widget.locator('input.input');
    const type = await input.getAttribute('type');
    await input.fill(text);
    await page.keyboard.press('Enter');
    return type;
  }

  async function clearNotifications() {
    await runCommand('Notifications: Clear All Notifications');
    await page
      .locator('.notification-toast')
      .first()
      .waitFor({ state: 'detached', timeout: 5_000 })
      .catch(() => {});
  }

  const toast = (text) => page.locator('.notification-toast', { hasText: text });
  /** The diff tabs an apply opens for the server's dry run. */
  const dryRunTabs = () => page.locator('.tabs-container .tab', { hasText: 'live ↔ after apply (server dry run)' });

  /** The rendered lines of an editor in screen order, joined: a long line wrapped onto several reads as one. */
  async function renderedText(editor) {
    return editor.locator('.view-line').evaluateAll((lines) =>
      lines
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((l) => l.textContent.replace(/\u00a0/g, ' '))
        .join(''),
    );
  }

  /** The text of the output channel shown in the panel. */
  const outputText = () => renderedText(page.locator('.part.panel .monaco-editor[data-uri^="output:"]'));

  /** The rows of the open quick input: label, description, the separator shown above it (a file), and whether it is checked. */
  async function quickInputRows() {
    return page.locator('.quick-input-widget .quick-input-list .monaco-list-row').evaluateAll((rows) =>
      rows.map((row) => {
        const separator = row.querySelector('.quick-input-list-separator');
        return [
          row.querySelector('.label-name')?.textContent?.trim() ?? '',
          row.querySelector('.label-description')?.textContent?.trim() ?? '',
          separator && getComputedStyle(separator).display !== 'none' ? separator.textContent.trim() : '',
          row.getAttribute('aria-checked'),
        ];
      }),
    );
  }

  /**
   * Ctrl+. at line:column until the menu offers `title` (the server may still be asking the registry or
   * indexing the workspace); returns the titles of the menu's actions and the focused one.
   */
  async function quickFixMenu(line, column, title) {
    const rows = page.locator('.action-widget .monaco-list-row');
    await waitFor(
      `"${title}" in the quick fix menu`,
      async () => {
        await page.keyboard.press('Escape');
        await goTo(line, column);
        await page.keyboard.press('Control+.');
        return rows
          .filter({ hasText: title })
          .first()
          .waitFor({ timeout: 3_000 })
          .then(
            () => true,
            () => false,
          );
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    const titles = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).filter(Boolean);
    const focused = await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label');
    return { titles, focused };
  }

  /** Moves the menu's focus down to `title` and chooses it with Enter (a click can land on the menu's pointer guard). */
  async function chooseAction(title) {
    for (let i = 0; i < 20; i++) {
      if ((await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label')) === title) break;
      await page.keyboard.press('ArrowDown');
    }
    assert.equal(await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label'), title);
    await page.keyboard.press('Enter');
  }

  /**
   * The parts of every row of the suggest widget (label, labelDetails, detail), each with whether it shows whole: not
   * cut off by a box it overflows (the ellipsis) and on one line. Written to `<name>.json` beside the screenshots;
   * asserts that every part shows whole.
   */
  async function suggestParts(name) {
    const parts = await page.locator('.suggest-widget.visible .monaco-list-row').evaluateAll((rows) =>
      rows.flatMap((row) =>
        [...row.querySelectorAll('.label-name, .signature-label, .qualifier-label, .details-label')]
          .filter((el) => el.offsetParent !== null && el.textContent.trim() !== '')
          .map((el) => {
            const box = el.getBoundingClientRect();
            const clippedBy = [];
            for (let box2, a = el; a && a !== row.parentElement; a = a.parentElement) {
              box2 = a.getBoundingClientRect();
              const overflows = a.clientWidth > 0 && a.scrollWidth > a.clientWidth + 1;
              const outside = box.right > box2.right + 1 || box.left < box2.left - 1;
              if (overflows || outside) clippedBy.push(a.className);
            }
            return { text: el.textContent.trim(), clippedBy, lines: el.getClientRects().length, width: Math.round(box.width) };
          }),
      ),
    );
    writeFileSync(join(screenshots, `${name}.json`), JSON.stringify(parts, null, 2));
    assert.deepEqual(
      parts.filter((part) => part.clippedBy.length > 0 || part.lines > 1),
      [],
      `parts cut off or wrapped:\n${JSON.stringify(parts, null, 2)}`,
    );
    return parts;
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
    // What the apply, build and log-in scenarios need, in the deploy workspace before it opens.
    const workspace = deploy.seed.workspace;
    writeFileSync(join(workspace, 'scaled.yaml'), workloadManifest('api', `${deploy.seed.repository}:1.0`, 3));
    writeFileSync(join(workspace, 'broken.yaml'), workloadManifest('broken', `${deploy.seed.repository}:does-not-exist`, 1));
    writeSlowBuild(workspace, 'slow', slowBuild.marker);
    const home = scratchDir('ui');
    const extensionsDir = join(home, 'extensions');
    const userDataDir = join(home, 'user-data');
    installVsix(vsixPath, extensionsDir, userDataDir);
    const installed = readdirSync(extensionsDir).filter((name) => name.startsWith('image-aware.image-aware-manifests-'));
    assert.equal(installed.length, 1, `the VSIX installed into ${extensionsDir}`);
    // KUBECONFIG (the stub API server) reaches the extension host through code-server's environment.
    // buildah: the containers sandbox in deploy.env (vfs storage, chroot isolation, auth file) is made for it.
    server = await startCodeServer({
      name: 'ui',
      extensionsDir,
      userDataDir,
      env: deploy.env,
      settings: { 'imageAware.build.tool': 'buildah', 'diffEditor.wordWrap': 'on' },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const editorWorkspace = copyWorkspace();
    writeFileSync(join(editorWorkspace, 'colours.yaml'), coloursText);
    writeFileSync(join(editorWorkspace, UPPERCASE), uppercaseManifest);
    // A version of nginx the workspace uses, for the offline "Use version" fix.
    writeFileSync(
      join(editorWorkspace, 'versions.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: pinned-web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n',
    );
    await openWorkspaceManifest(editorWorkspace);
  });

  after(async () => {
    if (failed && page) await shot('ui-failure').catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
    // A build a failed test left running is in a process group of its own: code-server's stop does not reach it.
    for (const pgid of new Set(
      processes()
        .filter((p) => p.cmdline.includes(`cancel-me-${unique}`))
        .map((p) => p.pgid),
    )) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await loginRegistry?.stop();
    await pipe?.stop();
    await rateLimited?.stop();
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

  test('a warning squiggle appears under the tag of nginx:latest, and the status bar counts the problems of the whole workspace', () =>
    step(async () => {
      await page.locator(`${EDITOR} .squiggly-error`).first().waitFor({ timeout: 60_000 });
      const tag = await waitFor('nginx:latest to be rendered', () => textBox('nginx:latest'));
      const squiggles = await page.locator(`${EDITOR} .squiggly-warning`).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      const underTag = squiggles.find((s) => Math.abs(s.top - tag.y) < tag.height && s.left >= tag.x + tag.width / 2 - 2 && s.left < tag.x + tag.width);
      assert.ok(underTag, `a warning squiggle under "latest" of nginx:latest (line at y=${tag.y}); squiggles: ${JSON.stringify(squiggles)}`);
      // deployment.yaml open, and in the background the files that are not: colours.yaml (1 error, 2 warnings,
      // 1 information), Dockerfile and kustomization.yaml (a warning each), upper.yaml (uppercase-registry).
      const problems = () => page.locator('[id="status.problems"]').getAttribute('aria-label');
      await waitFor(
        'the counts of the whole workspace',
        async () => /2 Errors.*7 Warnings.*1 Info|Errors: 2.*Warnings: 7.*Info\w*: 1/i.test((await problems()) ?? ''),
        {
          timeoutMs: 30_000,
        },
      ).catch(async (error) => assert.fail(`${error.message}: ${await problems()}`));
    }));

  test('hovering the squiggle shows the finding, then the summary line, then the effective pull policy and why; no line twice', () =>
    step(async () => {
      const tag = await textBox('nginx:latest');
      await page.mouse.move(tag.x + tag.width * 0.8, tag.y + tag.height / 2);
      const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content');
      await hover.first().waitFor({ timeout: 15_000 });
      await waitFor('the pull-policy explanation in the hover', async () => /imagePullPolicy: Always \(default\)/.test(await hover.first().innerText()));
      const text = await hover.first().innerText();
      assert.match(text, /:latest" moves with every push/);
      assert.match(text, /Kubernetes defaults imagePullPolicy to Always/);
      // The image's own part of the hover starts with one summary line: canonical reference · policy · pinned or not.
      const lines = text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      const summary = lines.indexOf('docker.io/library/nginx:latest · Always · not pinned');
      assert.ok(summary >= 0, `the summary line in:\n${text}`);
      assert.ok(summary < lines.findIndex((line) => line.startsWith('imagePullPolicy: Always (default)')), `the summary line first:\n${text}`);
      assert.deepEqual(
        lines.filter((line, i) => lines.indexOf(line) !== i),
        [],
        `no line twice:\n${text}`,
      );
      await shot('hover-latest');
      await page.mouse.move(5, 780);
      await page.keyboard.press('Escape');
    }));

  test('inlay hints show the policy Kubernetes fills in after nginx and nginx:latest', () =>
    step(async () => {
      await waitFor('inlay hints', async () => (await lineText('image: nginx:latest'))?.includes('imagePullPolicy = Always'));
      // The first line with `image: nginx` is the untagged one.
      assert.match(await lineText('image: nginx'), /^ {10}image: nginx\s*imagePullPolicy = Always$/);
      assert.equal(await lineText('ghcr.io/acme/api:1.4.2'), '          image: ghcr.io/acme/api:1.4.2', 'no hint where the policy is written');
    }));

  test('the Problems panel lists the findings with their codes, those of the files that are not open too', () =>
    step(async () => {
      await page.keyboard.press('Control+Shift+M');
      await runCommand('View: Toggle Maximized Panel');
      const rows = page.locator('.markers-panel .monaco-list-row');
      // Hints (not-pinned) are not listed there; the errors, warnings and the information are, under their files.
      const texts = () => rows.allInnerTexts();
      await waitFor('the five files and their ten problems', async () => (await texts()).length >= 15);
      const text = (await texts()).join('\n');
      for (const code of ['invalid-pull-policy', 'implicit-latest', 'latest-tag', 'unknown-pull-secret', 'uppercase-registry'])
        assert.ok(text.includes(code), `${code} in the Problems panel:\n${text}`);
      assert.match(text, /the value is case-sensitive: "IfNotPresent"/);
      // Files never opened in this window: their findings come from the background pass.
      for (const file of ['colours.yaml', 'Dockerfile', 'kustomization.yaml', UPPERCASE])
        assert.ok(text.includes(file), `${file} in the Problems panel:\n${text}`);
      assert.match(text, /"Envoyproxy" has uppercase letters, so it is read as a registry host, not Docker Hub's "envoyproxy\/envoy:v1\.30\.1"/);
      await shot('problems-panel');
      await runCommand('View: Toggle Maximized Panel');
      await page.keyboard.press('Control+Shift+M');
      await page.locator(`${EDITOR} .view-lines`).click();
    }));

  test('Ctrl+. on `imagePullPolicy: ifNotPresent` (a version tag: IfNotPresent is the default) prefers removing the line; the case fix is offered too', () =>
    step(async () => {
      const [line, column] = where('imagePullPolicy: ifNotPresent', 'ifNotPresent');
      const remove = 'Remove imagePullPolicy (IfNotPresent is the default)';
      const { titles, focused } = await quickFixMenu(line, column + 2, remove);
      assert.ok(titles.includes('Change imagePullPolicy to IfNotPresent'), titles.join('\n'));
      await shot('quick-fix-menu');
      // The preferred fix is focused; Enter applies it (a click can land on the menu's pointer guard).
      assert.equal(focused, remove);
      await page.keyboard.press('Enter');
      await waitFor('the line removed', async () => (await policyLine()) === null && (await lineText('image: ghcr.io/acme/api:1.4.2')) !== null);
      await page.locator(`${EDITOR} .squiggly-error`).first().waitFor({ state: 'detached', timeout: 15_000 });
      await shot('quick-fix-removed');
      // Undone, for the case fix: the completion below starts from its line.
      await page.keyboard.press('Control+Z');
      await waitFor('the line back', async () => (await policyLine()) === '          imagePullPolicy: ifNotPresent');
      await quickFixMenu(line, column + 2, 'Change imagePullPolicy to IfNotPresent');
      await chooseAction('Change imagePullPolicy to IfNotPresent');
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
        return rows
          .first()
          .waitFor({ timeout: 3_000 })
          .then(
            () => true,
            () => false,
          );
      });
      const labels = await rows.evaluateAll((els) => els.map((e) => e.querySelector('.label-name')?.textContent?.trim()));
      assert.deepEqual(labels.slice(0, 3), ['Always', 'IfNotPresent', 'Never']);
      const focused = await page.locator('.suggest-widget.visible .monaco-list-row.focused .label-name').innerText();
      assert.equal(focused, 'IfNotPresent', 'the Kubernetes default for a version tag is preselected');
      await shot('completion-pull-policy');
      // Ctrl+Space again opens the item's documentation beside the list.
      await page.keyboard.press('Control+Space');
      const details = page.locator('.suggest-details-container .suggest-details');
      await waitFor('the documentation of IfNotPresent', async () =>
        /Pull only when the node does not have the image yet/.test(await details.innerText().catch(() => '')),
      );
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await waitFor('the chosen value', async () => (await policyLine()) === '          imagePullPolicy: Never');
    }));

  test('uppercase-registry: Envoyproxy/envoy:v1.30.1 is marked, and Ctrl+. writes the Docker Hub reading envoyproxy/envoy:v1.30.1', () =>
    step(async () => {
      await openFile(UPPERCASE);
      const editor = `.monaco-editor[data-uri$="/${UPPERCASE}"]`;
      await page.locator(`${editor} .squiggly-warning`).first().waitFor({ timeout: 30_000 });
      await goTo(...where('image: Envoyproxy', 'Envoyproxy', uppercaseManifest));
      await page.keyboard.press('Control+.');
      const title = "Use Docker Hub's envoyproxy/envoy:v1.30.1";
      await page.locator('.action-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label'), title, 'the preferred fix is focused');
      await shot('uppercase-registry-fix');
      await page.keyboard.press('Enter');
      await waitFor('the Docker Hub reading', async () => ((await lineText('image: ', editor)) ?? '').includes('image: envoyproxy/envoy:v1.30.1'));
      await page.locator(`${editor} .squiggly-warning`).first().waitFor({ state: 'detached', timeout: 15_000 });
      await page.keyboard.press('Control+S');
      await openFile('deployment.yaml');
    }));

  test('offline, Ctrl+. on `nginx:latest` and on `nginx` offers the versions the workspace uses, preferred; writing :latest is never preferred', () =>
    step(async () => {
      // versions.yaml (written in before()) uses nginx:1.27.2; the registry is off in this workspace.
      const version = 'Use version 1.27.2 (used in the workspace)';
      const implicit = await quickFixMenu(...where('image: nginx\n', 'nginx'), version);
      assert.equal(implicit.focused, version, implicit.titles.join('\n'));
      assert.ok(implicit.titles.includes('Write :latest explicitly: nginx:latest'), implicit.titles.join('\n'));
      assert.ok(
        implicit.titles.indexOf('Write :latest explicitly: nginx:latest') > implicit.titles.indexOf(version),
        'writing :latest comes after the version',
      );
      const [line, column] = where('image: nginx:latest', 'latest');
      const latest = await quickFixMenu(line, column + 2, version);
      assert.equal(latest.focused, version, latest.titles.join('\n'));
      await shot('quick-fix-versions');
      await page.keyboard.press('Enter');
      await waitFor('the version written', async () => (await lineText('image: nginx:1.27.2')) !== null);
      await page.keyboard.press('Control+Z');
      await waitFor('nginx:latest back', async () => (await lineText('image: nginx:latest')) !== null);
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
  test('the extension page shows the icon and the changelog; the walkthrough opens with its five steps', () =>
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
      await waitFor('the walkthrough steps', async () => (await steps.count()) === 5);
      assert.deepEqual(await steps.allInnerTexts(), [
        'Open a manifest and see what is wrong',
        'Hover: the pull policy Kubernetes will apply',
        'Fix it with a quick fix',
        'Pin to digests with your registry',
        'Build, push, pin and apply',
      ]);
      await page.locator('.getting-started-step.expanded', { hasText: 'Show the Problems Panel' }).waitFor();
      // The step's markdown page (docs/walkthrough/findings.md from the VSIX) renders in a webview.
      await waitFor(
        "the first step's markdown page",
        async () => {
          for (const frame of page.frames()) {
            if (
              (await frame
                .locator('h1', { hasText: 'What is wrong with an image field' })
                .count()
                .catch(() => 0)) > 0
            )
              return true;
          }
          return false;
        },
        { timeoutMs: 15_000, intervalMs: 200 },
      );
      await shot('walkthrough');
      await page.keyboard.press('Control+Shift+E');
    }));

  /** The rendered runs of the line of colours.yaml that contains `needle`, each with its colour. */
  async function coloursOf(needle) {
    return page.evaluate(
      ([selector, n]) => {
        const line = [...document.querySelectorAll(`${selector} .view-line`)].find((l) => l.textContent.replace(/\u00a0/g, ' ').includes(n));
        if (!line) return null;
        // Monaco cuts a long token into several spans: adjacent spans of one colour are one run.
        const runs = [];
        for (const span of line.querySelectorAll('span > span')) {
          const [text, colour] = [span.textContent.replace(/\u00a0/g, ' '), getComputedStyle(span).color];
          if (runs.length > 0 && runs.at(-1)[1] === colour) runs.at(-1)[0] += text;
          else runs.push([text, colour]);
        }
        return runs;
      },
      [COLOURS, needle],
    );
  }

  test('the colours come from the analysis: registry, repository, tag and digest of a Deployment image each coloured, the image field of a CRD not', () =>
    step(async () => {
      await openFile('colours.yaml');
      const digest = 'sha256:6f1b6a3e1c6d2b8f9e0a4c7d3b5e8f1a2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e0f';
      // The semantic tokens arrive after the first paint: wait until the registry is a run of its own.
      const runs = await waitFor('the image parts as runs of their own', async () => {
        const found = await coloursOf('image: ghcr.io/example/web:2.4.1@');
        return found?.some(([text]) => text === 'ghcr.io') ? new Map(found) : undefined;
      });
      const parts = ['ghcr.io', 'example/web', '2.4.1', digest].map((text) => [text, runs.get(text)]);
      // The Widget is below the fold: Monaco renders only the lines in view.
      await goTo(...where('image: ghcr.io/example/widget:1.0', 'image', coloursText));
      const crd = await waitFor('the Widget line', () => coloursOf('image: ghcr.io/example/widget:1.0'));
      const plain = new Map(crd).get('ghcr.io/example/widget:1.0');
      assert.ok(plain, `the Widget's value is one uncoloured run: ${JSON.stringify(crd)}`);
      for (const [text, colour] of parts) assert.ok(colour && colour !== plain, `${text} has a colour of its own: ${JSON.stringify([...runs])}`);
      assert.notEqual(runs.get('2.4.1'), runs.get(digest), 'tag and digest differ');
      assert.notEqual(runs.get('example/web'), runs.get('2.4.1'), 'repository and tag differ');
      await page.keyboard.press('Control+Home');

      // For docs/hover.png: the sidebar closed, the hover on `image: nginx`, lines from `selector:` on.
      await page.keyboard.press('Control+B');
      await waitFor('the editor to widen', async () => (await page.locator(COLOURS).boundingBox()).x < 100);
      // `selector:` (line 10) at the top, so 26 lines fit above the status bar. One line per key press, read back from
      // the line numbers before the next: on a loaded machine a press can land late, and a fixed count overshoots.
      const selectorLine = coloursText.split('\n').findIndex((line) => line.includes('selector:')) + 1;
      const topLine = () =>
        page
          .locator(`${COLOURS} .margin-view-overlays .line-numbers`)
          .evaluateAll((els) => Number(els.sort((x, y) => x.getBoundingClientRect().top - y.getBoundingClientRect().top)[0]?.textContent));
      await waitFor(
        'selector: as the top line',
        async () => {
          const top = await topLine();
          if (top === selectorLine) return true;
          await page.keyboard.press(top < selectorLine ? 'Control+ArrowDown' : 'Control+ArrowUp');
          await waitFor('the editor to scroll', async () => (await topLine()) !== top, { timeoutMs: 2_000, intervalMs: 50 }).catch(() => undefined);
          return false;
        },
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      // Measured and pointed at again on every try: a layout that settles late moves the text under the mouse.
      const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content');
      let nudge = 0;
      await waitFor(
        'the hover on nginx',
        async () => {
          const nginx = await textBox('image: nginx', COLOURS);
          await page.mouse.move(nginx.x + nginx.width - 15 + (nudge++ % 2), nginx.y + nginx.height / 2);
          return /imagePullPolicy: Always \(default\)/.test(
            await hover
              .first()
              .innerText({ timeout: 1_000 })
              .catch(() => ''),
          );
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      // 26 whole lines from `selector:`, the editor's width up to 1060 px.
      const lines = await page.locator(`${COLOURS} .view-line`).evaluateAll((els) => els.map((e) => [e.textContent, e.getBoundingClientRect().toJSON()]));
      const selector = lines.find(([text]) => text.includes('selector:'))[1];
      const editor = await page.locator(COLOURS).boundingBox();
      const clip = { x: editor.x, y: selector.top, width: Math.min(1060, editor.width), height: 26 * selector.height };
      await page.screenshot({ path: join(screenshots, 'hover-colours.png'), clip });
      await page.mouse.move(5, 780);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+B');
    }));

  test('with a registry: typing `image: 127.0.0.1:PORT/team/app:` lists its tags in the suggest widget, newest version first; Enter writes 2.0.0', () =>
    step(async () => {
      // A second workspace in the same window: its deployment.yaml points at the registry started in
      // before(), and its .vscode/settings.json turns imageAware.registry.online on. jobs/cron.yaml is
      // for Pin Every Image in the Workspace, below.
      registryWorkspace = writeRegistryWorkspace(seed, 'ui-registry-workspace');
      mkdirSync(join(registryWorkspace, 'jobs'));
      writeFileSync(join(registryWorkspace, CRON_JOB), cronJobManifest(seed.repository));
      await openWorkspaceManifest(registryWorkspace);
      const manifest = registryManifest(seed.repository);
      await goTo(...where(`image: ${seed.repository}:1.10.0`, 'image', manifest));
      await page.keyboard.press('Shift+End');
      // The reference goes in as one input (as a paste would): typed key by key, `127.0.0.1:` would
      // ask Docker Hub for the tags of an image called 127.0.0.1. Then the colon is typed.
      await page.keyboard.insertText(`image: ${seed.repository}`);
      await page.keyboard.type(':');
      const rows = page.locator('.suggest-widget.visible .monaco-list-row');
      const labels = () => rows.evaluateAll((els) => els.map((e) => e.querySelector('.label-name')?.textContent?.trim()));
      await waitFor(
        'the tags in the suggest widget',
        async () => {
          if ((await rows.count()) === 0) await page.keyboard.press('Control+Space');
          const seen = await labels().catch(() => []);
          return seen.length === seed.tagsNewestFirst.length && seen[0] === seed.tagsNewestFirst[0];
        },
        { timeoutMs: 20_000, intervalMs: 500 },
      );
      assert.deepEqual(await labels(), seed.tagsNewestFirst);
      assert.equal(await page.locator('.suggest-widget.visible .monaco-list-row.focused .label-name').innerText(), '2.0.0');
      // Every part of every row (label, "moving tag" mark, platforms and date, the focused row's detail) shows whole:
      // none is cut off with an ellipsis or wrapped. The platforms and dates come with the rows' labelDetails.
      await waitFor('the platforms of 2.0.0 in its row', async () =>
        /linux\/amd64, arm64/.test(await page.locator('.suggest-widget.visible .monaco-list-row.focused').innerText()),
      );
      const parts = await suggestParts('tag-completion-parts');
      assert.ok(
        parts.some((part) => part.text === 'moving tag'),
        `the moving tag mark: ${JSON.stringify(parts)}`,
      );
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
          (selector) =>
            [...document.querySelectorAll(`${selector} .view-line`)]
              .map((l) => l.textContent.replace(/\u00a0/g, ' ').trim())
              .filter((t) => t.startsWith('image: ')),
          EDITOR,
        );
      await waitFor('the chosen tag', async () => (await images()).every((line) => line.startsWith(`image: ${seed.repository}:2.0.0`)));
      const values = (await images()).map((line) => line.replace(/\s*imagePullPolicy = \w+$/, ''));
      assert.deepEqual(values, [`image: ${seed.repository}:2.0.0`, `image: ${seed.repository}:2.0.0`]);
      // `@` after the tag: the digest it points to (the index, with its platforms), then each platform's, each row whole.
      await page.keyboard.type('@');
      await waitFor(
        'the digests in the suggest widget',
        async () => {
          if ((await rows.count()) === 0) await page.keyboard.press('Control+Space');
          const seen = await labels().catch(() => []);
          // A row shows its digest short: a whole one does not fit the widget.
          return seen.length === 1 + seed.index.platforms.length && seen[0] === `${seed.index.digest.slice(0, 19)}…`;
        },
        { timeoutMs: 20_000, intervalMs: 500 },
      );
      const digestRows = await suggestParts('digest-completion-parts');
      for (const { platform } of seed.index.platforms)
        assert.ok(
          digestRows.some((part) => part.text === platform),
          `${platform} in ${JSON.stringify(digestRows)}`,
        );
      await shot('digest-completion');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Backspace');
      await waitFor('the tag as before', async () => (await images()).every((line) => !line.includes('@')));
    }));
  test('Pin Every Image in the Workspace: a preview with every image checked and a diff per file; the unchecked image stays, the others are pinned; the notification has Show Output, the output each image as path:line', () =>
    step(async () => {
      const repo = seed.repository;
      // deployment.yaml as the tag completion above left it (unsaved): both containers on 2.0.0.
      const deployment = registryManifest(repo).replace(`${repo}:1.10.0`, `${repo}:2.0.0`);
      const cron = cronJobManifest(repo);
      const lineOf = (text, needle) => text.slice(0, text.indexOf(needle)).split('\n').length;
      const app = lineOf(deployment, `image: ${repo}:2.0.0`);
      const worker = lineOf(deployment, 'name: worker') + 1;
      const short = (digest) => `@${digest.slice(0, 19)}…`;
      await clearNotifications();
      await runCommand('Image Aware: Pin Every Image in the Workspace to Its Digest');
      const preview = page.locator('.quick-input-widget', { hasText: 'Pin Every Image in the Workspace: 3 images in 2 files' });
      await preview.waitFor({ timeout: 30_000 });
      await waitFor('the three pins', async () => (await quickInputRows()).length === 3);
      assert.deepEqual(await quickInputRows(), [
        [`${repo}:2.0.0`, `line ${app} → ${short(seed.index.digest)}`, 'deployment.yaml', 'true'],
        [`${repo}:2.0.0`, `line ${worker} → ${short(seed.index.digest)}`, '', 'true'],
        [`${repo}:1.9.3`, `line ${lineOf(cron, ':1.9.3')} → ${short(seed.versionsDigest)}`, CRON_JOB, 'true'],
      ]);
      // The row's button: the file as it is beside the file pinned.
      const rows = preview.locator('.quick-input-list .monaco-list-row');
      await rows.nth(2).hover();
      await rows.nth(2).locator('.action-label.codicon-diff').click();
      const diffTab = page.locator('.tabs-container .tab', { hasText: `${CRON_JOB}: as it is ↔ pinned` });
      await diffTab.waitFor({ timeout: 10_000 });
      const pinnedSide = page.locator('.monaco-diff-editor .editor.modified');
      // Wrapped, the rest of a line is indented: compared without white space.
      await waitFor('the pinned image in the diff', async () =>
        (await renderedText(pinnedSide)).replace(/\s/g, '').includes(`${repo}:1.9.3@${seed.versionsDigest}`),
      );
      await rows.nth(1).locator('.monaco-checkbox').click();
      await waitFor('the worker unchecked', async () => (await quickInputRows())[1][3] === 'false');
      await shot('pin-preview');
      await preview.locator('.quick-input-box input').focus();
      await page.keyboard.press('Enter');
      const summary = toast('Pinned 2 images in 2 files. 1 left unchecked. 2 not pinned: see the output.');
      await summary.waitFor({ timeout: 20_000 });
      await diffTab.waitFor({ state: 'detached', timeout: 5_000 });
      await waitFor('the notification to fade in', () => summary.evaluate((e) => getComputedStyle(e).opacity === '1'));
      await shot('pin-summary');
      await summary.locator('.monaco-button', { hasText: 'Show Output' }).click();
      await runCommand('View: Toggle Maximized Panel');
      const expected = [
        `deployment.yaml:${app}: ${repo}:2.0.0 → ${repo}:2.0.0@${seed.index.digest}`,
        `${CRON_JOB}:${lineOf(cron, ':1.9.3')}: ${repo}:1.9.3 → ${repo}:1.9.3@${seed.versionsDigest}`,
        `deployment.yaml:${worker}: ${repo}:2.0.0: left as it is (unchecked in the preview)`,
        `${CRON_JOB}:${lineOf(cron, ':9.9.9')}: ${repo}:9.9.9: not pinned: ${seed.host} has no tag "9.9.9" in team/app`,
        `${CRON_JOB}:${lineOf(cron, '${EXPORT_IMAGE}')}: \${EXPORT_IMAGE}: not pinned: Image "\${EXPORT_IMAGE}" holds a template placeholder; it is checked only once rendered.`,
        'Pinned 2 images in 2 files. 1 left unchecked. 2 not pinned: see the output.',
      ];
      await waitFor('every image in the output channel', async () => (await outputText()).includes(expected.join('')), { timeoutMs: 10_000 }).catch(
        async (error) => assert.fail(`${error.message}:\n${await outputText()}`),
      );
      await shot('pin-output');
      await runCommand('View: Toggle Maximized Panel');
      await page.keyboard.press('Control+J');
      // The pins are edits in the editors, one undo, unsaved: saved here to compare the files whole.
      for (const file of ['deployment.yaml', CRON_JOB]) {
        await openFile(file);
        await page.keyboard.press('Control+S');
      }
      const disk = (file) => readFileSync(join(registryWorkspace, file), 'utf8');
      const lines = deployment.split('\n');
      lines[app - 1] = lines[app - 1].replace(`${repo}:2.0.0`, `${repo}:2.0.0@${seed.index.digest}`);
      await waitFor('the pinned files on disk', () => disk('deployment.yaml') === lines.join('\n') && disk(CRON_JOB) !== cron, { timeoutMs: 10_000 });
      assert.equal(disk(CRON_JOB), cron.replace(`${repo}:1.9.3`, `${repo}:1.9.3@${seed.versionsDigest}`));
    }));

  test("with a registry, Ctrl+. offers: the registry's three newest tags for a missing tag, the lowercase repository, the newest version (and with its digest) for :latest", () =>
    step(async () => {
      const repo = seed.repository;
      const upper = `${seed.host}/Team/App:1.9.3`;
      const fixes = `apiVersion: v1
kind: Pod
metadata:
  name: fixes
spec:
  containers:
    - name: missing
      image: ${repo}:9.9.9
    - name: upper
      image: ${upper}
    - name: moving
      image: ${repo}:latest
`;
      writeFileSync(join(registryWorkspace, 'fixes.yaml'), fixes);
      const FIXES = '.monaco-editor[data-uri$="/fixes.yaml"]';
      // From the Explorer, once the file watcher has shown it there (Quick Open's file list can lag behind a new file).
      await page.keyboard.press('Control+Shift+E');
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'fixes.yaml' });
      await row.waitFor({ timeout: 30_000 });
      await row.dblclick();
      await page.locator(`${FIXES} .view-lines`).waitFor();
      const line = (needle) => lineText(needle, FIXES);

      // tag-not-found: the newest three releases, newest first (2.0.0-rc.1 is a prerelease, latest moves).
      const [missingLine, missingColumn] = where(`image: ${repo}:9.9.9`, '9.9.9', fixes);
      const missing = await quickFixMenu(missingLine, missingColumn + 1, 'Use tag 2.0.0');
      assert.deepEqual(
        missing.titles.filter((title) => title.startsWith('Use tag ')),
        ['Use tag 2.0.0', 'Use tag 1.10.0', 'Use tag 1.9.3'],
      );
      assert.equal(missing.focused, 'Use tag 2.0.0');
      await shot('quick-fix-newest-tags');
      await page.keyboard.press('Enter');
      await waitFor('the newest tag written', async () => (await line(`image: ${repo}:2.0.0`)) !== null);

      // An uppercase repository path: lowercased, the registry and the tag as written.
      const lowered = `Lowercase the repository: ${seed.host}/team/app:1.9.3`;
      const uppercase = await quickFixMenu(...where(`image: ${upper}`, 'Team', fixes), lowered);
      assert.equal(uppercase.focused, lowered);
      await page.keyboard.press('Enter');
      await waitFor('the lowercased repository', async () => (await line(`image: ${seed.host}/team/app:1.9.3`)) !== null);

      // :latest: the registry's newest version, preferred; "and its digest" asks the registry for it when chosen.
      const [latestLine, latestColumn] = where(`image: ${repo}:latest`, 'latest', fixes);
      const latest = await quickFixMenu(latestLine, latestColumn + 2, 'Use version 2.0.0 and its digest');
      assert.equal(latest.focused, 'Use version 2.0.0');
      assert.ok(latest.titles.includes('Use version 1.10.0'), latest.titles.join('\n'));
      await chooseAction('Use version 2.0.0 and its digest');
      await waitFor('the version and its digest written', async () => (await line(`image: ${repo}:2.0.0@${seed.index.digest}`)) !== null, {
        timeoutMs: 15_000,
      });
      await page.keyboard.press('Control+S');
      await waitFor(
        'fixes.yaml saved',
        () =>
          readFileSync(join(registryWorkspace, 'fixes.yaml'), 'utf8') ===
          fixes
            .replace(`${repo}:9.9.9`, `${repo}:2.0.0`)
            .replace(upper, `${seed.host}/team/app:1.9.3`)
            .replace(`${repo}:latest`, `${repo}:2.0.0@${seed.index.digest}`),
      );
    }));

  test('a registry that does not answer is one status bar entry with its reason, not a problem in each file; Retry once it is up clears it, and its low pulls show', () =>
    step(async () => {
      const port = await freePort();
      const host = `127.0.0.1:${port}`;
      const workspace = writeRegistryWorkspace({ repository: `${host}/team/app` }, 'offline-workspace');
      for (const [file, text] of Object.entries(offlineManifests(host))) {
        mkdirSync(join(workspace, file, '..'), { recursive: true });
        writeFileSync(join(workspace, file), text);
      }
      await openWorkspaceManifest(workspace);
      await openFile(CRON_JOB);
      // Two open files and three images name the registry: one entry, in words.
      const item = page.locator('.statusbar-item', { hasText: '1 registry unreachable' });
      await item.waitFor({ timeout: 30_000 });
      await item.hover();
      const tooltip = page.locator('.monaco-hover:not(.hidden), .workbench-hover', { hasText: host });
      await tooltip.first().waitFor({ timeout: 10_000 });
      const words = await tooltip.first().innerText();
      assert.match(words, new RegExp(`${host} refused the connection\\. \\(\\d{1,2}:\\d{2}:\\d{2}`), words);
      assert.doesNotMatch(words, /ECONNREFUSED/);
      await shot('registry-status');
      await page.mouse.move(640, 300);
      // Problems: the offline findings only, no registry-unreachable row in any file.
      await page.keyboard.press('Control+Shift+M');
      const rows = page.locator('.markers-panel .monaco-list-row');
      await waitFor('the problem rows', async () => (await rows.count()) > 0);
      const text = (await rows.allInnerTexts()).join('\n');
      assert.doesNotMatch(text, /registry-unreachable|could not be reached|refused the connection/, text);
      await shot('registry-status-problems');
      await page.keyboard.press('Control+Shift+M');

      // The registry comes up on that port, behind a proxy that says 3 of 100 pulls are left (as Docker Hub's
      // RateLimit headers do); Retry asks it again and the problem entry goes, the low pulls take its place.
      const { startMisbehavingServer, withHeaders, proxy } = registryHelpers();
      rateLimited = await startMisbehavingServer(
        withHeaders({ 'RateLimit-Limit': '100;w=21600', 'RateLimit-Remaining': '3;w=21600' }, proxy({ url: registry.url })),
      );
      pipe = await pipeTo(port, rateLimited.host);
      await item.click();
      const retry = page.locator('.quick-input-list .monaco-list-row', { hasText: `Retry ${host}` });
      await retry.first().waitFor({ timeout: 10_000 });
      assert.match(await retry.first().innerText(), /refused the connection/);
      await page.keyboard.press('Enter');
      await page.locator('.statusbar-item', { hasText: /registr(y|ies)/ }).waitFor({ state: 'hidden', timeout: 30_000 });
      const low = page.locator('.statusbar-item', { hasText: `${host}: 3 pulls left` });
      await low.waitFor({ timeout: 30_000 });
      await low.hover();
      const lowTooltip = page.locator('.monaco-hover:not(.hidden), .workbench-hover', { hasText: 'held back' });
      await lowTooltip.first().waitFor({ timeout: 10_000 });
      const lowWords = await lowTooltip.first().innerText();
      assert.match(lowWords, new RegExp(`${host}: answered \\(\\d{1,2}:\\d{2}:\\d{2}[^)]*\\); 3 of 100 pulls left per 6 h\\.`), lowWords);
      await shot('registry-status-low');
      await page.mouse.move(640, 300);
      // Online now: the tag the registry lacks is found missing, once.
      await page.keyboard.press('Control+Shift+M');
      await waitFor('tag-not-found for 9.9.9', async () => (await rows.allInnerTexts()).join('\n').includes('tag-not-found'));
      await page.keyboard.press('Control+Shift+M');
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
      // The Service is applied after the Deployment.
      await waitFor('the Service in the API server', () => deploy.apiserver.get('v1', 'Service', 'default', 'web'));
      await page.locator('.notification-toast', { hasText: 'Applied to stub/default' }).waitFor({ timeout: 20_000 });
    }));
  test("Apply File on a file with unsaved changes asks first: Apply the Editor's Text applies them and leaves the file unsaved, Save and Apply saves it; the dry-run diff tabs close afterwards", () =>
    step(async () => {
      const live = () => deploy.apiserver.get('apps/v1', 'Deployment', 'default', 'web');
      const disk = () => readFileSync(join(deploy.seed.workspace, 'deploy.yaml'), 'utf8');
      const saved = disk();
      const unsaved = page.locator('.monaco-dialog-box', { hasText: 'deploy.yaml has unsaved changes' });
      const confirm = page.locator('.monaco-dialog-box', { hasText: 'Apply 1 object to stub/default?' });
      await openFile('deploy.yaml');
      /** Sets replicas in the editor to `n`, unsaved, then Apply File up to the unsaved-changes dialog. */
      const applyWithReplicas = async (n) => {
        await goTo(...where('replicas: ', 'replicas: ', saved));
        await page.keyboard.press('End');
        await page.keyboard.press('Backspace');
        await page.keyboard.type(String(n));
        await clearNotifications();
        await runCommand('Image Aware: Apply File to the Cluster');
        await unsaved.waitFor({ timeout: 20_000 });
      };
      /** Applies from the dialog that follows the dry run, then waits for the notification. */
      const confirmApply = async () => {
        await confirm.waitFor({ timeout: 20_000 });
        await dryRunTabs().first().waitFor();
        await confirm.locator('.monaco-button', { hasText: /^Apply$/ }).click();
        await toast(/Applied to stub\/default: .*deployment\.apps\/web configured/).waitFor({ timeout: 20_000 });
        await dryRunTabs().first().waitFor({ state: 'detached', timeout: 5_000 });
      };

      await applyWithReplicas(2);
      assert.match(
        (await unsaved.innerText()).replace(/\s+/g, ' '),
        /Save it and apply the file, or apply the text in the editor and leave the file on disk as it is\?/,
      );
      await shot('apply-unsaved');
      await unsaved.locator('.monaco-button', { hasText: "Apply the Editor's Text" }).click();
      await confirmApply();
      assert.equal(live().spec.replicas, 2, "the editor's text is applied");
      assert.equal(disk(), saved, 'and the file is not saved');

      await applyWithReplicas(3);
      await unsaved.locator('.monaco-button', { hasText: 'Save and Apply' }).click();
      await confirmApply();
      assert.equal(live().spec.replicas, 3);
      assert.equal(disk(), saved.replace('replicas: 1', 'replicas: 3'), 'saved, then applied');
    }));

  test('a conflict: "helm" owns .spec.replicas; after the diff and "Apply 1 object", the dialog names field and manager; Cancel leaves it, Force apply takes it over', () =>
    step(async () => {
      const { runKubectl } = compiledHelpers('apiserver');
      const image = `${deploy.seed.repository}:1.0`;
      const helm = await runKubectl(deploy.apiserver, ['apply', '--server-side', '--field-manager=helm'], { manifest: workloadManifest('api', image, 2) });
      assert.equal(helm.exitCode, 0, `kubectl apply --field-manager=helm: ${helm.stderr}`);
      const live = () => deploy.apiserver.get('apps/v1', 'Deployment', 'default', 'api');
      const replicasManagers = () =>
        live()
          .metadata.managedFields.filter((f) => f.fieldsV1?.['f:spec']?.['f:replicas'])
          .map((f) => f.manager);
      assert.deepEqual(replicasManagers(), ['helm']);
      await clearNotifications();
      await openFile('scaled.yaml');
      const conflict = page.locator('.monaco-dialog-box', { hasText: 'deployment.apps/api: other field managers own fields this file sets' });
      /** Apply File up to the conflict dialog (the file says 3 replicas, helm's 2 are live). */
      const applyUntilConflict = async (screenshots) => {
        await runCommand('Image Aware: Apply File to the Cluster');
        const confirm = page.locator('.monaco-dialog-box', { hasText: 'Apply 1 object to stub/default?' });
        await confirm.waitFor({ timeout: 20_000 });
        await page.locator('.tabs-container .tab.active', { hasText: 'deployment.apps/api in default: live ↔ after apply' }).waitFor();
        assert.match(await confirm.innerText(), /update deployment\.apps\/api, taking over 1 field from "helm"/);
        // The diff editor: live replicas 2 on the left, the dry run's 3 on the right.
        const diff = page.locator('.monaco-diff-editor').first();
        await waitFor(
          'replicas 2 ↔ 3 in the diff editor',
          async () => {
            const [left, right] = (await diff.locator('.editor.original .view-lines, .editor.modified .view-lines').allInnerTexts()).map((t) =>
              t.replace(/\u00a0/g, ' '),
            );
            return /replicas: 2/.test(left ?? '') && /replicas: 3/.test(right ?? '');
          },
          { timeoutMs: 10_000 },
        );
        if (screenshots) await shot('apply-diff');
        await confirm.locator('.monaco-button', { hasText: /^Apply$/ }).click();
        await conflict.waitFor({ timeout: 20_000 });
        assert.match(await conflict.innerText(), /\.spec\.replicas \(owned by "helm"\)[\s\S]*Force apply makes "image-aware" their manager/);
        if (screenshots) await shot('force-apply');
      };

      await applyUntilConflict(true);
      await conflict.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
      await toast(/Not applied to stub\/default: deployment\.apps\/api: .*\.spec\.replicas \(owned by "helm"\)/).waitFor({ timeout: 20_000 });
      assert.equal(live().spec.replicas, 2, "declined: the live object keeps helm's value");
      assert.deepEqual(replicasManagers(), ['helm']);
      await dryRunTabs().first().waitFor({ state: 'detached', timeout: 5_000 });

      await clearNotifications();
      await applyUntilConflict(false);
      await conflict.locator('.monaco-button', { hasText: /^Force apply$/ }).click();
      await toast('Applied to stub/default: deployment.apps/api configured').waitFor({ timeout: 20_000 });
      await dryRunTabs().first().waitFor({ state: 'detached', timeout: 5_000 });
      assert.equal(live().spec.replicas, 3);
      assert.deepEqual(replicasManagers(), ['image-aware'], 'image-aware now owns .spec.replicas');
      assert.ok(live().metadata.managedFields.some((f) => f.manager === 'image-aware' && f.operation === 'Apply'));
    }));

  test('a pull failure after apply: the rollout ends in ImagePullBackOff and an error notification names the container, the reason and the fix; the output channel has it', () =>
    step(async () => {
      await deploy.apiserver.settled();
      // Each state lasts longer than the watch's 2 s pod polling, so it sees ErrImagePull (which says
      // why) before ImagePullBackOff (which does not).
      deploy.apiserver.setController({ kind: 'pull-fails', cause: 'tag-not-found', stepMs: 2_500 });
      try {
        await clearNotifications();
        await openFile('broken.yaml');
        await runCommand('Image Aware: Apply File to the Cluster');
        const confirm = page.locator('.monaco-dialog-box', { hasText: 'Apply 1 object to stub/default?' });
        await confirm.waitFor({ timeout: 20_000 });
        await confirm.locator('.monaco-button', { hasText: /^Apply$/ }).click();
        await toast('Applied to stub/default: deployment.apps/broken created').waitFor({ timeout: 20_000 });
        const image = `${deploy.seed.repository}:does-not-exist`;
        // The kubelet retries, so the watch gives a failing pull 20 s before it reports it (the engine's pullFailureMs).
        const error = toast(/deployment\.apps\/broken: container "broken" of pod broken-/);
        await error.waitFor({ timeout: 45_000 });
        const text = (await error.locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' ');
        const pod = deploy.apiserver.list('v1', 'Pod', 'default').find((p) => p.metadata.name.startsWith('broken-'))?.metadata.name;
        assert.equal(
          text,
          `deployment.apps/broken: container "broken" of pod ${pod} cannot pull ${image} (ImagePullBackOff): The tag "does-not-exist" of ${deploy.seed.repository} does not exist in ${deploy.seed.registryHost}: push it or fix the tag.`,
        );
        assert.equal(await toast(/cannot pull/).count(), 1, 'one notification for the one container');
        await waitFor('the notification to fade in', () => error.evaluate((e) => getComputedStyle(e).opacity === '1'));
        await shot('pull-failure');
        // "Show Output" opens the Build & Deploy channel, which names the pod and the kubelet's reason.
        await error.locator('.monaco-button', { hasText: 'Show Output' }).click();
        await waitFor(
          'the pull failure in the output channel',
          async () => (await outputText()).includes(`broken: ErrImagePull ${image}: The tag "does-not-exist" of ${deploy.seed.repository} does not exist`),
          { timeoutMs: 10_000 },
        );
        await shot('pull-failure-output');
        await page.keyboard.press('Control+J'); // the panel closes again
      } finally {
        deploy.apiserver.setController({ kind: 'rollout-ok', stepMs: 20 });
      }
    }));

  /**
   * Build Image from the code lens above FROM of slow/Dockerfile, tagged `tag`, up to the moment its
   * RUN step sleeps. Returns the progress notification and a probe of the build's process group
   * (the tool runs in a group of its own: buildah, its chroot runtime, the step's shell and sleep).
   */
  async function startSlowBuild(tag) {
    await openFile('slow/Dockerfile');
    const lens = page.locator('.monaco-editor[data-uri$="/slow/Dockerfile"] .codelens-decoration a', { hasText: 'Build image' });
    await lens.first().waitFor({ timeout: 20_000 });
    await lens.first().click();
    await answer('Tag the image as', tag);
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: `Build ${tag}` }).waitFor();
    await page.keyboard.press('Enter');
    const progress = toast(`Building ${tag} with buildah`);
    await progress.waitFor({ timeout: 10_000 });
    const buildah = await waitFor('buildah with the tag on its command line', () => processes().find((p) => p.cmdline.includes(tag)), { timeoutMs: 10_000 });
    const group = () => processes().filter((p) => p.pgid === buildah.pgid);
    await waitFor("the RUN step's sleep in the build's process group", () => group().some((p) => p.cmdline === '/bin/busybox sleep 60'), { timeoutMs: 30_000 });
    assert.ok(
      group().some((p) => p.cmdline.includes(slowBuild.marker)),
      `the RUN step's shell: ${JSON.stringify(group())}`,
    );
    return { progress, group };
  }

  async function waitForNoProcess(group, ms) {
    await waitFor('no process of the build', () => group().length === 0, { timeoutMs: ms }).catch((error) =>
      assert.fail(`${error.message}: ${JSON.stringify(group())}`),
    );
  }

  test('Build Image from the code lens above FROM, then Cancel on its progress notification: "cancelled" within seconds, and no build process is left; a build running when the window reloads is ended too', () =>
    step(async () => {
      await clearNotifications();
      const first = await startSlowBuild(slowBuild.tag);
      const cancelledAt = Date.now();
      await first.progress.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
      await toast(`Building ${slowBuild.tag}: cancelled.`).waitFor({ timeout: 5_000 });
      await first.progress.waitFor({ state: 'detached', timeout: 5_000 });
      await waitForNoProcess(first.group, 5_000);
      assert.ok(Date.now() - cancelledAt < 6_000, `cancelled and cleaned up in ${Date.now() - cancelledAt} ms`);

      // Reloading the window deactivates the extension: its running build stops with it.
      const second = await startSlowBuild(slowBuild.reloadTag);
      await runCommand('Developer: Reload Window');
      await waitForNoProcess(second.group, 10_000);
      await page.locator('.statusbar-item', { hasText: 'stub/default' }).waitFor({ timeout: 60_000 });
    }));

  test("Log In to a Registry: registry, user name and a masked password in input boxes; buildah's auth file has the registry; the password is in no file of the editor or the workspace", () =>
    step(async () => {
      const password = `pw-${unique}-${randomBytes(6).toString('hex')}`;
      const { startRegistry } = registryHelpers();
      loginRegistry = await startRegistry({ auth: 'basic', users: { deployer: password } });
      const host = loginRegistry.host;
      await clearNotifications();
      await runCommand('Image Aware: Log In to a Registry');
      await answer('Registry (host[:port])', host);
      await answer(`User name for ${host}`, 'deployer');
      assert.equal(await answer(`Password or token for deployer at ${host}`, password), 'password', 'the password box masks what is typed');
      await toast(`Logged in to ${host} as deployer; buildah keeps the credentials in its own config.`).waitFor({ timeout: 20_000 });
      const auths = JSON.parse(readFileSync(deploy.env.REGISTRY_AUTH_FILE, 'utf8')).auths;
      assert.deepEqual(Object.keys(auths), [host]);
      assert.equal(Buffer.from(auths[host].auth, 'base64').toString(), `deployer:${password}`, 'the tool stored what was typed');
      // Settings, state, logs (the output channel is a log file of the extension host) and the workspace.
      const logs = filesContaining(server.userDataDir, `Log in to ${host} as deployer`);
      assert.ok(logs.length > 0, "the output channel's log file is under the user data folder");
      assert.deepEqual(filesContaining(server.userDataDir, password), [], 'no file of the editor has the password');
      assert.deepEqual(filesContaining(deploy.seed.workspace, password), [], 'no file of the workspace has the password');
    }));
  test('Build, Push and Pin over the two-platform index team/web:1.0: the lens only on its image, a pick list of the images with their files, a dialog with digest, platforms and date; Cancel pushes nothing, Overwrite pushes, pins and saves (an unsaved file is named, Save All saves it)', () =>
    step(async () => {
      const { pushIndex, MANIFEST_ACCEPT } = registryHelpers();
      const tag = `${deploy.seed.repository}:1.0`;
      const index = await pushIndex({ url: registry.url }, 'team/web', '1.0', ['linux/amd64', 'linux/arm64'], {
        attestations: true,
        created: '2024-05-01T12:00:00Z',
      });
      const served = async () => {
        const response = await fetch(`http://${deploy.seed.registryHost}/v2/team/web/manifests/1.0`, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } });
        assert.equal(response.status, 200, 'HEAD team/web:1.0');
        return response.headers.get('docker-content-digest');
      };
      const disk = (file) => readFileSync(join(deploy.seed.workspace, file), 'utf8');
      const lens = (file, title) => page.locator(`.monaco-editor[data-uri$="/${file}"] .codelens-decoration a`, { hasText: title });
      const deployBefore = disk('deploy.yaml');
      const scaledBefore = disk('scaled.yaml');
      await clearNotifications();

      // Side by side: other/web.yaml's image also ends in /web, but other/ is not above web/, so only deploy.yaml's image has the lens.
      await runCommand('View: Close All Editors');
      await openFile(OTHER_WEB_MANIFEST);
      await page.keyboard.press('Control+\\');
      await openFile('deploy.yaml');
      await lens('deploy.yaml', 'Build & push & pin from web/Dockerfile').waitFor({ timeout: 20_000 });
      assert.equal(await page.locator(`.monaco-editor[data-uri$="/${OTHER_WEB_MANIFEST}"] .codelens-decoration`).count(), 0, 'no lens on other/web.yaml');
      await shot('build-push-pin-lens');
      await runCommand('View: Close All Editors');

      // From the Dockerfile: the images it builds, the one more manifests name first, each with its files.
      await openFile('web/Dockerfile');
      await lens('web/Dockerfile', 'Build, push and pin').first().click();
      const rows = page.locator('.quick-input-list .monaco-list-row');
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: tag }).waitFor({ timeout: 20_000 });
      const picked = await rows.evaluateAll((els) =>
        els.map((e) => [e.querySelector('.label-name')?.textContent?.trim(), e.querySelector('.label-description')?.textContent?.trim() ?? '']),
      );
      assert.deepEqual(picked, [
        [tag, 'deploy.yaml, scaled.yaml'],
        [`${deploy.seed.repository}:does-not-exist`, 'broken.yaml'],
        ['Another tag…', ''],
      ]);
      await shot('tag-pick');
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: `Build ${tag}` }).waitFor();
      await page.keyboard.press('Enter');
      const dialog = page.locator('.monaco-dialog-box', { hasText: `Overwrite the 2-platform index ${tag} with a single-platform image?` });
      await dialog.waitFor({ timeout: 20_000 });
      const said = (await dialog.innerText()).replace(/\s+/g, ' ');
      assert.ok(said.includes(`${tag} names a 2-platform index (linux/amd64, linux/arm64), created 2024-05-01 12:00 UTC: ${index.digest}`), said);
      assert.match(
        said,
        /Pushing replaces it with the image just built, for one platform \(the build tool's default\): the tag no longer serves the other platforms/,
      );
      await shot('overwrite-dialog');
      await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
      await toast(`Not pushed: ${tag} is left as it was.`).waitFor({ timeout: 10_000 });
      assert.equal(await served(), index.digest, 'declined: the registry still serves the index');
      assert.equal(disk('deploy.yaml'), deployBefore);

      // An unsaved edit of the user's in scaled.yaml, which names the same image: pinned in the editor, not saved for them.
      await clearNotifications();
      await openFile('scaled.yaml');
      await goTo(1, 1);
      await page.keyboard.type('# edited, not saved\n');
      await openFile('deploy.yaml');
      await lens('deploy.yaml', 'Build & push & pin from web/Dockerfile').click();
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: `Build ${tag}` }).waitFor({ timeout: 20_000 });
      await page.keyboard.press('Enter');
      await dialog.waitFor({ timeout: 20_000 });
      await dialog.locator('.monaco-button', { hasText: /^Overwrite$/ }).click();
      const pushed = toast(`Pushed ${tag}. Pinned 2 fields in 2 files to sha256:`);
      await pushed.waitFor({ timeout: 90_000 });
      const digest = await served();
      assert.notEqual(digest, index.digest, 'accepted: the tag names the new image');
      assert.equal(
        (await pushed.locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' '),
        `Pushed ${tag}. Pinned 2 fields in 2 files to ${digest.slice(0, 19)}… and saved deploy.yaml. scaled.yaml is pinned but not saved: it has unsaved changes of yours.`,
      );
      assert.equal(disk('deploy.yaml'), deployBefore.replace(`image: ${tag} #`, `image: ${tag}@${digest} #`), 'deploy.yaml is pinned and saved');
      assert.equal(disk('scaled.yaml'), scaledBefore, 'scaled.yaml is left unsaved');
      await waitFor('the notification to fade in', () => pushed.evaluate((e) => getComputedStyle(e).opacity === '1'));
      await shot('pushed-and-pinned');
      await pushed.locator('.monaco-button', { hasText: 'Save All' }).click();
      await waitFor(
        'scaled.yaml saved with the pin and the edit',
        () => disk('scaled.yaml') === `# edited, not saved\n${scaledBefore.replace(tag, `${tag}@${digest}`)}`,
        {
          timeoutMs: 10_000,
        },
      );
    }));
  test("Set Image on the container at the cursor: a pick list of the registry's tags of team/web, newest version first, the current one marked; the chosen tag goes to the cluster and the file", () =>
    step(async () => {
      const { pushTags } = registryHelpers();
      await pushTags({ url: registry.url }, 'team/web', ['1.1.0', '2.0.0-rc.1', '2.0.0', 'latest']);
      const repo = deploy.seed.repository;
      // The language server needs no registry in this workspace; the tag list does: on for this test only.
      const settingsPath = join(deploy.seed.workspace, '.vscode/settings.json');
      const settings = readFileSync(settingsPath, 'utf8');
      writeFileSync(settingsPath, settings.replace('"imageAware.registry.online": false', '"imageAware.registry.online": true'));
      try {
        await clearNotifications();
        await openFile('deploy.yaml');
        await goTo(...where('image: ', 'image: ', readFileSync(join(deploy.seed.workspace, 'deploy.yaml'), 'utf8')));
        const pick = page.locator('.quick-input-widget', { hasText: 'Image Aware: Set Image' });
        // The settings file is read again a moment after it changes: until then the command asks in an input box, which is closed again.
        await waitFor(
          "the tags of team/web in Set Image's pick list",
          async () => {
            await runCommand('Image Aware: Set Image in the Cluster and the File');
            await pick.waitFor();
            const listed = await pick
              .locator('.quick-input-list .monaco-list-row', { hasText: '2.0.0-rc.1' })
              .waitFor({ timeout: 5_000 })
              .then(
                () => true,
                () => false,
              );
            if (!listed) await page.keyboard.press('Escape');
            return listed;
          },
          { timeoutMs: 30_000 },
        );
        assert.deepEqual(
          (await quickInputRows()).map(([label, description]) => [label, description]),
          [
            ['2.0.0', ''],
            ['2.0.0-rc.1', ''],
            ['1.1.0', ''],
            ['1.0', 'current'],
            ['latest', 'moving tag'],
            ['Enter Another Image…', ''],
          ],
        );
        assert.equal(await pick.locator('.quick-input-title').innerText(), 'Image Aware: Set Image: container "web" of deployment.apps/web');
        assert.equal(await pick.locator('.quick-input-box input').getAttribute('placeholder'), `A tag of ${repo}, newest version first`);
        await shot('set-image-pick');
        await page.keyboard.press('Enter');
        await toast(`Set web=${repo}:2.0.0 on deployment.apps/web in stub/default and in the file.`).waitFor({ timeout: 20_000 });
        assert.equal(deploy.apiserver.get('apps/v1', 'Deployment', 'default', 'web').spec.template.spec.containers[0].image, `${repo}:2.0.0`);
        // The tag replaces the pinned one; an inlay hint may follow the value (it is text in the DOM).
        const imageLine = () => lineText(`image: ${repo}:`, '.monaco-editor[data-uri$="/deploy.yaml"]');
        await waitFor('the new image in the file', async () => (await imageLine())?.includes(`image: ${repo}:2.0.0`));
        assert.doesNotMatch(await imageLine(), /@sha256:/);
      } finally {
        writeFileSync(settingsPath, settings);
      }
    }));

  test('npm run demo: the first load of its window opens the sample manifest and, beside it, the walkthrough', () =>
    step(async () => {
      const demo = spawn(process.execPath, [join(root, 'scripts/demo.mjs'), '--port', String(await freePort())], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let said = '';
      demo.stdout.on('data', (chunk) => (said += chunk));
      demo.stderr.on('data', (chunk) => (said += chunk));
      const exited = new Promise((resolve) => demo.on('exit', (code, signal) => resolve(code ?? signal)));
      const demoPage = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
      try {
        const url = await waitFor('the URL the demo prints', () => /^Open (http:\/\/\S+)$/m.exec(said)?.[1], { timeoutMs: 120_000 }).catch((error) =>
          assert.fail(`${error.message}; the demo said:\n${said}`),
        );
        await demoPage.goto(url);
        await demoPage.locator('.monaco-editor[data-uri$="/registry/deployment.yaml"] .view-lines').waitFor({ timeout: 60_000 });
        await demoPage.locator('.tabs-container .tab', { hasText: 'Walkthrough: Image Aware Manifests' }).waitFor({ timeout: 30_000 });
        await demoPage.locator('.getting-started-step.expanded', { hasText: 'Open a manifest and see what is wrong' }).waitFor({ timeout: 30_000 });
        // Side by side: the walkthrough opens in a group of its own.
        assert.equal(await demoPage.locator('.editor-group-container').count(), 2);
        await demoPage.screenshot({ path: join(screenshots, 'demo-first-load.png') });
      } finally {
        await demoPage.close();
        demo.kill('SIGINT');
        assert.equal(await exited, 0, `the demo stops cleanly on Ctrl-C:\n${said}`);
      }
      assert.match(said, /stopped\.\n$/);
    }));
});

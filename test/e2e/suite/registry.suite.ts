/**
 * The registry features in a real extension host: the runner started a CNCF distribution registry
 * on 127.0.0.1, seeded `team/app` (version tags, `2.0.0` as a linux/amd64 + linux/arm64 index,
 * `latest`), and opened a workspace whose deployment.yaml uses it, with imageAware.registry.online
 * on for that workspace only. Every expectation is built here from what the runner pushed
 * ($IMAGE_AWARE_E2E_REGISTRY), and every edit is compared as a whole document.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, EXTENSION_ID, eventually, hoverText, labelOf, openEditor, poll, positionAfter, rangeOf, registrySeed, revert, show } from './helpers';
import type { RegistrySeed } from './helpers';

const DEPLOYMENT = 'deployment.yaml';

suite('Image Aware with a registry on loopback (imageAware.registry.online on)', () => {
  const seed = registrySeed() as RegistrySeed;
  const app = `${seed?.repository}:2.0.0`;
  const worker = `${seed?.repository}:1.10.0`;

  suiteSetup(async () => {
    assert.ok(seed, 'the runner passes the seeded registry in IMAGE_AWARE_E2E_REGISTRY');
    const editor = await openEditor(DEPLOYMENT);
    const extension = await poll('the extension to be installed', () => vscode.extensions.getExtension(EXTENSION_ID));
    await poll('the extension to activate on a YAML file', () => (extension.isActive ? true : undefined));
    assert.equal(vscode.workspace.getConfiguration('imageAware', editor.document.uri).get('registry.online'), true, 'the workspace turns the registry on');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test("completion after `image: 127.0.0.1:PORT/team/app:` lists the registry's tags, newest version first, latest last", async () => {
    const editor = await openEditor(DEPLOYMENT);
    // Delete the tag of the first image, as a user does before typing another one.
    assert.ok(await editor.edit((edit) => edit.delete(rangeOf(editor.document, `${app}\n`, '2.0.0'))));
    const at = positionAfter(editor.document, `image: ${seed.repository}:`);
    const items = await poll('the tags of team/app', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, at);
      const tags = list.items.filter((item) => item.kind === vscode.CompletionItemKind.Constant);
      return tags.length > 0 ? tags : undefined;
    });
    const ordered = [...items].sort((a, b) => ((a.sortText ?? labelOf(a)) < (b.sortText ?? labelOf(b)) ? -1 : 1));
    assert.deepEqual(ordered.map(labelOf), seed.tagsNewestFirst);
    assert.equal(ordered.at(-1)?.detail, 'moving tag: pushed again and again');
    // Choosing one writes it at the cursor.
    const first = ordered[0];
    const range = first.range instanceof vscode.Range ? first.range : first.range?.replacing;
    assert.equal(range && show(range), show(new vscode.Range(at, at)));
    await revert(editor);
  });

  test('hover on team/app:2.0.0: the digest the tag points to and both platforms of the index', async () => {
    const document = (await openEditor(DEPLOYMENT)).document;
    const target = rangeOf(document, app);
    const text = await poll('the registry part of the hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, target.start.translate(0, 2));
      const found = hoverText(hovers);
      return found.includes('**Registry**') ? found : undefined;
    });
    assert.ok(text.includes(`**Registry**: \`:2.0.0\` now points to \`${seed.index.digest}\``), text);
    assert.match(text, /OCI image index/);
    for (const { platform, digest } of seed.index.platforms)
      assert.ok(text.includes(`| \`${platform}\` | \`${digest}\` |`), `${platform} ${digest} in\n${text}`);
  });

  test('"Pin to digest" on team/app:2.0.0 writes the index digest, and nothing else changes', async () => {
    const editor = await openEditor(DEPLOYMENT);
    const before = editor.document.getText();
    const range = rangeOf(editor.document, app);
    const action = await poll('the "Pin to digest" action', async () => {
      const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
        'vscode.executeCodeActionProvider',
        editor.document.uri,
        range,
      );
      return actions.find((a): a is vscode.CodeAction => 'edit' in a && a.title.startsWith('Pin to digest: '));
    });
    assert.equal(action.title, `Pin to digest: ${seed.index.digest.slice(0, 19)}… (the digest :2.0.0 points to now)`);
    assert.ok(action.edit);
    assert.ok(await vscode.workspace.applyEdit(action.edit));
    assert.equal(editor.document.getText(), before.replace(`${app}\n`, `${app}@${seed.index.digest}\n`));
  });

  test('a tag the registry does not have: tag-not-found (naming the newest tags) alone, from image-aware/registry', async () => {
    const editor = await openEditor(DEPLOYMENT);
    assert.ok(await editor.edit((edit) => edit.replace(rangeOf(editor.document, worker, '1.10.0'), '9.9.9')));
    const wrong = rangeOf(editor.document, `${seed.repository}:9.9.9`, '9.9.9');
    await eventually(() => {
      const found = vscode.languages
        .getDiagnostics(editor.document.uri)
        .filter((d) => d.source === 'image-aware/registry')
        .sort((a, b) => a.range.start.compareTo(b.range.start))
        .map((d) => ({ code: codeOf(d), range: show(d.range), severity: vscode.DiagnosticSeverity[d.severity], message: d.message }));
      assert.deepEqual(
        found.map(({ code, range, severity }) => ({ code, range, severity })),
        // pull-would-fail would only say the same again.
        [{ code: 'tag-not-found', range: show(wrong), severity: 'Error' }],
      );
      assert.ok(found[0].message.startsWith(`${seed.host} has no tag "9.9.9"`), found[0].message);
      assert.ok(found[0].message.includes(`tags: ${seed.tagsNewestFirst.slice(0, 3).join(', ')}, …)`), found[0].message);
    });
  });

  test('"Image Aware: Pin Every Image in the Workspace to Its Digest" with { preview: false } pins both images of the file, as a task runs it', async () => {
    const editor = await openEditor(DEPLOYMENT);
    const before = editor.document.getText();
    const result = await vscode.commands.executeCommand<{
      applied: boolean;
      pinned: number;
      files: number;
      unchecked: number;
      skipped: unknown[];
      message: string;
    }>('imageAware.pinWorkspace', { preview: false });
    assert.deepEqual(
      { applied: result?.applied, pinned: result?.pinned, files: result?.files, unchecked: result?.unchecked, skipped: result?.skipped },
      { applied: true, pinned: 2, files: 1, unchecked: 0, skipped: [] },
    );
    assert.equal(result?.message, 'Pinned 2 images in 1 file.');
    assert.equal(
      editor.document.getText(),
      before.replace(`${app}\n`, `${app}@${seed.index.digest}\n`).replace(`${worker}\n`, `${worker}@${seed.versionsDigest}\n`),
    );
    assert.ok(editor.document.isDirty, 'the pins are an edit to undo or save, not a write behind the editor');
  });
});

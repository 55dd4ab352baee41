/**
 * The extension in a real VS Code extension host, used through the vscode API the way an editor
 * uses it: open the fixture manifests (test/e2e/workspace, copied to a scratch folder by the
 * runner), wait for what the language server publishes, ask the editor's own provider commands,
 * apply the edits they return and compare whole documents.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  codeOf,
  diskText,
  EXTENSION_ID,
  eventually,
  expectDiagnostics,
  hoverText,
  labelOf,
  openEditor,
  ourDiagnostics,
  poll,
  positionAfter,
  rangeOf,
  revert,
  show,
  workspaceUri,
} from './helpers';
import { decodeSemanticTokens } from '../../helpers/semanticTokens';

const DEPLOYMENT = 'deployment.yaml';
const CRONJOB = 'cronjob.yaml';
const KUSTOMIZATION = 'kustomization.yaml';
const DOCKERFILE = 'Dockerfile';

/** What the fixture deployment must show: every code with its exact range and severity. */
async function deploymentDiagnostics(): Promise<{ code: string; range: string; severity: string }[]> {
  const document = (await openEditor(DEPLOYMENT)).document;
  return [
    { code: 'implicit-latest', range: show(rangeOf(document, 'image: nginx\n', 'nginx')), severity: 'Warning' },
    { code: 'latest-tag', range: show(rangeOf(document, 'nginx:latest', 'latest')), severity: 'Warning' },
    { code: 'not-pinned', range: show(rangeOf(document, 'ghcr.io/acme/api:1.4.2')), severity: 'Hint' },
    { code: 'invalid-pull-policy', range: show(rangeOf(document, 'imagePullPolicy: ifNotPresent', 'ifNotPresent')), severity: 'Error' },
  ];
}

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

suite('Image Aware in a real extension host', () => {
  suiteSetup(async () => {
    await openEditor(DEPLOYMENT);
    const extension = await poll('the extension to be installed', () => vscode.extensions.getExtension(EXTENSION_ID));
    await poll('the extension to activate on a YAML file', () => (extension.isActive ? true : undefined));
  });

  suite('diagnostics', () => {
    test('a Deployment: implicit latest, :latest, an unpinned tag and an invalid pull policy, each at its exact range', async () => {
      const expected = await deploymentDiagnostics();
      await expectDiagnostics(workspaceUri(DEPLOYMENT), expected);
    });

    test('a CronJob: the pod template under jobTemplate is found; a redundant pull policy is a hint', async () => {
      const document = (await openEditor(CRONJOB)).document;
      await expectDiagnostics(document.uri, [
        { code: 'not-pinned', range: show(rangeOf(document, 'ghcr.io/acme/report:2.0.1')), severity: 'Hint' },
        { code: 'redundant-pull-policy', range: show(rangeOf(document, 'imagePullPolicy: IfNotPresent', 'IfNotPresent')), severity: 'Hint' },
      ]);
      const redundant = vscode.languages.getDiagnostics(document.uri).find((d) => d.source === 'image-aware' && codeOf(d) === 'redundant-pull-policy');
      assert.deepEqual(redundant?.tags, [vscode.DiagnosticTag.Unnecessary], 'a redundant pull policy is rendered faded');
    });

    test('a Dockerfile (the dockerfile language): the ARG default FROM uses and a COPY --from image, at exact ranges; the stage is no image', async () => {
      const document = (await openEditor(DOCKERFILE)).document;
      assert.equal(document.languageId, 'dockerfile');
      await expectDiagnostics(document.uri, [
        { code: 'not-pinned', range: show(rangeOf(document, 'golang:1.22-alpine')), severity: 'Hint' },
        { code: 'latest-tag', range: show(rangeOf(document, 'nginx:latest', 'latest')), severity: 'Warning' },
      ]);
    });

    test('a kustomization.yaml: images[].newTag, quotes included in the range', async () => {
      const document = (await openEditor(KUSTOMIZATION)).document;
      await expectDiagnostics(document.uri, [
        { code: 'not-pinned', range: show(rangeOf(document, '"1.27.2"')), severity: 'Hint' },
        { code: 'latest-tag', range: show(rangeOf(document, 'newTag: latest', 'latest')), severity: 'Warning' },
      ]);
    });

    test('typing a tag after nginx replaces implicit-latest with not-pinned; reverting brings it back', async () => {
      const editor = await openEditor(DEPLOYMENT);
      const original = await deploymentDiagnostics();
      await expectDiagnostics(editor.document.uri, original);
      const at = rangeOf(editor.document, 'image: nginx\n', 'nginx').end;
      assert.ok(await editor.edit((edit) => edit.insert(at, ':1.27.2')));
      await expectDiagnostics(editor.document.uri, [
        { code: 'not-pinned', range: show(rangeOf(editor.document, 'nginx:1.27.2')), severity: 'Hint' },
        ...original.slice(1),
      ]);
      await revert(editor);
      await expectDiagnostics(editor.document.uri, original);
    });

    test('a severity setting applies without a restart, and `off` removes the code', async () => {
      const uri = workspaceUri(DEPLOYMENT);
      const original = await deploymentDiagnostics();
      const config = vscode.workspace.getConfiguration('imageAware', uri);
      try {
        await config.update('diagnostics.latest-tag', 'error', vscode.ConfigurationTarget.Workspace);
        await expectDiagnostics(
          uri,
          original.map((d) => (d.code === 'latest-tag' ? { ...d, severity: 'Error' } : d)),
        );
        await config.update('diagnostics.not-pinned', 'off', vscode.ConfigurationTarget.Workspace);
        await eventually(() =>
          assert.deepEqual(
            ourDiagnostics(uri).map((d) => d.code),
            ['implicit-latest', 'latest-tag', 'invalid-pull-policy'],
          ),
        );
      } finally {
        await config.update('diagnostics.latest-tag', undefined, vscode.ConfigurationTarget.Workspace);
        await config.update('diagnostics.not-pinned', undefined, vscode.ConfigurationTarget.Workspace);
      }
      await expectDiagnostics(uri, original);
    });
  });

  suite('hover', () => {
    async function hoverAt(name: string, context: string, part: string): Promise<{ text: string; range: string | undefined; expected: string }> {
      const document = (await openEditor(name)).document;
      const target = rangeOf(document, context, part);
      const hovers = await poll(`a hover on "${part}"`, async () => {
        const found = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, target.start.translate(0, 1));
        const ours = found.filter((h) => hoverText([h]).includes('imagePullPolicy'));
        return ours.length > 0 ? ours : undefined;
      });
      return { text: hoverText(hovers), range: hovers[0].range && show(hovers[0].range), expected: show(target) };
    }

    test('on `image: nginx`: the summary line first (canonical name, policy, not pinned), then the pull policy Always with its rule', async () => {
      const hover = await hoverAt(DEPLOYMENT, 'image: nginx\n', 'nginx');
      assert.equal(hover.range, hover.expected);
      assert.match(hover.text, /^`docker\.io\/library\/nginx:latest` · Always · not pinned$/m);
      assert.match(hover.text, /\*\*imagePullPolicy: Always\*\* \(default\)\. Kubernetes defaults imagePullPolicy to Always/);
      assert.match(hover.text, /The tag can be pushed again/);
    });

    test('on `imagePullPolicy: IfNotPresent`: set in the manifest, which Kubernetes never overrides', async () => {
      const hover = await hoverAt(CRONJOB, 'imagePullPolicy: IfNotPresent', 'IfNotPresent');
      assert.equal(hover.range, hover.expected);
      assert.match(hover.text, /\*\*imagePullPolicy: IfNotPresent\*\* \(set in the manifest\)/);
    });

    test('on an invalid pull policy: says it is invalid', async () => {
      const hover = await hoverAt(DEPLOYMENT, 'imagePullPolicy: ifNotPresent', 'ifNotPresent');
      assert.match(hover.text, /\*\*imagePullPolicy `ifNotPresent` is invalid\*\*/);
    });
  });

  suite('completion', () => {
    async function complete(uri: vscode.Uri, position: vscode.Position, kind: vscode.CompletionItemKind, until: (labels: string[]) => boolean) {
      return poll(`completion items at ${position.line}:${position.character}`, async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
        const items = list.items.filter((item) => item.kind === kind);
        return until(items.map(labelOf)) ? items : undefined;
      });
    }

    test('after `imagePullPolicy: ` the three policies, the Kubernetes default preselected', async () => {
      const document = (await openEditor(CRONJOB)).document;
      const items = await complete(document.uri, positionAfter(document, 'imagePullPolicy: '), vscode.CompletionItemKind.EnumMember, (l) => l.length > 0);
      assert.deepEqual(items.map(labelOf), ['Always', 'IfNotPresent', 'Never']);
      assert.deepEqual(items.filter((i) => i.preselect).map(labelOf), ['IfNotPresent']);
      // Each item replaces the whole value, not just the word before the cursor.
      const value = show(rangeOf(document, 'imagePullPolicy: IfNotPresent', 'IfNotPresent'));
      for (const item of items) {
        const range = item.range instanceof vscode.Range ? item.range : item.range?.replacing;
        assert.equal(range && show(range), value, `range of ${labelOf(item)}`);
      }
    });

    test('after `image: ` the images the workspace uses, from other files too', async () => {
      const document = (await openEditor(DEPLOYMENT)).document;
      const items = await complete(document.uri, positionAfter(document, 'image: '), vscode.CompletionItemKind.Value, (l) =>
        l.includes('ghcr.io/acme/report:2.0.1'),
      );
      const labels = items.map(labelOf);
      for (const image of ['nginx:latest', 'ghcr.io/acme/api:1.4.2', 'ghcr.io/acme/report:2.0.1'])
        assert.ok(labels.includes(image), `${image} in ${labels.join(', ')}`);
      assert.ok(!labels.includes('nginx'), 'the value being edited is not offered');
    });

    test('in a new, unsaved YAML file typed from scratch', async () => {
      const document = await vscode.workspace.openTextDocument({
        language: 'yaml',
        content:
          'apiVersion: v1\nkind: Pod\nmetadata:\n  name: scratch\nspec:\n  containers:\n    - name: app\n      image: busybox:1.36\n      imagePullPolicy: \n',
      });
      await vscode.window.showTextDocument(document);
      const items = await complete(document.uri, positionAfter(document, 'imagePullPolicy: '), vscode.CompletionItemKind.EnumMember, (l) => l.length > 0);
      assert.deepEqual(items.map(labelOf), ['Always', 'IfNotPresent', 'Never']);
      assert.deepEqual(items.filter((i) => i.preselect).map(labelOf), ['IfNotPresent']);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });

  suite('code actions', () => {
    teardown(closeAllEditors);

    /** Asks for the code actions on `part`, applies the one titled `title`, and returns the document text. */
    async function applyFix(
      name: string,
      context: string,
      part: string,
      title: string | RegExp,
    ): Promise<{ before: string; after: string; editor: vscode.TextEditor }> {
      const editor = await openEditor(name);
      const before = editor.document.getText();
      const range = rangeOf(editor.document, context, part);
      const action = await poll(`a code action ${title} on "${part}"`, async () => {
        const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
          'vscode.executeCodeActionProvider',
          editor.document.uri,
          range,
        );
        return actions.find((a): a is vscode.CodeAction => 'edit' in a && (typeof title === 'string' ? a.title === title : title.test(a.title)));
      });
      assert.ok(action.edit, `"${action.title}" carries a WorkspaceEdit`);
      assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
      assert.ok(await vscode.workspace.applyEdit(action.edit));
      return { before, after: editor.document.getText(), editor };
    }

    test('"Change imagePullPolicy to IfNotPresent" changes only that value, and the error goes away', async () => {
      const original = await deploymentDiagnostics();
      const { before, after, editor } = await applyFix(DEPLOYMENT, 'imagePullPolicy: ifNotPresent', 'ifNotPresent', 'Change imagePullPolicy to IfNotPresent');
      assert.equal(before, await diskText(DEPLOYMENT));
      assert.equal(after, before.replace('imagePullPolicy: ifNotPresent', 'imagePullPolicy: IfNotPresent'));
      const expected = original.filter((d) => d.code !== 'invalid-pull-policy');
      await expectDiagnostics(
        editor.document.uri,
        [
          ...expected,
          { code: 'redundant-pull-policy', range: show(rangeOf(editor.document, 'imagePullPolicy: IfNotPresent', 'IfNotPresent')), severity: 'Hint' },
        ].sort(byRange),
      );
    });

    test('"Write :latest explicitly" turns `nginx` into `nginx:latest`', async () => {
      const { before, after } = await applyFix(DEPLOYMENT, 'image: nginx\n', 'nginx', /^Write :latest explicitly: /);
      assert.equal(after, before.replace('image: nginx\n', 'image: nginx:latest\n'));
    });

    test('"Remove the redundant imagePullPolicy" removes exactly its line', async () => {
      const { before, after } = await applyFix(CRONJOB, 'imagePullPolicy: IfNotPresent', 'IfNotPresent', 'Remove the redundant imagePullPolicy');
      assert.equal(after, before.replace('              imagePullPolicy: IfNotPresent\n', ''));
    });
  });

  suite('inlay hints', () => {
    async function hints(uri: vscode.Uri, document: vscode.TextDocument): Promise<{ label: string; at: string }[]> {
      const all = new vscode.Range(new vscode.Position(0, 0), document.lineAt(document.lineCount - 1).range.end);
      const found = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, all);
      return found
        .filter((h) => labelOf(h).startsWith('imagePullPolicy'))
        .map((h) => ({ label: labelOf(h), at: `${h.position.line}:${h.position.character}` }));
    }

    test('after each image whose container sets no imagePullPolicy, the policy Kubernetes fills in', async () => {
      const document = (await openEditor(DEPLOYMENT)).document;
      const at = (r: vscode.Range) => `${r.end.line}:${r.end.character}`;
      const expected = [
        { label: 'imagePullPolicy = Always', at: at(rangeOf(document, 'image: nginx\n', 'nginx')) },
        { label: 'imagePullPolicy = Always', at: at(rangeOf(document, 'nginx:latest')) },
      ];
      await eventually(async () => assert.deepEqual(await hints(document.uri, document), expected));
      const cronjob = (await openEditor(CRONJOB)).document;
      assert.deepEqual(await hints(cronjob.uri, cronjob), [], 'the CronJob sets its policy');
    });

    test('imageAware.inlayHints.pullPolicy: false turns them off', async () => {
      const document = (await openEditor(DEPLOYMENT)).document;
      const config = vscode.workspace.getConfiguration('imageAware', document.uri);
      try {
        await config.update('inlayHints.pullPolicy', false, vscode.ConfigurationTarget.Workspace);
        await eventually(async () => assert.deepEqual(await hints(document.uri, document), []));
      } finally {
        await config.update('inlayHints.pullPolicy', undefined, vscode.ConfigurationTarget.Workspace);
      }
      await eventually(async () => assert.equal((await hints(document.uri, document)).length, 2));
    });
  });

  suite('semantic tokens', () => {
    /** The tokens VS Code gets from the providers for `document`, decoded with their legend as `type[.modifier] text`. */
    async function tokensOf(document: vscode.TextDocument): Promise<string[]> {
      const legend = await poll('a semantic tokens legend for YAML', async () =>
        vscode.commands.executeCommand<vscode.SemanticTokensLegend | undefined>('vscode.provideDocumentSemanticTokensLegend', document.uri),
      );
      const tokens = await poll('semantic tokens', async () =>
        vscode.commands.executeCommand<vscode.SemanticTokens | undefined>('vscode.provideDocumentSemanticTokens', document.uri),
      );
      return decodeSemanticTokens(tokens.data).map(([line, character, length, type, modifiers]) => {
        const names = legend.tokenModifiers.filter((_, bit) => modifiers & (1 << bit));
        return `${[legend.tokenTypes[type], ...names].join('.')} ${document.getText(new vscode.Range(line, character, line, character + length))}`;
      });
    }

    test('the fixture Deployment: a token per part of each image, and none for the invalid pull policy', async () => {
      const document = (await openEditor(DEPLOYMENT)).document;
      assert.deepEqual(await tokensOf(document), [
        'imageRepository nginx',
        'imageRepository nginx',
        'imageTag.latest latest',
        'imageRegistry ghcr.io',
        'imageRepository acme/api',
        'imageTag 1.4.2',
      ]);
    });

    test('a Dockerfile: the images it pulls, not its stage name', async () => {
      const document = (await openEditor(DOCKERFILE)).document;
      assert.deepEqual(await tokensOf(document), ['imageRepository golang', 'imageTag 1.22-alpine', 'imageRepository nginx', 'imageTag.latest latest']);
    });

    test('an image field of a kind the analysis does not know gets none; a Pod beside it does', async () => {
      const content = [
        'apiVersion: example.com/v1\nkind: Widget\nspec:\n  image: ghcr.io/acme/widget:1.0\n',
        `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: busybox@sha256:${'a'.repeat(64)}\n`,
      ].join('---\n');
      const document = await vscode.workspace.openTextDocument({ language: 'yaml', content });
      await vscode.window.showTextDocument(document);
      assert.deepEqual(await tokensOf(document), ['imageRepository busybox', `imageDigest sha256:${'a'.repeat(64)}`]);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });

  suite('commands', () => {
    const contributed: { command: string; title: string }[] = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes?.commands ?? [];

    test('package.json contributes commands, and each is registered', async () => {
      const commands = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes?.commands ?? []) as { command: string }[];
      const registered = await poll(
        'the contributed commands to be registered',
        async () => {
          const all = new Set(await vscode.commands.getCommands(true));
          return commands.every((c) => all.has(c.command)) ? all : undefined;
        },
        15_000,
      ).catch(async (error: Error) => {
        const all = new Set(await vscode.commands.getCommands(true));
        throw new Error(
          `${error.message}; not registered: ${commands
            .filter((c) => !all.has(c.command))
            .map((c) => c.command)
            .join(', ')}`,
        );
      });
      assert.ok(commands.every((c) => registered.has(c.command)));
    });

    // Run bare, as from the palette: a command that asks something is answered with Escape (the
    // quick input is closed as soon as it opens) and must then end quietly. This workspace has no
    // Dockerfile, and KUBECONFIG names a file that does not exist, so nothing is built and no
    // cluster is reached: those commands must refuse and end, not hang.
    for (const { command, title } of contributed) {
      test(`"${title}" (${command}) runs to completion`, async () => {
        await openEditor(DEPLOYMENT);
        const kubeconfig = process.env.KUBECONFIG;
        process.env.KUBECONFIG = workspaceUri('no-such-kubeconfig').fsPath;
        const dismiss = setInterval(() => void vscode.commands.executeCommand('workbench.action.closeQuickOpen'), 100);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${command} did not finish within 20 s`)), 20_000);
        });
        try {
          await Promise.race([vscode.commands.executeCommand(command), timeout]);
        } finally {
          clearTimeout(timer);
          clearInterval(dismiss);
          process.env.KUBECONFIG = kubeconfig;
        }
      });
    }
  });
});

function byRange(a: { range: string }, b: { range: string }): number {
  const [al, ac] = a.range.split('-')[0].split(':').map(Number);
  const [bl, bc] = b.range.split('-')[0].split(':').map(Number);
  return al - bl || ac - bc;
}

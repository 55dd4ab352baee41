/**
 * The language server in another real editor: Neovim, headless, with the lspconfig-free
 * configuration of test/e2e/neovim/init.lua (the one docs/other-editors.md shows) starting
 * `node dist/server.js --stdio` for YAML buffers. test/e2e/neovim/probe.lua waits for the
 * diagnostics Neovim received, asks for a hover and a completion, and writes them as JSON.
 * Needs Debian's `neovim` (scripts/e2e/install.sh installs it); without it this test fails and
 * says so, it is never skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const workspace = join(root, 'test/e2e/workspace');
const manifest = 'deployment.yaml';

interface NvimDiagnostic {
  code: string;
  source: string;
  severity: number;
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
}

interface ProbeResult {
  nvim: string;
  has_lsp_start: boolean;
  filetype: string;
  error?: string;
  diagnostics?: NvimDiagnostic[];
  hover?: string[];
  completion?: string[];
}

/** 0-based line and byte columns of `part` inside the first `context` in `text` (ASCII fixture). */
function rangeOf(text: string, context: string, part = context): Pick<NvimDiagnostic, 'lnum' | 'col' | 'end_lnum' | 'end_col'> {
  const at = text.indexOf(context);
  assert.notEqual(at, -1, `"${context}" in the fixture`);
  const start = at + context.indexOf(part);
  const lines = text.slice(0, start).split('\n');
  const col = lines[lines.length - 1].length;
  return { lnum: lines.length - 1, col, end_lnum: lines.length - 1, end_col: col + part.length };
}

function nvimVersion(): string {
  const probe = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    assert.fail(`nvim is not installed or does not run (${probe.error?.message ?? probe.stderr}): install Debian's neovim (bash scripts/e2e/install.sh)`);
  }
  return probe.stdout.split('\n')[0];
}

test('Neovim gets the diagnostics, a hover and completion from `node dist/server.js --stdio`', { timeout: 90_000 }, () => {
  const version = nvimVersion();
  const server = join(root, 'dist/server.js');
  assert.ok(existsSync(server), `${server} is missing: run node scripts/build.mjs`);
  const home = mkdtempSync(join(tmpdir(), 'image-aware-nvim-'));
  try {
    const out = join(home, 'result.json');
    const run = spawnSync(
      'nvim',
      ['--headless', '-n', '-i', 'NONE', '-u', join(root, 'test/e2e/neovim/init.lua'), '-c', `luafile ${join(root, 'test/e2e/neovim/probe.lua')}`, manifest],
      {
        cwd: workspace,
        encoding: 'utf8',
        timeout: 60_000,
        // Neovim's state, cache (lsp.log) and config stay in the scratch folder.
        env: {
          ...process.env,
          HOME: home,
          XDG_CONFIG_HOME: home,
          XDG_CACHE_HOME: home,
          XDG_STATE_HOME: home,
          XDG_DATA_HOME: home,
          IMAGE_AWARE_SERVER: server,
          IMAGE_AWARE_NVIM_OUT: out,
        },
      },
    );
    const lspLog = ['lsp.log', 'nvim/lsp.log'].map((f) => join(home, f)).find(existsSync);
    const context = `${version}; exit ${run.status ?? run.signal}; stderr: ${run.stderr}${lspLog ? `; lsp.log: ${readFileSync(lspLog, 'utf8').slice(-2000)}` : ''}`;
    assert.ok(existsSync(out), `Neovim wrote no result (${context})`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as ProbeResult;
    assert.equal(result.error, undefined, `${result.error} (${context})`);
    assert.equal(result.filetype, 'yaml');

    const text = readFileSync(join(workspace, manifest), 'utf8');
    const seen = (result.diagnostics ?? [])
      .map((d) => ({ code: d.code, severity: d.severity, source: d.source, lnum: d.lnum, col: d.col, end_lnum: d.end_lnum, end_col: d.end_col }))
      .sort((a, b) => a.lnum - b.lnum || a.col - b.col);
    // vim.diagnostic.severity: 1 ERROR, 2 WARN, 3 INFO, 4 HINT. No not-pinned hint on
    // ghcr.io/acme/api:1.4.2: init.lua turns it off, which shows the settings reached the server
    // (and so did registry.online = false: nothing was asked of a registry).
    assert.deepEqual(seen, [
      { code: 'implicit-latest', severity: 2, source: 'image-aware', ...rangeOf(text, 'image: nginx\n', 'nginx') },
      { code: 'latest-tag', severity: 2, source: 'image-aware', ...rangeOf(text, 'nginx:latest', 'latest') },
      { code: 'invalid-pull-policy', severity: 1, source: 'image-aware', ...rangeOf(text, 'imagePullPolicy: ifNotPresent', 'ifNotPresent') },
    ]);

    const hover = (result.hover ?? []).join('\n');
    assert.match(hover, /^`docker\.io\/library\/nginx:latest` · Always · not pinned$/m);
    assert.match(hover, /\*\*imagePullPolicy: Always\*\* \(default\)\. Kubernetes defaults imagePullPolicy to Always/);

    assert.deepEqual(result.completion, ['Always', 'IfNotPresent', 'Never']);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

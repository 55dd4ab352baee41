-- Neovim configuration for the image-aware language server, without nvim-lspconfig.
-- test/e2e/neovim.test.ts starts `nvim --headless -u init.lua` with it; docs/other-editors.md
-- shows the same configuration. Neovim 0.8+ has vim.lsp.start (one client per root, reused for every
-- YAML buffer); Neovim 0.7 (Debian 12) has only vim.lsp.start_client + vim.lsp.buf_attach_client.
local server = os.getenv('IMAGE_AWARE_SERVER') or vim.fn.expand('~/image-aware-manifests/dist/server.js')

local config = {
  name = 'image-aware',
  -- The node flags and the malloc variable only keep the server's memory down (the VS Code client uses the same).
  cmd = { 'node', '--max-semi-space-size=1', '--optimize-for-size', '--initial-old-space-size=40', '--expose-gc', server, '--stdio' },
  cmd_env = { MALLOC_TRIM_THRESHOLD_ = '131072' },
  -- Section `imageAware`, the same keys as in VS Code. The server pulls them with
  -- workspace/configuration where the client announces it (Neovim 0.8+)...
  settings = {
    imageAware = {
      -- The test stays offline; set online = true to let the server ask registries.
      registry = { online = false },
      diagnostics = { ['not-pinned'] = 'off' },
    },
  },
  -- ...and Neovim 0.7 does not, so push them once the server is up (harmless on later versions).
  on_init = function(client)
    client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
  end,
}

local client_id -- Neovim 0.7: one client, attached to every YAML buffer

vim.cmd('filetype on')
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'yaml',
  callback = function(args)
    local root_dir = vim.fn.getcwd()
    if vim.lsp.start then
      vim.lsp.start(vim.tbl_extend('force', config, { root_dir = root_dir }), { bufnr = args.buf })
    else
      client_id = client_id or vim.lsp.start_client(vim.tbl_extend('force', config, { root_dir = root_dir }))
      vim.lsp.buf_attach_client(args.buf, client_id)
    end
  end,
})

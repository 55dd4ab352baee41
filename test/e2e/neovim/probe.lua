-- Run by test/e2e/neovim.test.ts after init.lua, with the manifest open: waits for the server's
-- diagnostics (vim.diagnostic.get), asks for a hover on `image: nginx` and for completion after
-- `imagePullPolicy: `, writes everything as JSON to $IMAGE_AWARE_NVIM_OUT and quits.
local out = assert(os.getenv('IMAGE_AWARE_NVIM_OUT'), 'IMAGE_AWARE_NVIM_OUT is not set')
local result = { nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch, has_lsp_start = vim.lsp.start ~= nil }

local function write_and_quit()
  local file = assert(io.open(out, 'w'))
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd('qall!')
end

local function position_after(buf, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s, e = line:find(pattern)
    if s then return { line = i - 1, character = e } end
  end
  error('no line matches ' .. pattern)
end

local function probe()
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype
  local attached = vim.wait(15000, function() return #vim.lsp.buf_get_clients(buf) > 0 end, 20)
  if not attached then error('no LSP client attached to the buffer (filetype ' .. result.filetype .. ')') end
  if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
    error('no diagnostics within 20 s; LSP log: ' .. vim.lsp.get_log_path())
  end
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, {
      code = d.code, source = d.source, severity = d.severity, message = d.message,
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    })
  end

  local uri = vim.uri_from_bufnr(buf)
  local at_nginx = position_after(buf, '^%s*image: n') -- on the `n` of `image: nginx`
  local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', { textDocument = { uri = uri }, position = at_nginx }, 10000)
  result.hover = {}
  for _, response in pairs(hover or {}) do
    if response.result then table.insert(result.hover, response.result.contents.value or response.result.contents) end
  end

  local after_policy = position_after(buf, '^%s*imagePullPolicy: ')
  local completion = vim.lsp.buf_request_sync(buf, 'textDocument/completion', { textDocument = { uri = uri }, position = after_policy }, 10000)
  result.completion = {}
  for _, response in pairs(completion or {}) do
    local items = response.result and (response.result.items or response.result) or {}
    for _, item in ipairs(items) do table.insert(result.completion, item.label) end
  end
end

local ok, err = pcall(probe)
if not ok then result.error = tostring(err) end
write_and_quit()

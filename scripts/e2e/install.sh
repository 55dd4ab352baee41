#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently, on Debian/Ubuntu as root:
#   - Debian packages: chromium (the browser the UI tests drive), ripgrep (code-server's search
#     binary, see below), libkrb5-dev + pkg-config + a C++ toolchain (code-server's native modules),
#     neovim (the Neovim LSP test);
#   - test/e2e/tools/: code-server 4.100.3 (a real VS Code: workbench + Node extension host),
#     playwright-core (drives Debian's chromium, downloads no browser), mocha (runs the suite inside
#     the extension host), @vscode/test-electron (the runner where desktop VS Code can be downloaded).
# The main `npm ci` stays light: none of this goes into the root package.json.
# Running it again skips what is already there (apt when every package is installed, npm ci when
# node_modules matches package-lock.json).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tools="$root/test/e2e/tools"
started=$SECONDS

packages=(chromium ripgrep libkrb5-dev pkg-config neovim python3 make g++ ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "e2e install: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "e2e install: Debian packages already installed"
fi
echo "e2e install: apt done after $((SECONDS - started)) s"

# code-server's @vscode/ripgrep postinstall downloads rg from GitHub, which CI machines may not
# reach. It first looks in its cache under os.tmpdir(); seed that cache with Debian's rg.
rg_target="$(node -p '({ x64: "x86_64-unknown-linux-musl", arm64: "aarch64-unknown-linux-musl" })[process.arch] || ""')"
if [[ -z "$rg_target" ]]; then
  echo "e2e install: no ripgrep cache seeding for $(node -p process.arch); the postinstall will try GitHub" >&2
else
  rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  rg_tar="$rg_cache/ripgrep-v13.0.0-10-$rg_target.tar.gz"
  if [[ ! -s "$rg_tar" ]]; then
    staging="$(mktemp -d)"
    cp "$(command -v rg)" "$staging/rg"
    mkdir -p "$rg_cache"
    tar -czf "$rg_tar.partial" -C "$staging" rg
    mv "$rg_tar.partial" "$rg_tar"
    rm -rf "$staging"
    echo "e2e install: seeded $rg_tar with $(command -v rg)"
  fi
fi

# npm ci in the tool folder, unless node_modules already matches the lockfile.
stamp="$tools/node_modules/.image-aware-lock.sha256"
want="$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$tools/node_modules/.bin/code-server" ]]; then
  echo "e2e install: $tools/node_modules is up to date"
else
  echo "e2e install: npm ci in $tools (code-server builds native modules: 1-3 minutes)"
  # node-gyp builds against the installed Node's headers instead of downloading them.
  if [[ "$(npm config get nodedir)" != /* && -f "$(dirname "$(dirname "$(command -v node)")")/include/node/node.h" ]]; then
    export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
  fi
  # As root, npm runs install scripts as root only with unsafe-perm; node-pty's `npx node-gyp`
  # would otherwise wait for a yes.
  (cd "$tools" && npm_config_unsafe_perm=true npm_config_yes=true npm ci --no-audit --no-fund)
  echo "$want" >"$stamp"
fi

# Fail here, with the reason, rather than in the middle of a test run.
probe="$(mktemp -d)"
"$tools/node_modules/.bin/code-server" --config "$probe/config.yaml" --user-data-dir "$probe/data" --version | grep -v ' info '
rm -rf "$probe"
chromium --version 2>/dev/null
nvim --version | sed -n 1p
echo "e2e install: done in $((SECONDS - started)) s"

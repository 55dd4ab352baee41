#!/usr/bin/env bash
# What the tests need on a fresh Debian or Ubuntu machine (run as root), besides `npm ci`:
# the real OCI registry the registry tests start on 127.0.0.1 (CNCF distribution, htpasswd for its
# Basic auth, openssl for test certificates), then the end-to-end tools (scripts/e2e/install.sh:
# Chromium, Neovim, code-server and its prerequisites). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends docker-registry apache2-utils openssl
bash scripts/e2e/install.sh

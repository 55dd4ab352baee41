#!/usr/bin/env bash
# What the tests need on a fresh Debian or Ubuntu machine (run as root), besides `npm ci`:
# the real OCI registry the registry tests start on 127.0.0.1 (CNCF distribution, htpasswd for its
# Basic auth, openssl for test certificates), the real build tools the build/push tests drive
# (buildah, podman, dockerd from docker.io; busybox-static for a base image built FROM scratch,
# skopeo to read what a registry serves), then the end-to-end tools (scripts/e2e/install.sh:
# Chromium, Neovim, code-server and its prerequisites). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends docker-registry apache2-utils openssl \
  buildah podman docker.io busybox-static skopeo
# kubectl is not a Debian package; the apply tests check the API server stub against the kubectl
# that machines of this kind come with, and fail with the reason when it is missing.
command -v kubectl >/dev/null || echo 'warning: kubectl not found; test/cluster/kubectl.test.ts will fail' >&2
bash scripts/e2e/install.sh

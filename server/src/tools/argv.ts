/**
 * The argument vectors of each tool, as pure functions: what `docker build`, `buildah push` or
 * `podman login` is run with. Values are separate array elements, so a tag or build arg is never
 * parsed by a shell; a password is never here (it goes to stdin with `--password-stdin`).
 *
 * Where the tools differ:
 * - buildah's build command is `bud` (every version has it; `build` is a newer alias).
 * - buildah and podman push to an explicit `docker://` destination and write the pushed manifest's
 *   digest to a file (`--digestfile`); docker and nerdctl print it (see pushedDigest).
 * - TLS: buildah and podman take `--tls-verify=false`, nerdctl `--insecure-registry`. docker has no
 *   such flag: its daemon decides (`insecure-registries` in daemon.json; loopback is always allowed).
 */
import type { BuildRequest, LoginRequest, ToolName } from './types';

export function buildArgv(tool: ToolName, executable: string, request: BuildRequest): string[] {
  return [
    executable,
    tool === 'buildah' ? 'bud' : 'build',
    '-f',
    request.dockerfile,
    '-t',
    request.tag,
    ...Object.entries(request.buildArgs).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
    ...(request.target === null ? [] : ['--target', request.target]),
    ...(request.platform === null ? [] : ['--platform', request.platform]),
    request.context,
  ];
}

/** `digestFile` is where buildah and podman write the digest; the other tools ignore it. */
export function pushArgv(tool: ToolName, executable: string, image: string, tlsVerify: boolean, digestFile: string): string[] {
  switch (tool) {
    case 'buildah':
    case 'podman':
      return [executable, 'push', '--digestfile', digestFile, ...(tlsVerify ? [] : ['--tls-verify=false']), image, `docker://${image}`];
    case 'nerdctl':
      return [executable, 'push', ...(tlsVerify ? [] : ['--insecure-registry']), image];
    case 'docker':
      return [executable, 'push', image];
  }
}

export function loginArgv(tool: ToolName, executable: string, request: Omit<LoginRequest, 'password'>): string[] {
  const insecure = request.tlsVerify ? [] : tool === 'nerdctl' ? ['--insecure-registry'] : tool === 'docker' ? [] : ['--tls-verify=false'];
  return [executable, 'login', '--username', request.username, '--password-stdin', ...insecure, request.registry];
}

const PRINTED_DIGEST = /\bdigest: (sha256:[0-9a-f]{64}) size: \d+/;

/** The digest docker (and nerdctl) print for a pushed manifest: `1.0: digest: sha256:… size: 943`. */
export function pushedDigest(lines: readonly string[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = PRINTED_DIGEST.exec(lines[i]);
    if (match) return match[1];
  }
  return null;
}

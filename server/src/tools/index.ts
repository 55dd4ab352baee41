/**
 * The build-tool adapters: one BuildTool per tool over its argv (./argv) and one process runner
 * (./process). `env` is the whole environment the tool runs with (process.env in the editor): it
 * carries DOCKER_HOST, DOCKER_CONFIG, REGISTRY_AUTH_FILE, CONTAINERS_STORAGE_CONF, BUILDAH_ISOLATION…
 * exactly as the user's shell would.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArgv, loginArgv, pushArgv, pushedDigest } from './argv';
import { detectTools, pickTool } from './detect';
import type { DetectOptions } from './detect';
import { runProcess } from './process';
import type { ToolEnv } from './process';
import { TOOL_NAMES } from './types';
import type { BuildTool, ToolName } from './types';

export { detectTools, pickTool } from './detect';
export type { DetectOptions, ToolChoice } from './detect';
export { runProcess } from './process';
export type { RunOptions, RunResult, ToolEnv } from './process';
export { TOOL_NAMES, ToolError } from './types';
export type { BuildRequest, BuildTool, DetectedTool, LoginRequest, PushOptions, PushResult, RunIo, ToolName } from './types';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** What buildah or podman wrote to `--digestfile`, or null when the file is missing or odd. */
function readDigestFile(file: string): string | null {
  try {
    const digest = readFileSync(file, 'utf8').trim();
    return DIGEST.test(digest) ? digest : null;
  } catch {
    return null;
  }
}

export function createBuildTool(name: ToolName, executable: string, env: ToolEnv): BuildTool {
  return {
    name,
    executable,
    async build(request, io) {
      await runProcess(buildArgv(name, executable, request), { tool: name, env, cwd: request.context, io });
    },
    async push(image, options, io) {
      const dir = mkdtempSync(join(tmpdir(), 'image-aware-push-'));
      try {
        const digestFile = join(dir, 'digest');
        const result = await runProcess(pushArgv(name, executable, image, options.tlsVerify, digestFile), { tool: name, env, io });
        return { toolDigest: readDigestFile(digestFile) ?? pushedDigest(result.stdout) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async login(request, io) {
      await runProcess(loginArgv(name, executable, request), { tool: name, env, stdin: request.password, io });
    },
  };
}

export type BuildToolChoice = { readonly ok: true; readonly tool: BuildTool } | { readonly ok: false; readonly reason: string };

/**
 * The tool a command runs, found as detectTools finds tools (on the PATH of `options.env`) and
 * picked as the setting says (pickTool), ready to run with that environment; or why none can be used.
 * A named tool is the only one looked for: docker's daemon is not asked (up to 5 s) for buildah.
 */
export async function chooseBuildTool(setting: 'auto' | ToolName, options: DetectOptions): Promise<BuildToolChoice> {
  const choice = pickTool(setting, await detectTools(options, setting === 'auto' ? TOOL_NAMES : [setting]));
  return choice.ok ? { ok: true, tool: createBuildTool(choice.name, choice.executable, options.env) } : choice;
}

/**
 * The build-tool port: what the editor asks of docker, podman, buildah or nerdctl.
 * One small interface so the command logic (engine/) is tested with any tool, and each adapter is
 * tested against the real program. Tools always run as a child process with an argument vector,
 * never through a shell string, so a tag or build arg cannot inject anything.
 */

export type ToolName = 'docker' | 'podman' | 'buildah' | 'nerdctl';

/** The order `auto` tries them in: docker only counts when its daemon answers. */
export const TOOL_NAMES: readonly ToolName[] = ['docker', 'podman', 'buildah', 'nerdctl'];

export interface BuildRequest {
  /** Absolute path of the Dockerfile or Containerfile. */
  readonly dockerfile: string;
  /** Absolute path of the build context directory. */
  readonly context: string;
  /** The reference the built image is tagged with (`registry/repo:tag`). */
  readonly tag: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** A stage name of a multi-stage Dockerfile, or null for the last stage. */
  readonly target: string | null;
  /** `os/arch[/variant]`, or null for the tool's default. */
  readonly platform: string | null;
}

export interface RunIo {
  /** Each line of the tool's stdout and stderr, as it arrives (for an output channel). */
  readonly output: (line: string) => void;
  /** Aborting kills the tool's whole process tree; the call then rejects with a cancelled ToolError. */
  readonly signal?: AbortSignal;
}

export interface PushOptions {
  /** False for loopback and insecure registries (plain HTTP or an untrusted certificate). */
  readonly tlsVerify: boolean;
}

export interface PushResult {
  /**
   * The digest the tool printed or wrote for the pushed manifest, when it says one. Informational:
   * callers pin what the registry serves for the tag (engine/pushImage reads it back).
   */
  readonly toolDigest: string | null;
}

export interface LoginRequest {
  /** host[:port] */
  readonly registry: string;
  readonly username: string;
  /** Given to the tool on stdin (`--password-stdin`), never on the command line, never stored. */
  readonly password: string;
  readonly tlsVerify: boolean;
}

export interface BuildTool {
  readonly name: ToolName;
  /** Absolute path of the executable that is run. */
  readonly executable: string;
  build(request: BuildRequest, io: RunIo): Promise<void>;
  /** Pushes a local image by the reference it was tagged with. */
  push(image: string, options: PushOptions, io: RunIo): Promise<PushResult>;
  /** The tool's own login, so its own config (docker config.json, containers auth.json) keeps the credentials. */
  login(request: LoginRequest, io: RunIo): Promise<void>;
}

export interface DetectedTool {
  readonly name: ToolName;
  /** Absolute path found on PATH, or null when the tool is not installed. */
  readonly executable: string | null;
  /** Whether it can build now (for docker: the daemon answered). */
  readonly usable: boolean;
  /** Why not, for people ("docker is installed but its daemon at unix:///var/run/docker.sock did not answer"). */
  readonly reason: string | null;
}

/** A tool run that failed, was cancelled, or could not start. The message is the tool's own. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly tool: ToolName,
    /** The arguments run (never a password: those go on stdin). */
    readonly argv: readonly string[],
    /** Exit code, or null when it did not start or was killed. */
    readonly exitCode: number | null,
    readonly cancelled: boolean,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

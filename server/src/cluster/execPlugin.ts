/**
 * A kubeconfig exec plugin (`users[].user.exec`, a client-go credential plugin) run as kubectl runs
 * it, and no worse: the config is validated with clientcmd's rules and words, the command is found
 * on PATH's absolute entries only (relative commands were made absolute against their kubeconfig by
 * readKubeconfig), the plugin gets the caller's environment plus its `env` and KUBERNETES_EXEC_INFO
 * (an ExecCredential whose spec says it is not interactive, with the cluster when
 * `provideClusterInfo` asks), and its answer is an ExecCredential of the configured apiVersion
 * (client.authentication.k8s.io/v1 or v1beta1), kept until its `expirationTimestamp` (or until the
 * API server answers 401) and asked once for requests that need it at the same time.
 *
 * We run it ourselves rather than let @kubernetes/client-node do it: client-node 1.4 spawns it with
 * no timeout, sets no KUBERNETES_EXEC_INFO, ignores interactiveMode, and rejects with the plugin's
 * stderr as the message. Here it runs through process/group: a process group of its own, ended whole
 * at the timeout, stdout bounded, stderr never read; a failure names the plugin and the user and
 * says how it ended.
 */
import { readFileSync } from 'node:fs';
import type { Cluster as KubeClusterEntry } from '@kubernetes/client-node';
import { record } from '../core/json';
import { describeEnding, findExecutable, HELPER_LEFTOVER_MS, runInGroup } from '../process';
import type { ProcessEnv } from '../process';
import { ClusterError } from './types';

const API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
const INTERACTIVE_MODES = ['Never', 'IfAvailable', 'Always'] as const;
/** An ExecCredential holds a token or a certificate and key: a few KiB. */
const MAX_OUTPUT_BYTES = 1024 * 1024;
/** How much of a plugin's installHint a message shows. */
const MAX_HINT = 500;

export interface ExecConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly apiVersion: string;
  readonly interactiveMode: (typeof INTERACTIVE_MODES)[number];
  readonly provideClusterInfo: boolean;
  readonly installHint: string | null;
}

export interface ExecCredential {
  readonly token: string | null;
  /** PEM, for a client certificate: both or neither. */
  readonly clientCertificateData: string | null;
  readonly clientKeyData: string | null;
  /** When it expires (ms since the epoch), or null when it does not. */
  readonly expiresAt: number | null;
}

export interface ExecRunOptions {
  /** The environment the plugin's own `env` is added to (the caller's, as kubectl passes its own). */
  readonly env: ProcessEnv;
  readonly timeoutMs: number;
  readonly killGraceMs: number;
  /** The clock credentials expire by. */
  readonly now: () => number;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The exec section of kubeconfig user `user` as clientcmd reads it (v1beta1 defaults interactiveMode
 * to IfAvailable, v1 requires it), or what is wrong with it, in kubectl's words.
 */
export function readExecConfig(raw: unknown, user: string): ExecConfig | string {
  const exec = record(raw);
  const command = text(exec.command);
  const apiVersion = text(exec.apiVersion);
  if (command === '') return `command must be specified for ${user} to use exec authentication plugin`;
  if (apiVersion === '') return `apiVersion must be specified for ${user} to use exec authentication plugin`;
  const env: { name: string; value: string }[] = [];
  for (const entry of Array.isArray(exec.env) ? exec.env : []) {
    const { name, value } = record(entry);
    if (text(name) === '') return `env variable name must be specified for ${user} to use exec authentication plugin`;
    env.push({ name: text(name), value: text(value) });
  }
  const mode = text(exec.interactiveMode) || (apiVersion.endsWith('/v1beta1') || apiVersion.endsWith('/v1alpha1') ? 'IfAvailable' : '');
  if (mode === '') return `interactiveMode must be specified for ${user} to use exec authentication plugin`;
  const interactiveMode = INTERACTIVE_MODES.find((known) => known === mode);
  if (interactiveMode === undefined) return `invalid interactiveMode for ${user}: "${mode}"`;
  if (!API_VERSIONS.includes(apiVersion)) return `exec plugin: invalid apiVersion "${apiVersion}"`;
  return {
    command,
    args: (Array.isArray(exec.args) ? exec.args : []).map(text),
    env,
    apiVersion,
    interactiveMode,
    provideClusterInfo: exec.provideClusterInfo === true,
    // Shown as kubectl shows it, as one line of bounded length.
    installHint: text(exec.installHint).replace(/\s+/g, ' ').trim().slice(0, MAX_HINT).replace(/\.$/, '') || null,
  };
}

/** The cluster as ExecCredential's spec.cluster carries it (clientauthentication Cluster). */
function clusterInfo(cluster: KubeClusterEntry): Record<string, unknown> {
  const ca = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
  return {
    server: cluster.server,
    ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
    ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
    ...(ca ? { 'certificate-authority-data': ca } : {}),
    ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
  };
}

/** The credential in a plugin's stdout, or why it is not one (the end of a sentence; never the output itself). */
export function parseExecCredential(stdout: string, apiVersion: string): ExecCredential | string {
  let parsed: Record<string, unknown>;
  try {
    parsed = record(JSON.parse(stdout));
  } catch {
    return 'its output is not an ExecCredential in JSON';
  }
  if (parsed.kind !== 'ExecCredential' || typeof parsed.apiVersion !== 'string') return 'its output is not an ExecCredential in JSON';
  if (parsed.apiVersion !== apiVersion) {
    return `it is configured for ${apiVersion} but answered ${API_VERSIONS.includes(parsed.apiVersion) ? parsed.apiVersion : 'another version'}`;
  }
  const status = record(parsed.status);
  const token = text(status.token) || null;
  const clientCertificateData = text(status.clientCertificateData) || null;
  const clientKeyData = text(status.clientKeyData) || null;
  if ((clientCertificateData === null) !== (clientKeyData === null)) return 'it returned only one of a client certificate and its key';
  if (token === null && clientCertificateData === null) return 'it returned neither a token nor a client certificate and key';
  let expiresAt: number | null = null;
  if (status.expirationTimestamp !== undefined && status.expirationTimestamp !== null) {
    expiresAt = Date.parse(text(status.expirationTimestamp));
    if (Number.isNaN(expiresAt)) return 'its expirationTimestamp is not a time';
  }
  return { token, clientCertificateData, clientKeyData, expiresAt };
}

/** The credentials of one kubeconfig user from its exec plugin, run when none is kept or the kept one expired. */
export class ExecPluginCredentials {
  private kept: ExecCredential | null = null;
  private running: Promise<ExecCredential> | null = null;

  constructor(
    private readonly config: ExecConfig,
    private readonly user: string,
    private readonly cluster: KubeClusterEntry,
    private readonly options: ExecRunOptions,
  ) {}

  get(): Promise<ExecCredential> {
    const kept = this.kept;
    if (kept !== null && (kept.expiresAt === null || this.options.now() <= kept.expiresAt)) return Promise.resolve(kept);
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** Drops the kept credential (the API server refused it): the next request runs the plugin again. */
  forget(): void {
    this.kept = null;
  }

  private failed(how: string): ClusterError {
    return new ClusterError(`The kubeconfig's exec plugin ${this.config.command} for user "${this.user}" failed: ${how}.`, 'unauthorized');
  }

  private async run(): Promise<ExecCredential> {
    const { config, options } = this;
    if (config.interactiveMode === 'Always') throw this.failed('its interactiveMode is Always, and image-aware cannot give it a terminal');
    const executable = findExecutable(config.command, options.env);
    if (executable === null) {
      const missing = config.command.includes('/') ? 'does not exist or is not executable' : 'was not found on PATH';
      throw this.failed(`${config.command} ${missing}${config.installHint ? `. ${config.installHint}` : ''}`);
    }
    const spec = { interactive: false, ...(config.provideClusterInfo ? { cluster: clusterInfo(this.cluster) } : {}) };
    const env: Record<string, string | undefined> = { ...options.env };
    for (const { name, value } of config.env) env[name] = value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: config.apiVersion, kind: 'ExecCredential', spec });

    let stdout = '';
    const ending = await runInGroup([executable, ...config.args], {
      env,
      onStdout: (chunk) => (stdout += chunk),
      maxStdoutBytes: MAX_OUTPUT_BYTES,
      timeoutMs: options.timeoutMs,
      killGraceMs: options.killGraceMs,
      leftoverMs: HELPER_LEFTOVER_MS,
    });
    if (ending.kind === 'exited' && ending.code !== 0) throw this.failed(`${describeEnding(ending)}. Run it in a terminal to see its own message`);
    if (ending.kind !== 'exited') throw this.failed(describeEnding(ending));
    const credential = parseExecCredential(stdout, config.apiVersion);
    if (typeof credential === 'string') throw this.failed(credential);
    this.kept = credential;
    return credential;
  }
}

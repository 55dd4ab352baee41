/**
 * `image-aware apply PATH...`: the editor's "Apply to Cluster" for CI, as `kubectl apply
 * --server-side` with a look first. The engine (engine/cluster/apply.ts) applies every object as a
 * server dry run, and the live object and what the server would store are printed as a unified diff;
 * only with --yes are the changes applied. Fields other field managers own are taken over only with
 * --force-conflicts. Then the rollout of every Deployment, StatefulSet and DaemonSet that changed is
 * followed like `kubectl rollout status` (engine/cluster/watchRollout.ts), and pods that cannot pull their
 * image are told with the kubelet's reason and a fix.
 * The diff goes to stdout (it is the result, and pipes into a file); what happens goes to stderr.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FieldConflict, KubeObject, ObjectRef } from '../../cluster';
import { applyObjects, DEFAULT_FIELD_MANAGER, displayName, hasRolloutStatus, manifestObjects, tallyApply, watchRollout } from '../../engine';
import type { ApplyPrompts, ApplyTally, ObjectChange } from '../../engine';
import { CliError, parseCommandLine } from '../args';
import { unifiedDiff } from '../diff';
import { readInputs } from '../inputs';
import type { RegistryIo } from '../registry';

export const APPLY_USAGE = `Usage: image-aware apply [options] PATH...

Applies the Kubernetes objects in PATH with server-side apply, as kubectl apply --server-side does.
First every object is applied as a server dry run, and the difference between the live object and what
the server would store (fields the server keeps for itself left out) is printed as a unified diff.
Only with --yes is anything applied; then the rollout of every Deployment, StatefulSet and DaemonSet that
changed is followed like kubectl rollout status, and pods that cannot pull their image are reported with
the kubelet's reason and a fix. PATH is a file, a folder (searched for *.yaml and *.yml, skipping
node_modules and .git) or - for standard input; a document that is not an object stops everything.

Options:
  -y, --yes                  Apply the changes (without it, nothing is applied).
  --dry-run                  Only the server dry run and its diff, even with --yes in a script's defaults.
  --force-conflicts          Take over fields that other field managers own; without it such an object is
                             not applied, and the fields and their managers are listed.
  --context NAME             The kubeconfig context to use (default: its current context).
  -n, --namespace NAME       The namespace of objects that name none (default: the context's, else default).
  --field-manager NAME       The field manager to apply as (default: image-aware).
  --no-wait                  Do not follow rollouts.
  --timeout DURATION         How long to follow each rollout: 300s, 5m, 1m30s (default 300s).
  -h, --help                 Show this help.

The kubeconfig is read as kubectl reads it: the files KUBECONFIG lists, else ~/.kube/config.
The diff goes to stdout, everything else to stderr.

Exit status: 0 when every object was applied (or, without --yes, would be) and every rollout finished;
1 when everything was applied but a rollout did not finish (pods that cannot pull their image, an
exceeded progress deadline, the timeout); 2 when something was not applied or would not be: a usage or
read error, a document that is not an object, no kubeconfig, an API server that cannot be reached or
refuses the credentials (401), a permission the user lacks (403, with the verb and resource), an object
the server rejects, or fields other managers own without --force-conflicts.
`;

export interface ApplyIo extends RegistryIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<Uint8Array>;
  /** Aborted on Ctrl-C or SIGTERM: the dry run, the apply or the watch stops. */
  readonly signal: AbortSignal;
}

/** How far `apply` got; main.ts turns it into the exit status. */
export type ApplyResult = 'done' | 'not-rolled-out' | 'not-applied';

const DEFAULT_TIMEOUT = '300s';
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** setTimeout's limit (about 24.8 days); a longer delay would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A Go duration as kubectl's --timeout takes it ("300s", "5m", "1h30m", "1.5s"), in milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.matchAll(DURATION_PART)];
  const ms = parts.reduce((sum, [, value, unit]) => sum + Number(value) * UNIT_MS[unit], 0);
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new CliError(`${flag} expects a duration such as 300s, 5m or 1m30s (got "${text}").`);
  if (ms <= 0 || ms > MAX_TIMEOUT_MS) throw new CliError(`${flag} must be more than 0 and less than 24 days (got "${text}"); --no-wait does not wait at all.`);
  return ms;
}

/** The objects of every input, in order; a document that is not an object is an error naming its file and line, as kubectl refuses it. */
async function readObjects(paths: readonly string[], io: ApplyIo): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const input of await readInputs(paths, io.cwd, io.readStdin, io.stderr, 'yaml')) {
    const lines = TextDocument.create('file:///apply', 'yaml', 0, input.text);
    for (const found of manifestObjects(input.text)) {
      if (found.object === null) throw new CliError(`${input.path} line ${lines.positionAt(found.start).line + 1}: ${found.problem} Nothing was applied.`);
      objects.push(found.object);
    }
  }
  if (objects.length === 0) throw new CliError(`no Kubernetes objects in ${paths.join(', ')}.`);
  return objects;
}

/** kubectl diff's name for the object's file: group.version.Kind.namespace.name. */
function diffName(ref: ObjectRef): string {
  return [ref.apiVersion.replace('/', '.'), ref.kind, ref.namespace, ref.name].filter((part) => part !== null).join('.');
}

function owned(conflicts: readonly FieldConflict[]): string {
  return conflicts.map((c) => `${c.field} (owned by "${c.manager}")`).join(', ');
}

const DRY_RUN_VERB = { create: 'created', update: 'configured', unchanged: 'unchanged' } as const;

/** One line per object of the dry run, as `kubectl apply --dry-run=server` words it, with conflicts. */
function dryRunLine(change: ObjectChange, force: boolean): string {
  const how = change.pendingNamespace === null ? 'server dry run' : `not dry-run: its namespace "${change.pendingNamespace}" is created first`;
  const line = `${displayName(change.ref)} ${DRY_RUN_VERB[change.action]} (${how})`;
  if (change.conflicts.length === 0) return line;
  if (force) return `${line}, taking over ${owned(change.conflicts)}`;
  return `${displayName(change.ref)} would not be applied: other field managers own ${owned(change.conflicts)}; --force-conflicts takes them over`;
}

function counts(applied: ApplyTally['applied']): string {
  const count = (outcome: string): number => applied.filter((r) => r.outcome === outcome).length;
  return `${count('created')} created, ${count('configured')} configured, ${count('unchanged')} unchanged`;
}

export async function apply(argv: string[], io: ApplyIo): Promise<ApplyResult> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: {
      yes: { type: 'boolean', short: 'y', default: false },
      'dry-run': { type: 'boolean', default: false },
      'force-conflicts': { type: 'boolean', default: false },
      context: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      'field-manager': { type: 'string', default: DEFAULT_FIELD_MANAGER },
      'no-wait': { type: 'boolean', default: false },
      timeout: { type: 'string', default: DEFAULT_TIMEOUT },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(APPLY_USAGE);
    return 'done';
  }
  if (positionals.length === 0) throw new CliError('apply needs at least one PATH (a file, a folder, or - for standard input).');
  const timeoutMs = parseDuration(values.timeout, '--timeout');
  const fieldManager = values['field-manager'].trim();
  if (fieldManager === '') throw new CliError('--field-manager must not be empty.');
  const force = values['force-conflicts'];
  const applying = values.yes && !values['dry-run'];
  const objects = await readObjects(positionals, io);

  // Loaded here, not at the top: @kubernetes/client-node would add ~90 ms to every CLI start
  // (scripts/build.mjs keeps it in its own bundle, dist/cluster.js).
  const { createCluster } = await import('../../cluster/adapter.js');
  const cluster = await createCluster({ env: io.env, home: io.home, context: values.context ?? null, namespace: values.namespace ?? null });
  const { context } = cluster;
  io.stderr(`Context "${context.name}" (${context.server}), namespace "${context.namespace}", field manager "${fieldManager}".\n`);

  let declined = false;
  const prompts: ApplyPrompts = {
    async confirmApply(changes) {
      io.stdout(changes.map((change) => unifiedDiff(diffName(change.ref), change.live, change.proposed)).join(''));
      if (applying) return true;
      for (const change of changes) io.stderr(`${dryRunLine(change, force)}\n`);
      declined = true;
      return false;
    },
    async confirmForce() {
      return force;
    },
  };
  const report = await applyObjects(objects, cluster, prompts, {
    fieldManager,
    output: (line) => {
      // Once the dry run is declined the engine only says the apply was cancelled, which the summary below says better.
      if (!declined) io.stderr(`${line}\n`);
    },
    signal: io.signal,
  });

  if (declined) {
    const wouldFail = report.refused.length + (force ? 0 : report.changes.filter((c) => c.conflicts.length > 0).length);
    io.stderr(values['dry-run'] ? 'Dry run: nothing was applied.\n' : 'Nothing was applied: run again with --yes to apply these changes.\n');
    return wouldFail > 0 ? 'not-applied' : 'done';
  }

  const tally = tallyApply(report);
  const failed = tally.notApplied.length;
  const notForced = report.results.some((r) => r.outcome === 'not-forced');
  io.stderr(
    `${counts(tally.applied)}${failed > 0 ? `, ${failed} not applied` : ''}.${notForced ? ' --force-conflicts takes over fields other managers own.' : ''}\n`,
  );

  let rolledOut = true;
  for (const ref of values['no-wait'] ? [] : tally.changed.filter(hasRolloutStatus)) {
    const result = await watchRollout(ref, cluster, { timeoutMs, signal: io.signal, output: (line) => io.stderr(`${line}\n`) });
    if (!result.done) {
      rolledOut = false;
      io.stderr(`${displayName(ref)} did not roll out: ${result.message}\n`);
    }
  }
  return failed > 0 ? 'not-applied' : rolledOut ? 'done' : 'not-rolled-out';
}

/**
 * `image-aware`, the command-line front end, and its composition root: the only module that touches
 * the process (argv, standard streams, the exit code). Commands get what they need as plain
 * functions and report back a boolean; this file alone decides the exit codes, which are the CLI's
 * contract with scripts and CI:
 *   0  success: every reference is valid, no finding reaches --fail-on, every image was pinned,
 *      the pushed image was pinned, every object was applied and rolled out;
 *   1  `check` found something at or above --fail-on, `pin` could not resolve some images, `push`
 *      found no field to pin, or `apply` applied everything but a rollout did not finish;
 *   2  the CLI could not do its job: bad arguments, an unreadable path, an invalid reference, a
 *      registry that could not answer `tags` or `inspect`, a build tool that failed, a scanner that
 *      could not scan an image (`check --scan`), a cluster that could not be reached or refused
 *      something (`apply` left an object unapplied), `push` to a tag that names an image without
 *      --overwrite (nothing pushed), or a bug.
 * Ctrl-C and SIGTERM abort `push`, `apply` and the scans of `check --scan` (ending the build tool's or
 * scanner's whole process group); the exit
 * status is then 128 + the signal's number, as a shell reports it.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asClusterError } from '../engine';
import { isRegistryError } from '../registry';
import { ToolError } from '../tools';
import { CliError, parseCommandLine } from './args';
import { apply, APPLY_USAGE } from './commands/apply';
import type { ApplyResult } from './commands/apply';
import { check, CHECK_USAGE } from './commands/check';
import { inspect, INSPECT_USAGE } from './commands/inspect';
import { pin, PIN_USAGE } from './commands/pin';
import { push, PUSH_USAGE } from './commands/push';
import { ref, REF_USAGE } from './commands/ref';
import { tags, TAGS_USAGE } from './commands/tags';
import { describeRegistryError } from './registry';

const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_FAILURE = 2;

const APPLY_EXIT: Readonly<Record<ApplyResult, number>> = { done: EXIT_OK, 'not-rolled-out': EXIT_FINDINGS, 'not-applied': EXIT_FAILURE };
const SIGNAL_EXIT: Readonly<Record<InterruptSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

const USAGE = `Usage: image-aware <command> [options]

Commands:
  ref REF...      Parse image references the way Kubernetes does; prints one JSON line each.
  check PATH...   Check the image fields of Kubernetes manifests in files, folders or standard input.
  tags REPO       List a repository's tags, newest version first.
  inspect REF     Print what the registry has under an image reference (digest, platforms, size, labels).
  pin PATH...     Pin every image with a tag to its digest, in place, all files or none (or print the diff).
  push IMAGE [PATH...]
                  Push a local image with docker, podman, buildah or nerdctl and pin the digest the
                  registry serves in the image fields that name it.
  apply PATH...   Server-side apply to a cluster: the server's dry run as a diff, then (with --yes)
                  the apply, and the rollouts followed until done or stuck.

Options:
  -h, --help      Show this help; after a command, show that command's help.
  -V, --version   Print the version.

${REF_USAGE}
${CHECK_USAGE}
${TAGS_USAGE}
${INSPECT_USAGE}
${PIN_USAGE}
${PUSH_USAGE}
${APPLY_USAGE}`;

function stdout(text: string): void {
  process.stdout.write(text);
}

function stderr(text: string): void {
  process.stderr.write(text);
}

/** The bundle is dist/cli.js, so the package manifest is one folder up; it is read only when needed. */
function toolVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** docs/diagnostics.md ships beside dist/, as the editor's diagnostics link it (lsp/convert.ts). */
const DIAGNOSTICS_PAGE = pathToFileURL(join(__dirname, '..', 'docs', 'diagnostics.md')).href;

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Handles the arguments when no command is named: --help, --version, or a usage error. */
function runWithoutCommand(argv: string[]): number {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } },
    allowPositionals: true,
  });
  if (values.version) stdout(`${toolVersion()}\n`);
  else if (values.help) stdout(USAGE);
  else if (positionals.length > 0) throw new CliError(`unknown command "${positionals[0]}"; the commands are ref, check, tags, inspect, pin, push and apply.`);
  else {
    stderr(USAGE);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

/**
 * With IMAGE_AWARE_TEST_HOLD_BEFORE_RENAME=1, `pin` and `push` stop once every file is staged, before
 * the first rename, say so on stderr and wait for standard input to end: a test kills the process
 * there to see that every file keeps its bytes.
 */
function holdBeforeRename(): (() => Promise<void>) | undefined {
  if (process.env.IMAGE_AWARE_TEST_HOLD_BEFORE_RENAME !== '1') return undefined;
  return async () => {
    stderr('image-aware: holding before the first rename until standard input ends\n');
    await readStdin();
  };
}

type InterruptSignal = 'SIGINT' | 'SIGTERM';

/**
 * Aborted by the first Ctrl-C or SIGTERM, for the commands that run tools or watch a cluster; a
 * second signal gets the default handling (the listeners are gone) and ends the process at once.
 */
const interrupt = new AbortController();

function interruptible(): AbortSignal {
  for (const name of Object.keys(SIGNAL_EXIT) as InterruptSignal[]) process.once(name, () => interrupt.abort(name));
  return interrupt.signal;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // The registry client reads DOCKER_CONFIG, HOME and PATH (for credential helpers) from here.
  const registryIo = { env: process.env, home: homedir() };
  const io = { ...registryIo, cwd: process.cwd(), stdout, stderr, beforeRename: holdBeforeRename() };
  switch (command) {
    case 'ref':
      return ref(rest, stdout) ? EXIT_OK : EXIT_FAILURE;
    case 'check':
      return (await check(rest, { ...io, toolVersion, diagnosticsPage: DIAGNOSTICS_PAGE, readStdin, interruptible })) ? EXIT_FINDINGS : EXIT_OK;
    case 'tags':
      await tags(rest, io);
      return EXIT_OK;
    case 'inspect':
      await inspect(rest, io);
      return EXIT_OK;
    case 'pin':
      return (await pin(rest, io)) ? EXIT_FINDINGS : EXIT_OK;
    case 'push':
      return (await push(rest, { ...io, signal: interruptible() })) ? EXIT_FINDINGS : EXIT_OK;
    case 'apply':
      return APPLY_EXIT[await apply(rest, { ...io, readStdin, signal: interruptible() })];
    default:
      return runWithoutCommand(argv);
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A CliError is the user's to fix, a RegistryError or ClusterError the server's answer and a
    // ToolError the tool's own words, so their message is enough (none carries a secret); anything
    // else is a bug and needs its stack.
    if (interrupt.signal.aborted) {
      const name = interrupt.signal.reason as InterruptSignal;
      stderr(`image-aware: interrupted (${name})\n`);
      process.exitCode = SIGNAL_EXIT[name];
      return;
    }
    // By name: the cluster adapter is its own bundle (dist/cluster.js) with its own ClusterError class.
    const clusterError = asClusterError(error);
    if (error instanceof CliError) stderr(`image-aware: ${error.message}\n`);
    else if (clusterError) stderr(`image-aware: ${clusterError.message}\n`);
    else if (error instanceof ToolError) stderr(`image-aware: ${error.tool} failed: ${error.message}\n`);
    else if (isRegistryError(error)) stderr(`image-aware: ${describeRegistryError(error)}\n`);
    else stderr(`image-aware: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);

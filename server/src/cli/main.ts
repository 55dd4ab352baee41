/**
 * `image-aware`, the command-line front end, and its composition root: the only module that touches
 * the process (argv, standard streams, the exit code). Commands get what they need as plain
 * functions and report back a boolean; this file alone decides the exit codes, which are the CLI's
 * contract with scripts and CI:
 *   0  success: every reference is valid, no finding reaches --fail-on, every image was pinned;
 *   1  `check` found something at or above --fail-on, or `pin` could not resolve some images;
 *   2  the CLI could not do its job: bad arguments, an unreadable path, an invalid reference, a
 *      registry that could not answer `tags` or `inspect`, or a bug.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isRegistryError } from '../registry';
import { CliError, parseCommandLine } from './args';
import { check, CHECK_USAGE } from './commands/check';
import { inspect, INSPECT_USAGE } from './commands/inspect';
import { pin, PIN_USAGE } from './commands/pin';
import { ref, REF_USAGE } from './commands/ref';
import { tags, TAGS_USAGE } from './commands/tags';
import { describeRegistryError } from './registry';

const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_FAILURE = 2;

const USAGE = `Usage: image-aware <command> [options]

Commands:
  ref REF...      Parse image references the way Kubernetes does; prints one JSON line each.
  check PATH...   Check the image fields of Kubernetes manifests in files, folders or standard input.
  tags REPO       List a repository's tags, newest version first.
  inspect REF     Print what the registry has under an image reference (digest, platforms, size, labels).
  pin PATH...     Pin every image with a tag to its digest, in place (or print the diff).

Options:
  -h, --help      Show this help; after a command, show that command's help.
  -V, --version   Print the version.

${REF_USAGE}
${CHECK_USAGE}
${TAGS_USAGE}
${INSPECT_USAGE}
${PIN_USAGE}`;

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
  else if (positionals.length > 0) throw new CliError(`unknown command "${positionals[0]}"; the commands are ref, check, tags, inspect and pin.`);
  else {
    stderr(USAGE);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // The registry client reads DOCKER_CONFIG, HOME and PATH (for credential helpers) from here.
  const registryIo = { env: process.env, home: homedir() };
  const io = { ...registryIo, cwd: process.cwd(), stdout, stderr };
  switch (command) {
    case 'ref':
      return ref(rest, stdout) ? EXIT_OK : EXIT_FAILURE;
    case 'check':
      return (await check(rest, { ...io, toolVersion, readStdin })) ? EXIT_FINDINGS : EXIT_OK;
    case 'tags':
      await tags(rest, io);
      return EXIT_OK;
    case 'inspect':
      await inspect(rest, io);
      return EXIT_OK;
    case 'pin':
      return (await pin(rest, io)) ? EXIT_FINDINGS : EXIT_OK;
    default:
      return runWithoutCommand(argv);
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A CliError is the user's to fix and a RegistryError the registry's answer, so their message is
    // enough (it names the credentials tried, never a secret); anything else is a bug and needs its stack.
    if (error instanceof CliError) stderr(`image-aware: ${error.message}\n`);
    else if (isRegistryError(error)) stderr(`image-aware: ${describeRegistryError(error)}\n`);
    else stderr(`image-aware: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);

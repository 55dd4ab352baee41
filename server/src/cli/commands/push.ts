/**
 * `image-aware push IMAGE [PATH...]`: the editor's "Push Image" for CI. The local image is pushed
 * with the build tool found on PATH (tools/: docker only when its daemon answers, then podman,
 * buildah, nerdctl), whose output goes to stderr as it comes; then the digest the registry serves
 * for the tag is read back, and every image field in PATH that names that repository and tag without
 * a digest is pinned to it, or re-pinned when it names another digest (an earlier push of the tag)
 * (engine/build/push.ts: the same edits as `pin` and the editor's "Update pinned digest"). The files
 * are read before the push, so a wrong path fails before anything is pushed. A tag that names
 * something already (or whose registry cannot say) is pushed over only with --overwrite
 * (engine/build/overwrite.ts, the question the editor's dialog asks): without it nothing is pushed.
 */
import { effectiveTag } from '../../core';
import { guardPush, pushedPinEdits, pushImage } from '../../engine';
import { toolVerifiesTls } from '../../registry';
import { chooseBuildTool, TOOL_NAMES } from '../../tools';
import { CliError, MAX_FILE_SIZE_USAGE, maxFileSize, oneOf, parseCommandLine } from '../args';
import { PIN_COMMAND_FLAGS, pinSettings, plural, readPinTargets, reportStoppedShort, writePins } from '../pinFiles';
import type { PinWriteIo } from '../pinFiles';
import { CONFIG_USAGE, readLocations, requireValidLocations } from '../locations';
import { openClient, referenceArgument, REGISTRY_USAGE, registrySetup } from '../registry';
import type { RegistryIo } from '../registry';

const TOOL_SETTINGS = ['auto', ...TOOL_NAMES] as const;

export const PUSH_USAGE = `Usage: image-aware push [options] IMAGE [PATH...]

Pushes the local image IMAGE (registry/repository:tag, as it was built or tagged) with docker, podman,
buildah or nerdctl, reads back the digest the registry now serves for the tag (a tool may recompress
layers, so that is the digest to run), and pins every image field in PATH that names that repository and
tag without a digest, exactly as \`pin\` writes it:
  image: registry.example.com/team/app:1.4   becomes   image: registry.example.com/team/app:1.4@sha256:…
A field that names the repository and tag with another digest (an earlier push) is re-pinned to the new
one, keeping its tag (kustomize: its digest: is replaced); fields at that digest already, and other images,
are left alone. PATH is a file or a folder (searched for *.yaml, *.yml and Dockerfiles, skipping node_modules and .git;
below it, a symbolic link is followed only when it points inside it); the current folder by default.
Files are rewritten all or none, as \`pin\` does it. The tool's output goes to stderr.

Options:
  --tool ${TOOL_SETTINGS.join('|')}
                             The tool to push with (default auto: docker if its daemon answers, else
                             podman, buildah, nerdctl, the first found on PATH). It uses its own
                             credentials (docker login, podman/buildah login) and registry certificates;
                             TLS is not verified for loopback registries and those given as --insecure-registry.
  --overwrite                Push even when the tag names an image already (or its registry cannot
                             say whether it does); what it named is printed first. Without it such a
                             push is refused with that digest, its platforms and date: a single-platform
                             image pushed over a multi-platform index drops the other platforms.
  --dry-run                  Push, but print the pins as a unified diff and write nothing; without it,
                             the files changed are printed, one per line.
  --keep-tag                 Write repo:tag@digest (default).
  --drop-tag                 Write repo@digest (kustomize: digest: replaces newTag).
  --platform OS/ARCH[/VAR]   When the pushed tag is a multi-platform index, pin that platform's image.
${MAX_FILE_SIZE_USAGE}
${CONFIG_USAGE}
  -h, --help                 Show this help.

${REGISTRY_USAGE}
Exit status: 0 when the image was pushed and at least one field pinned or re-pinned, 1 when it was pushed
but there was nothing to pin (no field in PATH names the tag without a digest or with another digest) or a
pin was refused because it would not read back as the pinned image, or a part of a file was not analysed
(listed on stderr; the others are pinned), 2 when the push, the registry or a write failed (then no file
was changed), the tag names an image already and --overwrite was not given (nothing was pushed), or the
arguments are wrong.
`;

export interface PushIo extends RegistryIo, PinWriteIo {
  readonly cwd: string;
  /** Aborted on Ctrl-C or SIGTERM: the tool's whole process group is ended. */
  readonly signal: AbortSignal;
}

/** Pushes and pins; returns whether nothing was pinned, a pin was refused or a part of a file was not analysed. */
export async function push(argv: string[], io: PushIo): Promise<boolean> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: { ...PIN_COMMAND_FLAGS, tool: { type: 'string', default: 'auto' }, overwrite: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(PUSH_USAGE);
    return false;
  }
  const toolSetting = oneOf('--tool', values.tool, TOOL_SETTINGS);
  const style = pinSettings(values);
  const [image, ...paths] = positionals;
  if (image === undefined) throw new CliError('push needs the IMAGE to push, for example "image-aware push registry.example.com/team/app:1.4 k8s/".');
  const ref = referenceArgument(image, 'The image');
  if (ref.digest !== null) throw new CliError(`push takes an image by tag, not by digest (got "${image}").`);
  const setup = registrySetup(values, io.cwd, io);
  const limit = maxFileSize(values['max-file-size-mb']);
  const locations = requireValidLocations(readLocations(values.config, io.cwd));
  const targets = await readPinTargets('push', paths.length > 0 ? paths : ['.'], io.cwd, { maxFileSize: limit, notice: io.stderr, locations });

  const choice = await chooseBuildTool(toolSetting, { env: io.env });
  if (!choice.ok) throw new CliError(choice.reason);
  const { tool } = choice;
  const client = openClient(setup, io);
  let pushed;
  let named = '';
  try {
    const guard = await guardPush(image, client, { source: { kind: 'local' }, signal: io.signal, confirm: () => Promise.resolve(values.overwrite) });
    if (guard.question !== null) {
      if (!guard.push) throw new CliError(`${guard.question.summary}. Nothing was pushed: run again with --overwrite to push over it.`);
      io.stderr(`Overwriting: ${guard.question.summary}.\n`);
    }
    if (guard.before.state === 'names') named = ` (it named ${guard.before.digest} before)`;
    io.stderr(`Pushing ${image} with ${tool.executable}\n`);
    pushed = await pushImage(image, tool, client, {
      tlsVerify: toolVerifiesTls(ref.domain, setup.insecureRegistries),
      io: { output: (line) => io.stderr(`${line}\n`), signal: io.signal },
      pin: style,
    });
  } finally {
    client.close();
  }
  io.stderr(`${ref.domain} serves ${pushed.digest} for ${image}${named}.\n`);
  if (pushed.toolDigest !== null && pushed.toolDigest !== pushed.digest) {
    io.stderr(`(${tool.name} reported ${pushed.toolDigest}; pins use what the registry serves.)\n`);
  }

  const files = pushedPinEdits(targets, pushed, style);
  const { pinned, repinned, changed } = await writePins(files, style, values['dry-run'], io);
  const stoppedShort = reportStoppedShort(targets, io.stderr);
  const refused = files.flatMap(({ id, refused }) =>
    refused.map(({ site, refusal }) => `${id.path}: cannot pin ${site.ref.input}: the edit was refused: ${refusal.reason}\n`),
  );
  for (const line of refused) io.stderr(line);
  if (pinned === 0) {
    const tag = `${ref.domain}/${ref.path}:${effectiveTag(ref)}`;
    io.stderr(`No image field in ${plural(targets.length, 'file')} names ${tag} without a digest or with another digest; nothing was pinned.\n`);
    return true;
  }
  const previously = repinned > 0 ? ` (${repinned} re-pinned from another digest)` : '';
  const unread = stoppedShort > 0 ? `; ${plural(stoppedShort, 'part')} of files not analysed` : '';
  const verb = values['dry-run'] ? 'Would pin' : 'Pinned';
  io.stderr(`${verb} ${plural(pinned, 'image')} in ${plural(changed.length, 'file')} to ${pushed.digest}${previously}${unread}.\n`);
  return stoppedShort > 0 || refused.length > 0;
}

/**
 * `image-aware check PATH...`: the editor's diagnostics for files on disk, for CI. Each file is read
 * when its turn comes and reported as soon as its findings are final: workspace facts (the pull
 * secrets some file defines) are the same as in an editor that has the whole folder open, so a file
 * naming a Secret no file read so far defines waits for the rest (checkFile.ts). The kustomizations
 * around the files say which of them are patches (kustomizePatches.ts). With --online, every file is
 * analysed before the registries are asked, once, about all of them.
 */
import {
  tagAnswer,
  anonymousPullQueries,
  parseSettings,
  collectDiagnostics,
  DIAGNOSTIC_CODES,
  imageSites,
  mergeRegistryFacts,
  NO_FACTS,
  parsePlatform,
  platformTargets,
  referenceQueries,
  repositoryKey,
  signatureRepositoryFor,
  SEVERITIES,
  SEVERITY_SETTINGS,
} from '../../core';
import type { Analysis, DiagnosticCode, ManifestQuery, PlatformTargets, RegistryFacts, Settings, Severity, SeveritySetting } from '../../core';
import { collectAnonymousPull, collectFacts, collectReferrers, referrersQueries, uniqueByKey } from '../../engine';
import { createSignatureVerifier, trustsSigners } from '../../signatures';
import type { RepositoryQuery } from '../../engine';
import type { RegistryClient } from '../../registry';
import { CliError, MAX_FILE_SIZE_OPTION, MAX_FILE_SIZE_USAGE, maxFileSize, oneOf, parseCommandLine } from '../args';
import { isSettled, settle } from '../checkFile';
import type { CheckedFile, CheckPlan } from '../checkFile';
import { fileChecker } from '../checkSources';
import type { CheckedSource, CheckSource } from '../checkSources';
import { checkSources, MAX_THREADS, workerCount } from '../checkWorkers';
import { jsonWriter } from '../format/json';
import { sarifWriter } from '../format/sarif';
import { textWriter } from '../format/text';
import type { ReportWriter } from '../format/writer';
import { findInputs } from '../inputs';
import { CONFIG_OPTION, CONFIG_USAGE, readLocations } from '../locations';
import type { CliLocations } from '../locations';
import { checkBuilds } from '../kustomizeCheck';
import { patchFiles } from '../kustomizePatches';
import { openClient, REGISTRY_FLAGS, REGISTRY_USAGE, registrySetup } from '../registry';
import type { RegistryIo, RegistrySetup } from '../registry';
import { SCAN_FLAGS, SCAN_USAGE, scanRegistryImages, scanSetup } from '../scan';
import type { ScanIo, ScannedFacts, ScanSetup } from '../scan';
import { locateDiagnostics, mergeLocated } from '../report';
import type { FileReport } from '../report';

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON_LEVELS: readonly (Severity | 'never')[] = [...SEVERITIES, 'never'];

export const CHECK_USAGE = `Usage: image-aware check [options] PATH...

Checks the container image fields of Kubernetes manifests, kustomizations, Compose files, Dockerfiles
and Helm values files (a values.yaml or values-*.yaml beside a Chart.yaml, read as its chart renders it).
PATH is a file, a folder (searched for *.yaml, *.yml and Dockerfiles, skipping node_modules and .git) or
- for standard input. Below a folder, a symbolic link is followed only when it points inside that folder;
name a file to check it wherever it is.
A file listed as a patch by the kustomization of its folder, of a checked folder, or of a folder above
a PATH up to the working directory may leave images out (no missing-image).

With --kustomize, each PATH is a folder with a kustomization (or the file itself), and what is checked is
the images its build writes: the files its resources: name, through bases and components, each image
as the images: entries of every kustomization on the way rewrite it. A finding on a rewritten image is
shown at the images: entry field that wrote the part it is about (newTag or digest for a tag or digest
finding, else newName), so the location is the one to edit.

Options:
  --kustomize                Check what each kustomization PATH builds (see above).
  --format ${FORMATS.join('|')}   Output format (default text; text also prints a summary on stderr).
  --fail-on LEVEL            Exit with 1 when a finding is at least this severe:
                             ${FAIL_ON_LEVELS.join(', ')} (default warning).
  --severity CODE=LEVEL      Report CODE at LEVEL (${SEVERITY_SETTINGS.join(', ')}); repeatable.
${MAX_FILE_SIZE_USAGE}
${CONFIG_USAGE}
                             Its problems are reported as invalid-config findings in it.
  --online                   Also ask the registries: tag-not-found, digest-not-found, stale-pin,
                             pull-would-fail, registry-unreachable, unauthorized, single-platform-pin,
                             platform-missing. Without it, check makes no network request at all.
  --platform OS/ARCH         A platform the workloads run on, for platform-missing; repeatable
                             (default: platforms.targets of the --config file).
  --jobs N                   Check files in N threads (default: one per CPU but one, at most ${MAX_THREADS}, when
                             the files add up to a few MB per thread; 1: no worker threads). Offline only.
${SCAN_USAGE}
  -h, --help                 Show this help.

Codes: ${DIAGNOSTIC_CODES.join(', ')}.

${REGISTRY_USAGE.replace('Registry options:', 'Registry options (with --online):')}
Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 for a usage or read error
or an image --scan could not scan (the findings are printed first).
`;

export interface CheckIo extends RegistryIo, ScanIo {
  /** Relative paths are resolved against it, and SARIF locations are relative to it. */
  readonly cwd: string;
  readonly toolVersion: () => string;
  /** The URL of docs/diagnostics.md as installed, for SARIF's helpUri. */
  readonly diagnosticsPage: string;
  readonly readStdin: () => Promise<Uint8Array>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

interface CheckOptions {
  readonly format: (typeof FORMATS)[number];
  readonly failOn: Severity | 'never';
  readonly settings: Settings;
  readonly paths: readonly string[];
  /** Null when the registries are not to be asked. */
  readonly registry: RegistrySetup | null;
  /** Null without --scan. */
  readonly scan: ScanSetup | null;
  readonly locations: CliLocations;
  /** The PATHs are kustomizations whose builds are checked. */
  readonly kustomize: boolean;
  /** Threads checking files offline, this one included; null: as many as the input is worth (checkWorkers.ts). */
  readonly jobs: number | null;
}

/** More threads than this would only wait for each other: checkWorkers.ts starts at most MAX_THREADS. */
function jobsOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const jobs = Number(text);
  if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= MAX_THREADS))
    throw new CliError(`--jobs must be a whole number from 1 to ${MAX_THREADS} (got "${text}").`);
  return jobs;
}

function severityOverride(entry: string): [DiagnosticCode, SeveritySetting] {
  const equals = entry.indexOf('=');
  if (equals < 0) throw new CliError(`--severity expects CODE=LEVEL (got "${entry}").`);
  const code = oneOf('The code in --severity', entry.slice(0, equals), DIAGNOSTIC_CODES);
  return [code, oneOf('The level in --severity', entry.slice(equals + 1), SEVERITY_SETTINGS)];
}

function platformFlags(texts: readonly string[]): PlatformTargets {
  const bad = texts.find((text) => parsePlatform(text) === null);
  if (bad !== undefined) throw new CliError(`--platform expects os/arch or os/arch/variant, like linux/arm64 (got "${bad}").`);
  return platformTargets(texts, '--platform')!;
}

/** Returns null when help was asked for. */
function readOptions(argv: string[], io: CheckIo): CheckOptions | null {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'warning' },
      severity: { type: 'string', multiple: true, default: [] },
      ...MAX_FILE_SIZE_OPTION,
      ...CONFIG_OPTION,
      online: { type: 'boolean', default: false },
      platform: { type: 'string', multiple: true, default: [] },
      kustomize: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      ...REGISTRY_FLAGS,
      ...SCAN_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return null;
  if (positionals.length === 0) throw new CliError('check needs at least one PATH (a file, a folder, or - for standard input).');
  const scan = scanSetup(values, values.online, io);
  // parseSettings would silently ignore a bad value; on a command line that is a mistake to report.
  const locations = readLocations(values.config, io.cwd);
  const settings: Settings = {
    ...parseSettings({ diagnostics: Object.fromEntries(values.severity.map(severityOverride)), scan: { threshold: scan?.threshold } }),
    maxFileSize: maxFileSize(values['max-file-size-mb']),
    signatures: locations.signatures,
    platforms: values.platform.length > 0 ? platformFlags(values.platform) : locations.targets,
  };
  return {
    format: oneOf('--format', values.format, FORMATS),
    failOn: oneOf('--fail-on', values['fail-on'], FAIL_ON_LEVELS),
    settings,
    paths: positionals,
    registry: values.online ? registrySetup(values, io.cwd, io) : null,
    scan,
    locations,
    kustomize: values.kustomize,
    jobs: jobsOf(values.jobs),
  };
}

function reaches(severity: Severity, failOn: Severity | 'never'): boolean {
  return failOn !== 'never' && SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(failOn);
}

/**
 * What the registries say about every image of every file, each unique question asked once.
 * An image without a digest needs only to exist, so its tag is asked for its digest alone (one HEAD
 * request), unless target platforms are known: then its manifest and a single image's config are read; the tag of a pinned image is read as a manifest body (one GET), because a pin of one
 * platform of the index the tag names is not stale, and only the index lists its platforms.
 * Repositories whose tag turned out missing are then asked for their tags, so the finding can suggest
 * some. Where a pod spec has no imagePullSecrets and its image exists, the repository is asked once
 * more, anonymously, whether a node without credentials could pull it.
 */
async function askRegistries(
  analyses: readonly Analysis[],
  setup: RegistrySetup,
  io: CheckIo,
  locations: CliLocations,
  targets: PlatformTargets | null,
): Promise<RegistryFacts> {
  const existence: ManifestQuery[] = [];
  const pinnedTags: ManifestQuery[] = [];
  for (const analysis of analyses) {
    for (const site of imageSites(analysis)) {
      for (const query of referenceQueries(site.ref)) (site.ref.digest !== null && query.reference === site.ref.tag ? pinnedTags : existence).push(query);
    }
  }
  const client: RegistryClient = openClient(setup, io);
  try {
    const pinned = uniqueByKey(pinnedTags);
    const pinnedKeys = new Set(pinned.map((q) => q.key));
    // A tag can move at any time: each is asked again past the tag cache (a HEAD, or none for a digest already cached).
    const [digests, manifests] = await Promise.all([
      collectFacts(
        uniqueByKey(existence).filter((q) => !pinnedKeys.has(q.key)),
        client,
        // With targets, platform-missing needs the platforms: an index's body, a single image's config.
        { detail: targets === null ? 'digest' : 'manifest', fresh: true },
      ),
      collectFacts(pinned, client, { detail: 'body', fresh: true }),
    ]);
    const answered = mergeRegistryFacts(digests, manifests);
    const anonymous = await collectAnonymousPull(
      analyses.flatMap((analysis) => anonymousPullQueries(analysis)),
      answered,
      client,
    );
    const facts = mergeRegistryFacts(answered, anonymous, await askAttached([...existence, ...pinnedTags], answered, client, io, locations));
    const missing: RepositoryQuery[] = [];
    for (const analysis of analyses) {
      for (const site of imageSites(analysis)) {
        const answer = tagAnswer(facts, site.ref);
        if (answer?.status === 'not-found' && answer.unknown === 'manifest')
          missing.push({ key: repositoryKey(site.ref), registry: site.ref.domain, path: site.ref.path });
      }
    }
    if (missing.length === 0) return facts;
    const tags = await collectFacts([], client, { tags: uniqueByKey(missing) });
    // Only the tag lists: a problem met while listing must not hide the manifest answers already in.
    return mergeRegistryFacts(facts, { ...NO_FACTS, tags: tags.tags });
  } finally {
    client.close();
  }
}

/**
 * What is attached to the images found, only where the policy of `signatures.require` in the repository file
 * asks (each digest once, cached for good), with signatures verified against the keys the file trusts.
 */
async function askAttached(
  queries: readonly ManifestQuery[],
  answered: RegistryFacts,
  client: RegistryClient,
  io: CheckIo,
  locations: CliLocations,
): Promise<RegistryFacts> {
  const { signatures, keyBaseDir } = locations;
  if (Object.keys(signatures.require).length === 0) return NO_FACTS;
  const signatureRepository = (registry: string, path: string): { registry: string; path: string } | null => {
    const found = signatureRepositoryFor(`${registry}/${path}`, signatures.repositories, io.env.COSIGN_REPOSITORY);
    return found === null ? null : { registry: found.domain, path: found.path };
  };
  const verify = trustsSigners(signatures) ? createSignatureVerifier(signatures, keyBaseDir) : undefined;
  return collectReferrers(referrersQueries(uniqueByKey(queries), answered.manifests), client, { signatureRepository, ...(verify ? { verify } : {}) });
}

function writerFor(options: CheckOptions, io: CheckIo): ReportWriter {
  switch (options.format) {
    case 'text':
      return textWriter(io.stdout, io.stderr);
    case 'json':
      return jsonWriter(io.stdout);
    case 'sarif':
      return sarifWriter(io.stdout, { cwd: io.cwd, toolVersion: io.toolVersion(), diagnosticsPage: io.diagnosticsPage });
  }
}

/** Prints the findings as they become final; returns whether one reaches the --fail-on level. */
export async function check(argv: string[], io: CheckIo): Promise<boolean> {
  const options = readOptions(argv, io);
  if (options === null) {
    io.stdout(CHECK_USAGE);
    return false;
  }
  // Found before anything is written, so that a PATH that does not exist writes no output at all.
  const sources = options.kustomize ? null : sourcesOf(options, io);
  const writer = writerFor(options, io);
  let failed = false;
  const report = (file: FileReport): void => {
    failed ||= file.diagnostics.some((d) => reaches(d.severity, options.failOn));
    writer.file(file);
  };
  let incomplete: string | null = null;
  if (sources !== null && options.registry === null)
    await reportSettled(
      checkSources(sources, planOf(options, sources, io), options.jobs === null ? workerCount(sources) : options.jobs - 1, io.readStdin),
      report,
    );
  else {
    const checked = sources === null ? await checkKustomizations(options, io) : await checkOnline(sources, planOf(options, sources, io), options, io);
    for (const file of checked.reports) report(file);
    incomplete = checked.incomplete;
  }
  writer.end();
  if (incomplete !== null) throw new CliError(incomplete);
  return failed;
}

interface Checked {
  readonly reports: FileReport[];
  /** Why the reports lack some findings (an image --scan could not scan); null when they are whole. */
  readonly incomplete: string | null;
}

/** What the registries, and with --scan the scanner, say about the images of the analyses; null offline. */
async function onlineFacts(analyses: readonly Analysis[], options: CheckOptions, io: CheckIo): Promise<ScannedFacts | null> {
  if (options.registry === null) return null;
  const facts = await askRegistries(analyses, options.registry, io, options.locations, options.settings.platforms);
  return options.scan === null ? { facts, incomplete: null } : scanRegistryImages(analyses, facts, options.scan, options.registry, io);
}

async function checkKustomizations(options: CheckOptions, io: CheckIo): Promise<Checked> {
  const builds = await checkBuilds(options.paths, options.settings, options.locations, io);
  const online = await onlineFacts(builds.analyses, options, io);
  return { reports: builds.reports(online?.facts ?? null), incomplete: online?.incomplete ?? null };
}

/** The files the PATHs name, and the mapping file when it has problems: they are reported with the files, whether or not a PATH names it. */
function sourcesOf(options: CheckOptions, io: CheckIo): CheckSource[] {
  const sources: CheckSource[] = findInputs(options.paths, io.cwd, io.stderr);
  const config = options.locations.file;
  if (config && config.problems.length > 0 && !sources.some((source) => source.absolutePath === config.absolutePath)) {
    sources.push({ path: config.path, absolutePath: config.absolutePath, size: config.text.length, text: config.text });
  }
  return sources;
}

function planOf(options: CheckOptions, sources: readonly CheckSource[], io: CheckIo): CheckPlan {
  const config = options.locations.file;
  return {
    settings: options.settings,
    configText: config?.text ?? null,
    configPath: config?.absolutePath ?? null,
    patches: patchFiles(sources, options.paths, io.cwd, io.stderr),
  };
}

/** Reports each file, in order, once the Secrets it names that some file defines are known to be defined. */
async function reportSettled(files: AsyncIterable<CheckedFile>, report: (file: FileReport) => void): Promise<void> {
  const defined = new Set<string>();
  const waiting: CheckedFile[] = [];
  let first = 0;
  for await (const file of files) {
    for (const secret of file.definedSecrets) defined.add(secret);
    waiting.push(file);
    while (first < waiting.length && isSettled(waiting[first], defined)) report(settle(waiting[first++], defined));
    if (first === waiting.length) waiting.length = first = 0;
  }
  for (const file of waiting.slice(first)) report(settle(file, defined));
}

/** Every file checked in this thread, then the registries (and with --scan the scanner) asked about all of them, and their findings merged in. */
async function checkOnline(sources: readonly CheckSource[], plan: CheckPlan, options: CheckOptions, io: CheckIo): Promise<Checked> {
  const check = fileChecker(plan, io.readStdin);
  const checked: CheckedSource[] = [];
  for (const source of sources) checked.push(await check(source));
  const defined = new Set(checked.flatMap(({ file }) => file.definedSecrets));
  const online = await onlineFacts(
    checked.map(({ analysis }) => analysis),
    options,
    io,
  );
  const reports = checked.map(({ file, analysis, text }) => {
    const found = collectDiagnostics(analysis, plan.settings, null, online?.facts).filter((d) => d.origin === 'registry');
    const report = settle(file, defined);
    return { ...report, diagnostics: mergeLocated(report.diagnostics, locateDiagnostics(text, found)) };
  });
  return { reports, incomplete: online?.incomplete ?? null };
}

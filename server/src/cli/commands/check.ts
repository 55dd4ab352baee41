/**
 * `image-aware check PATH...`: the editor's diagnostics for files on disk, for CI. Every file is read
 * and analysed before any is reported, so workspace facts (the pull secrets some file defines) are
 * the same as in an editor that has the whole folder open; the kustomizations around the files say
 * which of them are patches (kustomizePatches.ts).
 */
import {
  tagAnswer,
  anonymousPullQueries,
  parseSettings,
  collectDiagnostics,
  DIAGNOSTIC_CODES,
  fileFacts,
  imageSites,
  mergeFacts,
  mergeRegistryFacts,
  NO_FACTS,
  referenceQueries,
  repositoryKey,
  signatureRepositoryFor,
  SEVERITIES,
  SEVERITY_SETTINGS,
} from '../../core';
import type { Analysis, DiagnosticCode, ManifestQuery, RegistryFacts, Settings, Severity, SeveritySetting } from '../../core';
import { analyzeFile, collectAnonymousPull, collectFacts, collectReferrers, referrersQueries, uniqueByKey } from '../../engine';
import { createSignatureVerifier, trustsSigners } from '../../signatures';
import type { RepositoryQuery } from '../../engine';
import type { RegistryClient } from '../../registry';
import { CliError, MAX_FILE_SIZE_FLAG, MAX_FILE_SIZE_OPTION, MAX_FILE_SIZE_USAGE, maxFileSize, oneOf, parseCommandLine } from '../args';
import { formatJson } from '../format/json';
import { formatSarif } from '../format/sarif';
import { formatSummary, formatText } from '../format/text';
import { readCharts } from '../charts';
import { readInputs } from '../inputs';
import { CONFIG_OPTION, CONFIG_USAGE, readLocations } from '../locations';
import type { CliLocations } from '../locations';
import { checkBuilds } from '../kustomizeCheck';
import { patchFiles } from '../kustomizePatches';
import { openClient, REGISTRY_FLAGS, REGISTRY_USAGE, registrySetup } from '../registry';
import type { RegistryIo, RegistrySetup } from '../registry';
import { SCAN_FLAGS, SCAN_USAGE, scanRegistryImages, scanSetup } from '../scan';
import type { ScanIo, ScannedFacts, ScanSetup } from '../scan';
import { locateDiagnostics } from '../report';
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
                             pull-would-fail, registry-unreachable, unauthorized. Without it, check
                             makes no network request at all.
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
}

function severityOverride(entry: string): [DiagnosticCode, SeveritySetting] {
  const equals = entry.indexOf('=');
  if (equals < 0) throw new CliError(`--severity expects CODE=LEVEL (got "${entry}").`);
  const code = oneOf('The code in --severity', entry.slice(0, equals), DIAGNOSTIC_CODES);
  return [code, oneOf('The level in --severity', entry.slice(equals + 1), SEVERITY_SETTINGS)];
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
      kustomize: { type: 'boolean', default: false },
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
  };
}

function reaches(reports: readonly FileReport[], failOn: Severity | 'never'): boolean {
  if (failOn === 'never') return false;
  const threshold = SEVERITIES.indexOf(failOn);
  return reports.some((report) => report.diagnostics.some((d) => SEVERITIES.indexOf(d.severity) <= threshold));
}

/**
 * What the registries say about every image of every file, each unique question asked once.
 * An image without a digest needs only to exist, so its tag is asked for its digest alone (one HEAD
 * request); the tag of a pinned image is read as a manifest body (one GET), because a pin of one
 * platform of the index the tag names is not stale, and only the index lists its platforms.
 * Repositories whose tag turned out missing are then asked for their tags, so the finding can suggest
 * some. Where a pod spec has no imagePullSecrets and its image exists, the repository is asked once
 * more, anonymously, whether a node without credentials could pull it.
 */
async function askRegistries(analyses: readonly Analysis[], setup: RegistrySetup, io: CheckIo, locations: CliLocations): Promise<RegistryFacts> {
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
        { detail: 'digest', fresh: true },
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

/** Prints the findings; returns whether one reaches the --fail-on level. */
export async function check(argv: string[], io: CheckIo): Promise<boolean> {
  const options = readOptions(argv, io);
  if (options === null) {
    io.stdout(CHECK_USAGE);
    return false;
  }
  const { reports, incomplete } = options.kustomize ? await checkKustomizations(options, io) : await checkFiles(options, io);
  switch (options.format) {
    case 'text':
      io.stdout(formatText(reports));
      io.stderr(formatSummary(reports));
      break;
    case 'json':
      io.stdout(formatJson(reports));
      break;
    case 'sarif':
      io.stdout(formatSarif(reports, { cwd: io.cwd, toolVersion: io.toolVersion(), diagnosticsPage: io.diagnosticsPage }));
      break;
  }
  if (incomplete !== null) throw new CliError(incomplete);
  return reaches(reports, options.failOn);
}

interface Checked {
  readonly reports: FileReport[];
  /** Why the reports lack some findings (an image --scan could not scan); null when they are whole. */
  readonly incomplete: string | null;
}

/** What the registries, and with --scan the scanner, say about the images of the analyses; null offline. */
async function onlineFacts(analyses: readonly Analysis[], options: CheckOptions, io: CheckIo): Promise<ScannedFacts | null> {
  if (options.registry === null) return null;
  const facts = await askRegistries(analyses, options.registry, io, options.locations);
  return options.scan === null ? { facts, incomplete: null } : scanRegistryImages(analyses, facts, options.scan, options.registry, io);
}

async function checkKustomizations(options: CheckOptions, io: CheckIo): Promise<Checked> {
  const builds = await checkBuilds(options.paths, options.settings, options.locations, io);
  const online = await onlineFacts(builds.analyses, options, io);
  return { reports: builds.reports(online?.facts ?? null), incomplete: online?.incomplete ?? null };
}

async function checkFiles(options: CheckOptions, io: CheckIo): Promise<Checked> {
  const { settings, locations } = options;
  const inputs = await readInputs(options.paths, io.cwd, io.readStdin, io.stderr);
  // The mapping file's own problems are reported with the files, whether or not a PATH names it.
  const config = locations.file;
  if (config && config.problems.length > 0 && !inputs.some((input) => input.absolutePath === config.absolutePath)) {
    inputs.push({ path: config.path, absolutePath: config.absolutePath, text: config.text, bom: false, lossy: false });
  }
  const charts = await readCharts(inputs);
  const analyses = inputs.map((input) =>
    analyzeFile(input.text, {
      chart: charts.get(input.absolutePath ?? ''),
      fileName: input.path,
      maxFileSize: settings.maxFileSize,
      sizeLimitSetting: MAX_FILE_SIZE_FLAG,
      locations: locations.table,
      mappingFile: input.absolutePath === config?.absolutePath ? true : undefined,
    }),
  );
  const workspace = mergeFacts(analyses.map(fileFacts));
  const patches = patchFiles(inputs, options.paths, io.cwd, io.stderr);
  const online = await onlineFacts(analyses, options, io);
  const reports = inputs.map(({ path, absolutePath, text }, i) => {
    const role = { patch: absolutePath !== null && patches.has(absolutePath) };
    const diagnostics = collectDiagnostics(analyses[i], settings, workspace, online?.facts ?? null, role);
    return { path, absolutePath, diagnostics: locateDiagnostics(text, diagnostics) };
  });
  return { reports, incomplete: online?.incomplete ?? null };
}

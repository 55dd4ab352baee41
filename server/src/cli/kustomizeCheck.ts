/**
 * `image-aware check --kustomize DIR...`: the images each kustomization builds, checked where the
 * user changes them. Each DIR's build is planned as kustomize runs it (core planBuild: the files its
 * `resources:` name, through bases and components, not every YAML file below the folder), each resource
 * file is rendered with the images the build writes (core renderResource) and analysed, and each
 * finding is put back: on a rewritten image, at the `images:` entry field that wrote the part it is
 * about (core placeOf), else where it is in the resource file. The kustomization files themselves are
 * reported too, except the findings of their `images:` entries, which the built images carry.
 * A build kustomize would refuse stops the check (exit 2), since its images are unknown.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import {
  analyze,
  collectDiagnostics,
  fileFacts,
  MAX_KUSTOMIZATION_CHARS,
  mergeFacts,
  originalOffset,
  placeOf,
  planBuild,
  readKustomization,
  renderResource,
} from '../core';
import type { Analysis, AnalyzeOptions, BuildPlan, Diagnostic, RegistryFacts, RenderedResource, Settings } from '../core';
import { CliError, MAX_FILE_SIZE_FLAG } from './args';
import { readInputs } from './inputs';
import type { Input } from './inputs';
import { DiskKustomizeFiles } from './kustomizeFiles';
import type { CliLocations } from './locations';
import { locateDiagnostics } from './report';
import type { FileReport } from './report';

export interface BuildsIo {
  readonly cwd: string;
  readonly stderr: (text: string) => void;
}

export interface CheckedBuilds {
  /** The rendered resource files, whose images the registries are asked about. */
  readonly analyses: readonly Analysis[];
  reports(facts: RegistryFacts | null): FileReport[];
}

/** One resource file as one build writes it. */
interface Occurrence {
  readonly input: Input;
  readonly build: string;
  readonly rendered: RenderedResource;
  readonly analysis: Analysis;
}

function shown(cwd: string, path: string): string {
  return relative(cwd, path) || '.';
}

/** A DIR argument: a folder, or a kustomization file named directly. */
function folderOf(cwd: string, argument: string, files: DiskKustomizeFiles): string {
  const path = files.join(cwd, argument);
  return files.isFile(path) ? dirname(path) : path;
}

function plan(cwd: string, argument: string, files: DiskKustomizeFiles, io: BuildsIo): BuildPlan {
  if (argument === '-') throw new CliError('--kustomize builds folders; it cannot read standard input.');
  const built = planBuild(folderOf(cwd, argument, files), files);
  for (const { at, entry } of built.remote)
    io.stderr(`image-aware: ${shown(cwd, at)} lists the remote base ${entry}, which is not fetched: its images are not checked.\n`);
  if (built.problem) throw new CliError(`kustomize cannot build ${argument}: ${shown(cwd, built.problem.at)}: ${built.problem.message}`);
  return built;
}

/** Reads the files `paths` name (absolute), once each, shown relative to the working directory; by path. */
async function readAll(paths: readonly string[], io: BuildsIo): Promise<Map<string, Input>> {
  const unique = [...new Set(paths)];
  const inputs = await readInputs(
    unique.map((path) => shown(io.cwd, path)),
    io.cwd,
    () => Promise.reject(new Error('no standard input')),
    io.stderr,
  );
  // readInputs reads a file once however many paths lead to it: a path it left out is one file's other name.
  const byPath = new Map(inputs.map((input) => [input.absolutePath!, input]));
  const byReal = new Map(inputs.map((input) => [realpathSync(input.absolutePath!), input]));
  return new Map(unique.map((path) => [path, byPath.get(path) ?? byReal.get(realpathSync(path))!]));
}

/**
 * Names on standard error each patch file of the builds that writes an image: patches are not applied
 * here, so the image it writes is not what is checked. Files are read bounded, once each.
 */
function tellImagePatches(kustomizations: readonly Input[], options: AnalyzeOptions, io: BuildsIo): void {
  const seen = new Set<string>();
  for (const kustomization of kustomizations) {
    for (const patch of readKustomization(kustomization.text)?.patches ?? []) {
      const path = resolve(dirname(kustomization.absolutePath!), patch);
      if (seen.has(path)) continue;
      seen.add(path);
      const text = readPatch(path);
      const analysis = text === null ? null : analyze(text, { ...options, fileName: path });
      const setsImage = analysis?.documents.some((doc) => doc.analysis.fields.containers.some((c) => c.image?.value));
      if (setsImage)
        io.stderr(
          `image-aware: ${shown(io.cwd, path)}, a patch of ${kustomization.path}, writes an image; patches are not applied here, so that image is not checked.\n`,
        );
    }
  }
}

function readPatch(path: string): string | null {
  try {
    return statSync(path).size > MAX_KUSTOMIZATION_CHARS ? null : readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Names on standard error, once each, the entries whose name is not evaluated here that reach an image of a build. */
function tellUnevaluated(occurrences: readonly Occurrence[], io: BuildsIo): void {
  const told = new Set<string>();
  for (const { file, entry } of occurrences.flatMap((o) => o.rendered.unevaluated)) {
    const where = `${shown(io.cwd, file)} ${entry.where}`;
    if (told.has(where)) continue;
    told.add(where);
    io.stderr(`image-aware: ${where}: its name is a regular expression that is not evaluated here, so the images it may change are checked as written.\n`);
  }
}

/** Diagnostics per file, each once: many builds share a base, and a base's finding is the same in each. */
class Collected {
  private readonly byFile = new Map<string, { input: Input; diagnostics: Map<string, Diagnostic> }>();

  file(input: Input): void {
    if (!this.byFile.has(input.absolutePath!)) this.byFile.set(input.absolutePath!, { input, diagnostics: new Map() });
  }

  add(input: Input, diagnostic: Diagnostic): void {
    this.file(input);
    const key = `${diagnostic.start}:${diagnostic.end}:${diagnostic.code}:${diagnostic.message}`;
    this.byFile.get(input.absolutePath!)!.diagnostics.set(key, diagnostic);
  }

  reports(): FileReport[] {
    return [...this.byFile.values()].map(({ input, diagnostics }) => ({
      path: input.path,
      absolutePath: input.absolutePath,
      diagnostics: locateDiagnostics(input.text, [...diagnostics.values()]),
    }));
  }
}

/** Plans, reads and renders the builds of `folders`; reports once the registries have answered (or not). */
export async function checkBuilds(folders: readonly string[], settings: Settings, locations: CliLocations, io: BuildsIo): Promise<CheckedBuilds> {
  const files = new DiskKustomizeFiles();
  const plans = folders.map((folder) => ({ folder, plan: plan(io.cwd, folder, files, io) }));
  const inputs = await readAll(
    plans.flatMap(({ plan: p }) => [...p.kustomizations, ...p.resources.map((r) => r.file)]),
    io,
  );
  const options = { maxFileSize: settings.maxFileSize, sizeLimitSetting: MAX_FILE_SIZE_FLAG, locations: locations.table };
  // Builds that share a base mostly write the same images into it: each distinct text of a file is analysed once.
  const analysed = new Map<string, Analysis>();
  const analysisOf = (path: string, text = inputs.get(path)!.text): Analysis => {
    const key = `${path}\0${text}`;
    let analysis = analysed.get(key);
    if (!analysis) analysed.set(key, (analysis = analyze(text, { ...options, fileName: path })));
    return analysis;
  };
  const occurrences = plans.flatMap(({ folder, plan: built }) =>
    built.resources.map(({ file, steps }): Occurrence => {
      const rendered = renderResource(analysisOf(file), steps);
      return { input: inputs.get(file)!, build: folder, rendered, analysis: analysisOf(file, rendered.text) };
    }),
  );
  tellUnevaluated(occurrences, io);
  const kustomizations = [...new Set(plans.flatMap(({ plan: p }) => p.kustomizations))];
  tellImagePatches(
    kustomizations.map((path) => inputs.get(path)!),
    options,
    io,
  );
  const analyses = [...new Set(occurrences.map((o) => o.analysis))];
  const workspace = mergeFacts([...analyses, ...kustomizations.map((path) => analysisOf(path))].map(fileFacts));
  return {
    analyses,
    reports(facts: RegistryFacts | null): FileReport[] {
      const collected = new Collected();
      for (const path of kustomizations) {
        const input = inputs.get(path)!;
        const entries = readKustomization(input.text)?.images ?? [];
        const inEntry = (d: Diagnostic): boolean => entries.some((entry) => d.start >= entry.start && d.end <= entry.end);
        collected.file(input);
        for (const d of collectDiagnostics(analysisOf(path, input.text), settings, workspace, null)) {
          if (d.code === 'image-not-string' || !inEntry(d)) collected.add(input, d);
        }
      }
      for (const occurrence of occurrences) {
        collected.file(occurrence.input);
        for (const d of collectDiagnostics(occurrence.analysis, settings, workspace, facts)) placeBack(occurrence, d, inputs, collected, io.cwd);
      }
      // The mapping file's own problems, as check reports them without --kustomize.
      const config = locations.file;
      const severity = settings.severity['invalid-config'];
      if (!config || config.problems.length === 0 || severity === 'off') return collected.reports();
      return [...collected.reports(), { path: config.path, absolutePath: config.absolutePath, diagnostics: config.problems.map((d) => ({ ...d, severity })) }];
    },
  };
}

/** Puts a diagnostic of a rendered file back where the user changes it. */
function placeBack(occurrence: Occurrence, d: Diagnostic, inputs: ReadonlyMap<string, Input>, collected: Collected, cwd: string): void {
  const { rendered, input, build } = occurrence;
  const start = originalOffset(rendered, d.start);
  const rewrite = start.rewrite;
  const built = ` (as kustomize builds ${shown(cwd, build)})`;
  if (rewrite === null) {
    const offset = start.offset;
    // A finding about a container whose image the build rewrote (its pull policy) holds the built image.
    const about = rendered.rewrites.some((r) => offset >= r.containerSpan.start && offset <= r.containerSpan.end);
    collected.add(input, { ...d, message: about ? `${d.message}${built}` : d.message, start: offset, end: originalOffset(rendered, d.end).offset });
    return;
  }
  const place = placeOf(d.code, rewrite.image);
  const container = rewrite.container.name ? `container "${rewrite.container.name}"` : rewrite.container.path;
  if (place === null) {
    collected.add(input, { ...d, message: `${d.message}${built}`, start: rewrite.start, end: rewrite.end });
    return;
  }
  const message = `${d.message} (kustomize build ${shown(cwd, build)}: ${container} in ${input.path}, image "${rewrite.written}")`;
  collected.add(inputs.get(place.file)!, { ...d, message, start: place.span.start, end: place.span.end });
}

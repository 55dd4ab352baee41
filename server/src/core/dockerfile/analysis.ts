/**
 * A Dockerfile as an Analysis: one document spanning the file, whose image records are the images
 * its `FROM`, `COPY --from` and `RUN --mount=…,from=` instructions pull, so every feature reads it
 * as it reads a manifest. Not images, so not recorded: `scratch`, stage names (`FROM build`,
 * `COPY --from=build`, matched without regard to case as BuildKit does) and stage indexes
 * (`--from=0`). A `FROM ${BASE}` whose build argument has a default before the first `FROM` records
 * that default, where the image is written (one record for every `FROM` that uses it); a `$` that
 * cannot be resolved so leaves the image templated.
 */
import { MAX_CONTAINERS_PER_DOCUMENT } from '../analysis';
import type { Analysis, AnalyzeOptions, DocumentAnalysis } from '../analysis';
import { imageFindings } from '../diagnostics/imageFindings';
import type { Finding } from '../diagnostics/finding';
import { binaryContent, fileTooLarge, tooManyContainers } from '../diagnostics/notAnalysed';
import { BUILT_IN_LOCATIONS } from '../manifest/builtInLocations';
import { detach } from '../manifest/detach';
import type { BuildImage, ContainerFields } from '../manifest/imageFields';
import type { ScalarStyle, YamlScalar } from '../manifest/yamlTree';
import type { Span } from '../span';
import { DOCKERFILE_KIND, DOCKERFILE_LOCATIONS, INSTRUCTIONS } from './locations';
import type { DockerfileArg, DockerfileImageUse, DockerfileReader, DockerfileSyntax, DockerfileToken } from './syntax';

/** `${NAME}` or `$NAME` as the whole image. */
const WHOLE_ARGUMENT = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

/** A token as a scalar of the analysis; quoted when its text is, so edits keep the quotes. */
function scalarOf(text: string, token: DockerfileToken): YamlScalar {
  const written = text.slice(token.start, token.end);
  const quote = written.length >= 2 && (written[0] === '"' || written[0] === "'") && written.endsWith(written[0]) ? written[0] : '';
  const style: ScalarStyle = quote === '"' ? 'double' : quote === "'" ? 'single' : 'plain';
  return { type: 'scalar', value: detach(token.value), style, start: token.start, end: token.end };
}

/** The last global ARG of that name that has a default, where the image is written. */
function defaultOf(args: readonly DockerfileArg[], name: string): DockerfileArg | null {
  for (let i = args.length - 1; i >= 0; i--) if (args[i].name.value === name && args[i].value !== null) return args[i];
  return null;
}

/** Whether `image` names no image: `scratch`, a stage defined before it, or (for `--from`) a stage index. */
function notAnImage(image: string, use: DockerfileImageUse, stages: ReadonlySet<string>): boolean {
  const name = image.toLowerCase();
  if (use.role === 'from' && name === 'scratch') return true;
  return stages.has(name) || (use.role !== 'from' && /^\d+$/.test(image));
}

interface Planned {
  readonly use: DockerfileImageUse;
  readonly key: DockerfileToken;
  readonly value: DockerfileToken;
  readonly argument: { readonly name: string; readonly uses: Span[] } | null;
}

/** One record per image written: each use, except uses of one ARG default, which share its record. */
function plan(syntax: DockerfileSyntax): Planned[] {
  const planned: Planned[] = [];
  const byArgument = new Map<DockerfileArg, Planned>();
  const stages = new Set<string>();
  for (const use of syntax.uses) {
    const whole = use.role === 'from' ? WHOLE_ARGUMENT.exec(use.image.value) : null;
    const arg = whole ? defaultOf(syntax.globalArgs, whole[1] ?? whole[2]) : null;
    const resolved = arg?.value && !arg.value.value.includes('$') ? arg.value : null;
    if (arg && resolved) {
      if (!notAnImage(resolved.value, use, stages)) {
        const shared = byArgument.get(arg);
        if (shared) shared.argument!.uses.push({ start: use.image.start, end: use.image.end });
        else {
          const entry: Planned = {
            use,
            key: arg.name,
            value: resolved,
            argument: { name: arg.name.value, uses: [{ start: use.image.start, end: use.image.end }] },
          };
          byArgument.set(arg, entry);
          planned.push(entry);
        }
      }
    } else if (!notAnImage(use.image.value, use, stages)) {
      planned.push({ use, key: use.keyword, value: use.image, argument: null });
    }
    if (use.stage !== null) stages.add(use.stage.toLowerCase());
  }
  return planned;
}

function record(text: string, entry: Planned): ContainerFields {
  const { use } = entry;
  const key = scalarOf(text, entry.key);
  const build: BuildImage = { instruction: INSTRUCTIONS[use.role], stage: use.stage, platform: use.platform, argument: entry.argument };
  return {
    workloadKind: DOCKERFILE_KIND,
    workloadName: null,
    location: DOCKERFILE_LOCATIONS[use.role],
    path: `line ${use.line + 1}`,
    name: use.stage,
    start: Math.min(use.instruction.start, entry.key.start),
    end: Math.max(use.instruction.end, entry.value.end),
    flow: false,
    image: { key, value: scalarOf(text, entry.value), nonString: null },
    pullPolicy: null,
    firstKey: key,
    pullSecrets: [],
    build,
  };
}

function fileOnly(text: string, options: AnalyzeOptions, finding: Finding): Analysis {
  return {
    text,
    documents: [],
    fileFindings: [finding],
    reparsed: 0,
    kustomizationFile: false,
    locations: options.locations ?? BUILT_IN_LOCATIONS,
    chart: null,
  };
}

/**
 * Analyses a Dockerfile: `read` (the front end's parser) is called only on a text within the size
 * limit and without binary content.
 */
export function analyzeDockerfile(text: string, read: DockerfileReader, options: AnalyzeOptions): Analysis {
  const nul = text.slice(0, 8192).indexOf('\0');
  if (nul >= 0) return fileOnly(text, options, binaryContent(text, nul));
  if (text.length > options.maxFileSize) return fileOnly(text, options, fileTooLarge(text, 0, options.maxFileSize, options.sizeLimitSetting));
  const planned = plan(read(text));
  const truncated = planned.length > MAX_CONTAINERS_PER_DOCUMENT;
  const containers = planned.slice(0, MAX_CONTAINERS_PER_DOCUMENT).map((entry) => record(text, entry));
  const fields = { containers, kustomizeImages: [], definedSecrets: [], isManifest: true, truncated };
  const findings = imageFindings(fields, text);
  if (truncated) findings.push(tooManyContainers(text, MAX_CONTAINERS_PER_DOCUMENT));
  const analysis: DocumentAnalysis = { fields, findings, parser: 'dockerfile' };
  return {
    text,
    documents: [{ start: 0, end: text.length, analysis }],
    fileFindings: [],
    reparsed: 1,
    kustomizationFile: false,
    locations: options.locations ?? BUILT_IN_LOCATIONS,
    chart: null,
  };
}

/** Whether an analysis is of a Dockerfile. */
export function isDockerfileAnalysis(analysis: Analysis): boolean {
  return analysis.documents[0]?.analysis.parser === 'dockerfile';
}

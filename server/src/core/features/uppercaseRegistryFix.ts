/**
 * The quick fix for `uppercase-registry`: write the Docker Hub reading of the image, its first
 * component lowercased (`Envoyproxy/envoy:v1.30.1` → `envoyproxy/envoy:v1.30.1`), for container
 * images (Dockerfiles and Compose included) and the `name`/`newName` of kustomize `images:` entries.
 * The edit is checked like every other: the value must read back as exactly that Docker Hub image.
 */
import type { Analysis, AnalyzedDocument } from '../analysis';
import { uppercaseRegistry } from '../diagnostics/uppercaseRegistry';
import { EditChecker, expecting, quoteValue } from '../edits/checkEdits';
import type { ValueCheck } from '../edits/checkEdits';
import { replaceScalar } from '../edits/fieldEdits';
import type { YamlScalar } from '../manifest/yamlTree';
import { parseReference } from '../reference/reference';
import type { CodeAction, Diagnostic } from './types';

function imageScalars(doc: AnalyzedDocument): YamlScalar[] {
  const { fields } = doc.analysis;
  const scalars = fields.containers.flatMap((c) => c.image?.value ?? []);
  for (const entry of fields.kustomizeImages) scalars.push(...[entry.name?.value, entry.newName?.value].filter((s): s is YamlScalar => !!s));
  return scalars;
}

function readsAs(expected: string): ValueCheck {
  return (value) => {
    const parsed = parseReference(value);
    if (value !== expected || !parsed.ok || parsed.value.domain !== 'docker.io')
      return `the image would read ${quoteValue(value)}, not ${quoteValue(expected)}`;
    return null;
  };
}

/** One preferred fix per image value that an `uppercase-registry` diagnostic of `diagnostics` marks. */
export function uppercaseRegistryActions(analysis: Analysis, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const marked = diagnostics.filter((d) => d.code === 'uppercase-registry');
  const actions: CodeAction[] = [];
  for (const doc of marked.length > 0 ? analysis.documents : []) {
    let checker: EditChecker | null = null;
    for (const scalar of imageScalars(doc)) {
      const start = doc.start + scalar.start;
      const end = doc.start + scalar.end;
      const parsed = marked.some((d) => d.start >= start && d.end <= end) ? parseReference(scalar.value) : null;
      const upper = parsed?.ok ? uppercaseRegistry(parsed.value) : null;
      if (!upper) continue;
      checker ??= new EditChecker(analysis.text, doc);
      const result = checker.check([expecting(replaceScalar(doc.start, scalar, upper.dockerHub), readsAs(upper.dockerHub))]);
      if (result.ok) actions.push({ title: `Use Docker Hub's ${upper.dockerHub}`, fixes: ['uppercase-registry'], isPreferred: true, edits: result.edits });
    }
  }
  return actions;
}

/**
 * Every diagnostic the analysis can report, with its stable code and default severity.
 * The code is what users put in settings, what SARIF calls the rule id, and what quick fixes key on;
 * never rename one. docs/diagnostics.md explains each; test/core/diagnostics/catalog.test.ts keeps that
 * page, package.json's settings and this table in step.
 */
export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeveritySetting = Severity | 'off';

/** Most severe first; `--fail-on` and summaries rely on this order. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

export const SEVERITY_SETTINGS: readonly SeveritySetting[] = [...SEVERITIES, 'off'];

export interface DiagnosticRule {
  readonly defaultSeverity: SeveritySetting;
  /** One line, for settings UIs and SARIF `shortDescription`. */
  readonly summary: string;
}

export const DIAGNOSTIC_RULES = {
  'invalid-reference': {
    defaultSeverity: 'error',
    summary: 'The image reference does not parse the way the container runtime parses it, so the pull fails.',
  },
  'uppercase-registry': {
    defaultSeverity: 'warning',
    summary: 'The first part of the image has uppercase letters, so it is read as a registry host, not as a Docker Hub namespace.',
  },
  'image-not-string': {
    defaultSeverity: 'error',
    summary: 'YAML reads the image as a number, boolean, mapping or sequence, not a string, so the API server rejects the object.',
  },
  'implicit-latest': {
    defaultSeverity: 'warning',
    summary: 'The image has neither tag nor digest, so it means :latest and Kubernetes pulls it on every start.',
  },
  'latest-tag': {
    defaultSeverity: 'warning',
    summary: 'The image uses the moving :latest tag, so different nodes can run different images.',
  },
  'not-pinned': {
    defaultSeverity: 'hint',
    summary: 'The image has a tag but no digest, so what it runs can change when the tag is pushed again.',
  },
  'invalid-pull-policy': {
    defaultSeverity: 'error',
    summary: 'imagePullPolicy is not one of Always, IfNotPresent or Never, so the API server rejects the object.',
  },
  'missing-image': {
    defaultSeverity: 'warning',
    summary: 'A container has no image, so the API server rejects the object (unless this is a patch).',
  },
  'redundant-pull-policy': {
    defaultSeverity: 'hint',
    summary: 'imagePullPolicy repeats the value Kubernetes would default to for this image.',
  },
  'digest-with-latest': {
    defaultSeverity: 'information',
    summary: 'The image is pinned by digest but also tagged :latest, which makes the default imagePullPolicy Always.',
  },
  'unknown-pull-secret': {
    defaultSeverity: 'information',
    summary: 'An imagePullSecrets entry names a Secret defined nowhere in the workspace.',
  },
  'templated-image': {
    defaultSeverity: 'information',
    summary: 'The image holds a template placeholder (${VAR}, $(VAR) or {{ }}), so it is checked only after rendering.',
  },
  'yaml-syntax': {
    defaultSeverity: 'information',
    summary: 'A YAML syntax error in a manifest: image fields after it in that document may be missed.',
  },
  'invalid-config': {
    defaultSeverity: 'error',
    summary: 'An entry of .image-aware.yaml (or of the imageAware.resources setting) cannot be read, so it is left out and its images are not found.',
  },
  'not-analysed': {
    defaultSeverity: 'warning',
    summary:
      'The analysis stopped here (file too large, binary content, too many containers, ' +
      'or nesting deeper than 256 levels), so the fields it skipped are unchecked.',
  },
  // Online findings: computed from what registries answer (diagnostics/registryFindings.ts).
  'tag-not-found': {
    defaultSeverity: 'error',
    summary: 'The registry has no such tag (or no such repository), so pulling the image fails.',
  },
  'digest-not-found': {
    defaultSeverity: 'error',
    summary: 'The registry has no manifest with this digest in the repository, so pulling the image fails.',
  },
  'stale-pin': {
    defaultSeverity: 'warning',
    summary: 'The image is pinned to a digest, but its tag now points to a different one (or no longer exists).',
  },
  'registry-unreachable': {
    defaultSeverity: 'information',
    summary: 'The registry could not be reached (network, timeout or TLS), so its images were not checked (in the editor: the status bar).',
  },
  unauthorized: {
    defaultSeverity: 'information',
    summary: 'The registry refused the credentials that were tried, so its images were not checked (in the editor: the status bar).',
  },
  'pull-would-fail': {
    defaultSeverity: 'warning',
    summary:
      'The kubelet would not get this image: the registry needs credentials the pod spec does not give, or the policy is Never and the registry does not have it either.',
  },
  // Platforms (diagnostics/platformFindings.ts): from the registry's answers and the target platforms.
  'single-platform-pin': {
    defaultSeverity: 'warning',
    summary: "The digest is one platform's image of the tag's multi-platform index, so nodes of the other platforms fail with exec format error.",
  },
  'platform-missing': {
    defaultSeverity: 'warning',
    summary: 'The image has no build for a target platform the pod can be scheduled on (imageAware.platforms.targets, or the cluster nodes).',
  },
  // From a vulnerability scan of the image's digest (diagnostics/scanFindings.ts), only where one was run.
  'vulnerable-image': {
    defaultSeverity: 'warning',
    summary: 'A vulnerability scanner (trivy or grype) found vulnerabilities at or above imageAware.scan.threshold in the image this reference runs.',
  },
  // Opt-in policy on what is attached to the image (diagnostics/policyFindings.ts), only for repositories it names.
  'unsigned-image': {
    defaultSeverity: 'warning',
    summary: 'No signature refers to the image, and imageAware.signatures.require asks for one for its repository.',
  },
  'signature-invalid': {
    defaultSeverity: 'error',
    summary:
      'The image is signed, but no signature verifies with the keys (imageAware.signatures.keys) or keyless signers (imageAware.signatures.identities) trusted for its repository.',
  },
  'no-sbom': {
    defaultSeverity: 'warning',
    summary: 'No SBOM is attached to the image, and imageAware.signatures.require asks for one for its repository.',
  },
  'no-provenance': {
    defaultSeverity: 'warning',
    summary: 'No provenance attestation is attached to the image, and imageAware.signatures.require asks for one for its repository.',
  },
} as const satisfies Record<string, DiagnosticRule>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_RULES;

export const DIAGNOSTIC_CODES = Object.keys(DIAGNOSTIC_RULES) as DiagnosticCode[];

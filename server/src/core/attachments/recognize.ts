/**
 * What an artifact attached to an image is, from what its descriptor and (when read) its manifest say; no blob is
 * read and nothing is verified here. The formats, with the specification each rule follows:
 * - cosign signatures: cosign's tag `<alg>-<hex>.sig` (or artifactType `application/vnd.dev.cosign.artifact.sig.v1+json`,
 *   cosign's OCI 1.1 mode) whose layers are `application/vnd.dev.cosign.simplesigning.v1+json`, signed in the
 *   `dev.cosignproject.cosign/signature` annotation, with `dev.sigstore.cosign/certificate` for a certificate (cosign's
 *   keyless flow) and `dev.sigstore.cosign/bundle` for the Rekor entry (sigstore/cosign specs/SIGNATURE_SPEC.md).
 * - Sigstore bundles: artifactType `application/vnd.dev.sigstore.bundle.v0.3+json`, with `dev.sigstore.bundle.content`
 *   (`message-signature` or `dsse-envelope`) and `dev.sigstore.bundle.predicateType` (sigstore/cosign
 *   specs/BUNDLE_SPEC.md); cosign signs images as a DSSE statement of predicate `https://sigstore.dev/cosign/sign/v1`.
 * - Notation: artifactType `application/vnd.cncf.notary.signature`, a JWS (`application/jose+json`) or COSE
 *   (`application/cose`) envelope layer (notaryproject/specifications specs/signature-specification.md).
 * - SBOMs: SPDX (`application/spdx+json`, `text/spdx`, `text/spdx+json`) and CycloneDX (`application/vnd.cyclonedx+json`,
 *   `+xml`) artifact and layer types, cosign's `application/vnd.dev.cosign.artifact.sbom.v1+json`, and in-toto
 *   predicates `https://spdx.dev/Document` and `https://cyclonedx.org/bom` (in-toto/attestation spec/predicates).
 * - Provenance: the SLSA predicates `https://slsa.dev/provenance/v0.1`, `/v0.2` and `/v1`.
 * - Vulnerability reports: SARIF (`application/sarif+json`, as trivy-plugin-referrer attaches scans) and the predicates
 *   `https://in-toto.io/attestation/vulns`, `https://cosign.sigstore.dev/attestation/vuln/v1` and OpenVEX
 *   `https://openvex.dev/ns`.
 * - in-toto attestations: DSSE (`application/vnd.dsse.envelope.v1+json`, cosign's `.att` tag, its predicate in the
 *   layer annotation `predicateType`) and in-toto statements (`application/vnd.in-toto+json`, BuildKit's attestation
 *   manifests with `in-toto.io/predicate-type`, moby/buildkit docs/attestations/attestation-storage.md). Any other
 *   predicate is an `attestation` named by its predicate type.
 * A manifest can hold several things (a BuildKit attestation manifest holds an SBOM and a provenance), so an
 * artifact yields its contents; its kind is theirs when they agree, else `attestation`.
 */

export type AttachmentKind = 'signature' | 'sbom' | 'provenance' | 'attestation' | 'vulnerability-report' | 'other';

/** One thing an artifact holds: its kind and, for people, its format ("cosign keyless", "SPDX", "SLSA v1"). */
export interface AttachmentContent {
  readonly kind: AttachmentKind;
  readonly format: string;
  /** The in-toto predicate type, when the artifact states one. */
  readonly predicateType?: string;
}

/** What recognition reads: a referrer's descriptor, and for one whose manifest was read, its config and layers. */
export interface ArtifactDescription {
  readonly mediaType: string;
  readonly artifactType?: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly configMediaType?: string;
  readonly layers?: readonly { readonly mediaType: string; readonly annotations: Readonly<Record<string, string>> }[];
}

export interface Recognized {
  readonly kind: AttachmentKind;
  readonly contents: readonly AttachmentContent[];
  /** When it was made (RFC 3339): `org.opencontainers.image.created`, else a cosign signature's Rekor time. */
  readonly created?: string;
}

const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const COSIGN_SIGNATURE_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const COSIGN_SBOM_ARTIFACT = 'application/vnd.dev.cosign.artifact.sbom.v1+json';
const SIGSTORE_BUNDLE = /^application\/vnd\.dev\.sigstore\.bundle(?:\.v[\d.]+)?\+json\b/;
const NOTATION = 'application/vnd.cncf.notary.signature';
const DSSE = 'application/vnd.dsse.envelope.v1+json';
const IN_TOTO = 'application/vnd.in-toto+json';
const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const CREATED = 'org.opencontainers.image.created';

const FILE_FORMATS: Readonly<Record<string, AttachmentContent>> = {
  'application/spdx+json': { kind: 'sbom', format: 'SPDX' },
  'application/spdx': { kind: 'sbom', format: 'SPDX' },
  'text/spdx': { kind: 'sbom', format: 'SPDX' },
  'text/spdx+json': { kind: 'sbom', format: 'SPDX' },
  'text/spdx+xml': { kind: 'sbom', format: 'SPDX' },
  'application/vnd.cyclonedx+json': { kind: 'sbom', format: 'CycloneDX' },
  'application/vnd.cyclonedx+xml': { kind: 'sbom', format: 'CycloneDX' },
  'application/vnd.cyclonedx': { kind: 'sbom', format: 'CycloneDX' },
  'application/vnd.syft+json': { kind: 'sbom', format: 'Syft' },
  'application/sarif+json': { kind: 'vulnerability-report', format: 'SARIF' },
};

/** Predicate type URIs by prefix; a version after the prefix is kept in the format where it says something. */
const PREDICATES: ReadonlyArray<{ readonly prefix: string; readonly content: (version: string) => AttachmentContent }> = [
  { prefix: 'https://spdx.dev/Document', content: () => ({ kind: 'sbom', format: 'SPDX' }) },
  { prefix: 'https://cyclonedx.org/bom', content: () => ({ kind: 'sbom', format: 'CycloneDX' }) },
  { prefix: 'https://slsa.dev/provenance/', content: (version) => ({ kind: 'provenance', format: `SLSA ${version.replace(/\/+$/, '')}` }) },
  { prefix: 'https://in-toto.io/attestation/vulns', content: () => ({ kind: 'vulnerability-report', format: 'in-toto vulns' }) },
  { prefix: 'https://cosign.sigstore.dev/attestation/vuln/', content: () => ({ kind: 'vulnerability-report', format: 'cosign vuln' }) },
  { prefix: 'https://openvex.dev/ns', content: () => ({ kind: 'vulnerability-report', format: 'OpenVEX' }) },
  { prefix: COSIGN_SIGN_PREDICATE, content: () => ({ kind: 'signature', format: 'cosign' }) },
];

function baseType(mediaType: string | undefined): string {
  return (mediaType ?? '').split(';')[0].trim().toLowerCase();
}

/** What an in-toto predicate type says; any other predicate is an attestation named by it. */
export function predicateContent(predicateType: string): AttachmentContent {
  for (const { prefix, content } of PREDICATES) {
    if (predicateType.startsWith(prefix)) return { ...content(predicateType.slice(prefix.length)), predicateType };
  }
  return { kind: 'attestation', format: predicateType, predicateType };
}

/** A Rekor bundle annotation's `Payload.integratedTime` (seconds) as RFC 3339; undefined when it is not that. */
function rekorTime(bundle: string | undefined): string | undefined {
  if (bundle === undefined) return undefined;
  try {
    const seconds = (JSON.parse(bundle) as { Payload?: { integratedTime?: unknown } })?.Payload?.integratedTime;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 1e11) return undefined;
    return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
  } catch {
    return undefined;
  }
}

function cosignSignature(layers: ArtifactDescription['layers']): { content: AttachmentContent; created?: string } {
  const signed = (layers ?? []).filter((layer) => baseType(layer.mediaType) === SIMPLE_SIGNING);
  const keyless = signed.some((layer) => layer.annotations['dev.sigstore.cosign/certificate'] !== undefined);
  const created = signed.map((layer) => rekorTime(layer.annotations['dev.sigstore.cosign/bundle'])).find((time) => time !== undefined);
  return {
    content: { kind: 'signature', format: signed.length === 0 ? 'cosign' : keyless ? 'cosign keyless' : 'cosign key' },
    ...(created ? { created } : {}),
  };
}

function bundleContent(annotations: Readonly<Record<string, string>>): AttachmentContent {
  const content = annotations['dev.sigstore.bundle.content'];
  const predicate = annotations['dev.sigstore.bundle.predicateType'];
  if (predicate !== undefined && predicate !== COSIGN_SIGN_PREDICATE) {
    const inner = predicateContent(predicate);
    return { ...inner, format: `${inner.format} (bundle)` };
  }
  if (content === 'message-signature' || predicate === COSIGN_SIGN_PREDICATE)
    return { kind: 'signature', format: 'cosign (bundle)', ...(predicate ? { predicateType: predicate } : {}) };
  // A bundle that does not say what it holds may be a signature or any attestation: it is not counted as a signature.
  return { kind: 'attestation', format: 'Sigstore bundle' };
}

function notationContent(layers: ArtifactDescription['layers']): AttachmentContent {
  const envelope = baseType(layers?.[0]?.mediaType);
  return {
    kind: 'signature',
    format: envelope === 'application/cose' ? 'Notation (COSE)' : envelope === 'application/jose+json' ? 'Notation (JWS)' : 'Notation',
  };
}

/** The contents of the layers of a read manifest: simple signing, DSSE and in-toto layers, SBOM and report files. */
function layerContents(description: ArtifactDescription): { contents: AttachmentContent[]; created?: string } {
  const layers = description.layers ?? [];
  const contents: AttachmentContent[] = [];
  let created: string | undefined;
  if (layers.some((layer) => baseType(layer.mediaType) === SIMPLE_SIGNING)) {
    const signature = cosignSignature(layers);
    contents.push(signature.content);
    created = signature.created;
  }
  for (const layer of layers) {
    const type = baseType(layer.mediaType);
    const predicate = layer.annotations['in-toto.io/predicate-type'] ?? layer.annotations.predicateType;
    if ((type === DSSE || type === IN_TOTO) && predicate !== undefined) contents.push(predicateContent(predicate));
    else if (FILE_FORMATS[type] !== undefined) contents.push(FILE_FORMATS[type]);
  }
  return { contents, ...(created ? { created } : {}) };
}

function kindOf(contents: readonly AttachmentContent[]): AttachmentKind {
  if (contents.length === 0) return 'other';
  return contents.every((content) => content.kind === contents[0].kind) ? contents[0].kind : 'attestation';
}

function unique(contents: readonly AttachmentContent[]): AttachmentContent[] {
  const seen = new Set<string>();
  return contents.filter((content) => {
    const key = `${content.kind}|${content.format}|${content.predicateType ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What an attached artifact is. */
export function recognizeArtifact(description: ArtifactDescription): Recognized {
  const type = baseType(description.artifactType ?? description.configMediaType);
  const annotated = description.annotations[CREATED];
  let contents: AttachmentContent[];
  let created: string | undefined;
  if (SIGSTORE_BUNDLE.test(type)) contents = [bundleContent(description.annotations)];
  else if (type === NOTATION) contents = [notationContent(description.layers)];
  else if (type === COSIGN_SIGNATURE_ARTIFACT) {
    const signature = cosignSignature(description.layers);
    contents = [signature.content];
    created = signature.created;
  } else {
    const fromLayers = layerContents(description);
    contents = fromLayers.contents;
    created = fromLayers.created;
    if (contents.length === 0 && FILE_FORMATS[type] !== undefined) contents = [FILE_FORMATS[type]];
    if (contents.length === 0 && type === COSIGN_SBOM_ARTIFACT) contents = [{ kind: 'sbom', format: 'SBOM (cosign)' }];
    if (contents.length === 0 && (type === DSSE || type === IN_TOTO)) contents = [{ kind: 'attestation', format: 'in-toto' }];
  }
  const recognized = unique(contents);
  const when = annotated ?? created;
  return { kind: kindOf(recognized), contents: recognized, ...(when === undefined ? {} : { created: when }) };
}

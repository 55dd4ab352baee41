/**
 * Opt-in supply-chain policy (imageAware.signatures.require, or `signatures.require` in .image-aware.yaml): for an
 * image whose repository matches a pattern, the most specific pattern lists what must be attached to the manifest
 * it pulls (attachments found by the referrers lookup, facts.ts):
 * - `signature`: `unsigned-image` when no signature refers to it; `signature-invalid` when signatures were checked
 *   against the keys trusted for the repository and none verified (why the first failed is said);
 * - `sbom`: `no-sbom`; `provenance`: `no-provenance`.
 * A kind counts when the manifest itself has it, or (for an index) each of its platforms asked about does, as
 * BuildKit attaches SBOMs and provenance per platform. Nothing is reported where the referrers were not asked or
 * could not be listed: an image is never called unsigned because its registry was down.
 */
import { matchingPatterns } from '../attachments/repositoryPatterns';
import type { AttachmentKind } from '../attachments/recognize';
import { pullAnswer, referrersOf } from '../facts';
import type { ReferrerFact, RegistryFacts } from '../facts';
import { imageSites } from '../imageSites';
import type { RequiredAttachment, SignatureSettings } from '../settings';
import type { DiagnosticCode } from './catalog';
import type { Finding } from './finding';

const MISSING: Readonly<Record<Exclude<RequiredAttachment, 'signature'>, { code: DiagnosticCode; what: string }>> = {
  sbom: { code: 'no-sbom', what: 'an SBOM' },
  provenance: { code: 'no-provenance', what: 'a provenance attestation' },
};

function has(referrers: readonly ReferrerFact[], kind: AttachmentKind): boolean {
  return referrers.some((referrer) => referrer.contents.some((content) => content.kind === kind));
}

/** The referrers that decide for the pulled manifest: its own, else (when every platform has the kind) the platforms'. */
function attachedGroups(
  facts: RegistryFacts,
  site: ReturnType<typeof imageSites>[number],
): { own: readonly ReferrerFact[]; platforms: ReferrerFact[][] } | null {
  const pulled = pullAnswer(facts, site.ref);
  if (pulled?.status !== 'found') return null;
  const own = referrersOf(facts, site.ref, pulled.digest);
  if (own?.status !== 'found') return null;
  const platforms = pulled.platforms
    .map((platform) => referrersOf(facts, site.ref, platform.digest))
    .filter((answer) => answer?.status === 'found')
    .map((answer) => [...answer.referrers]);
  return { own: own.referrers, platforms };
}

function signatureFinding(signatures: readonly ReferrerFact[]): { code: DiagnosticCode; message: string } | null {
  if (signatures.length === 0)
    return { code: 'unsigned-image', message: 'No signature refers to the image this reference pulls; its repository requires one.' };
  const checked = signatures.filter((signature) => signature.verification !== undefined);
  if (checked.length === 0 || checked.some((signature) => signature.verification?.status === 'verified')) return null;
  const first = checked.find((signature) => signature.verification?.status === 'invalid') ?? checked[0];
  const reason = first.verification?.status === 'verified' ? '' : (first.verification?.reason ?? '');
  return {
    code: 'signature-invalid',
    message: `No signature of the image this reference pulls verifies with the keys or signers trusted for its repository: ${reason}.`,
  };
}

/** Policy findings, with absolute spans, in text order. */
export function policyFindings(analysis: Parameters<typeof imageSites>[0], facts: RegistryFacts, settings: Pick<SignatureSettings, 'require'>): Finding[] {
  if (Object.keys(settings.require).length === 0) return [];
  const findings: Finding[] = [];
  for (const site of imageSites(analysis)) {
    const [required] = matchingPatterns(settings.require, `${site.ref.domain}/${site.ref.path}`);
    if (required === undefined || required.length === 0) continue;
    const groups = attachedGroups(facts, site);
    if (groups === null) continue;
    const present = (kind: AttachmentKind): boolean =>
      has(groups.own, kind) || (groups.platforms.length > 0 && groups.platforms.every((referrers) => has(referrers, kind)));
    for (const kind of required) {
      if (kind === 'signature') {
        const signatures = [...groups.own, ...groups.platforms.flat()].filter((referrer) => has([referrer], 'signature'));
        const finding = signatureFinding(present('signature') ? signatures : []);
        if (finding !== null) findings.push({ ...finding, ...site.span });
      } else if (!present(kind)) {
        findings.push({
          code: MISSING[kind].code,
          message: `No ${MISSING[kind].what.replace(/^an? /, '')} is attached to the image this reference pulls; its repository requires ${MISSING[kind].what}.`,
          ...site.span,
        });
      }
    }
  }
  return findings;
}

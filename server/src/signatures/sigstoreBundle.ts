/**
 * Verifies a keyless Sigstore bundle signature (sigstore/cosign specs/BUNDLE_SPEC.md: an OCI 1.1 artifact whose
 * `application/vnd.dev.sigstore.bundle.v0.3+json` layer is the bundle JSON, sigstore/protobuf-specs Bundle):
 * - the bundle is parsed and checked for shape by @sigstore/bundle (`bundleFromJSON`);
 * - it must sign this image: a DSSE envelope holds an in-toto statement whose subject digest is the digest the
 *   bundle refers to (cosign signs images so, predicate `https://sigstore.dev/cosign/sign/v1`); a message signature's
 *   `messageDigest` must be that digest, and it signs the manifest's bytes, which are not read here, so it stays
 *   unverified;
 * - @sigstore/verify checks the rest against the trusted root: the certificate chains to a Fulcio CA, its SCTs, the
 *   Rekor entry (inclusion promise or proof) matching the signature, a timestamp inside the certificate's validity,
 *   the signature itself;
 * - the certificate's subject (SAN) and Fulcio issuer extension must match one identity the user trusts for the
 *   repository (core/attachments/signerIdentity.ts); a mismatch names who signed and who is trusted.
 * Bounded: a bundle is at most MAX_BUNDLE_BYTES (registry/signaturePayloads.ts), its layers as the keyed ones.
 */
import { bundleFromJSON } from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import { IN_TOTO_PAYLOAD_TYPE, readStatementSubjects, trustedIdentityOf } from '../core';
import type { ReferrerFact, ReferrerLayerFact, SignatureVerification, TrustedIdentity } from '../core';
import { combineLayers, layersOfType, SIGSTORE_BUNDLE } from './layers';
import type { LoadedTrust } from './trustedRoot';

/** A certificate field longer than this is cut where it is shown (the settings' patterns are as long at most). */
const MAX_SHOWN = 512;

/**
 * A certificate field as shown in a hover or a message: whoever gets a certificate chooses its text, so control
 * characters become `?` and it is cut at MAX_SHOWN. Identities are matched on the field as it is.
 */
function shown(field: string): string {
  const printable = field.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return printable.length <= MAX_SHOWN ? printable : `${printable.slice(0, MAX_SHOWN)}…`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function parseBundle(payload: string): Bundle | string {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
  } catch {
    return 'the bundle is not JSON';
  }
  try {
    return bundleFromJSON(json);
  } catch (error) {
    return `it is no Sigstore bundle: ${firstLine(error)}`;
  }
}

/** Why the bundle does not sign `subject`, or null when it does. */
function signsAnother(bundle: Bundle, subject: string): SignatureVerification | null {
  if (bundle.content.$case === 'messageSignature') {
    const digest = bundle.content.messageSignature.messageDigest;
    const named = digest === undefined ? '' : `sha256:${Buffer.from(digest.digest).toString('hex')}`;
    if (named !== subject) return { status: 'invalid', reason: `it signs ${named === '' ? 'no digest' : named}, not ${subject}` };
    return { status: 'unverified', reason: "a message-signature bundle signs the manifest's bytes, which are not read to verify it" };
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return { status: 'invalid', reason: `its envelope holds ${envelope.payloadType}, not an in-toto statement` };
  const reading = readStatementSubjects(Buffer.from(envelope.payload).toString('utf8'));
  if (!reading.ok) return { status: 'invalid', reason: reading.reason };
  if (!reading.digests.includes(subject)) return { status: 'invalid', reason: `it signs ${reading.digests[0] ?? 'no digest'}, not ${subject}` };
  return null;
}

function checkBundle(layer: ReferrerLayerFact, subject: string, verifier: Verifier, identities: readonly TrustedIdentity[]): SignatureVerification {
  if (layer.payload === undefined) return { status: 'unverified', reason: 'the bundle could not be read' };
  const bundle = parseBundle(layer.payload);
  if (typeof bundle === 'string') return { status: 'invalid', reason: bundle };
  if (bundle.verificationMaterial.content.$case === 'publicKey')
    return { status: 'unverified', reason: 'a bundle signed with a key, not a certificate, is not verified' };
  const another = signsAnother(bundle, subject);
  if (another !== null) return another;
  let signer;
  try {
    signer = verifier.verify(toSignedEntity(bundle));
  } catch (error) {
    return { status: 'invalid', reason: `it does not verify with the trusted root: ${firstLine(error)}` };
  }
  const san = signer.identity?.subjectAlternativeName;
  const issuer = signer.identity?.extensions?.issuer;
  if (san === undefined || issuer === undefined) return { status: 'invalid', reason: 'its certificate names no subject or no issuer' };
  if (trustedIdentityOf(identities, san, issuer) === undefined) {
    const expected = identities.map((identity) => `${identity.subject} via ${identity.issuer}`).join(' or ');
    return { status: 'invalid', reason: `it is signed by ${shown(san)} via ${shown(issuer)}, but the trusted signers are ${expected}` };
  }
  return { status: 'verified', subject: shown(san), issuer: shown(issuer) };
}

/**
 * The verification of a Sigstore bundle signature against the trusted root and `identities`; undefined when the
 * manifest has no bundle layer (a cosign simple-signing signature, a Notation envelope: other verifiers' work).
 */
export function verifySigstoreBundle(referrer: ReferrerFact, trust: LoadedTrust, identities: readonly TrustedIdentity[]): SignatureVerification | undefined {
  const layers = layersOfType(referrer, SIGSTORE_BUNDLE);
  if (layers.length === 0) return undefined;
  if ('problem' in trust) return { status: 'unverified', reason: trust.problem };
  const verifier = new Verifier(trust.trust);
  return combineLayers(layers.map((layer) => checkBundle(layer, referrer.subject, verifier, identities)));
}

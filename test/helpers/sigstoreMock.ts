/**
 * A Sigstore of its own for keyless tests, from @sigstore/mock (the Sigstore project's test doubles): a Fulcio CA
 * issuing short-lived certificates with a SAN and the Fulcio issuer extension (OID 1.3.6.1.4.1.57264.1.8) and an
 * SCT from a mock CT log, a mock Rekor log answering with a signed entry timestamp and an inclusion proof, and the
 * trusted root (sigstore/protobuf-specs TrustedRoot JSON) naming the three. No real Fulcio or Rekor is contacted.
 * `signImage` makes what cosign pushes for a keyless image signature (sigstore/cosign specs/BUNDLE_SPEC.md): a
 * bundle v0.3 holding a DSSE envelope of an in-toto statement about the image digest, predicate
 * `https://sigstore.dev/cosign/sign/v1`, with the certificate and the Rekor `dsse` v0.0.1 entry.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { bundleToJSON, toDSSEBundle } from '@sigstore/bundle';
// The CA and the logs are imported from their own modules: the package's index loads nock, which replaces
// node:http's request functions in the whole process, and these tests talk to a real registry over node:http.
import { initializeCA } from '@sigstore/mock/dist/fulcio/ca';
import type { CA } from '@sigstore/mock/dist/fulcio/ca';
import { initializeCTLog } from '@sigstore/mock/dist/fulcio/ctlog';
import { initializeTLog } from '@sigstore/mock/dist/rekor/tlog';
import type { TLog } from '@sigstore/mock/dist/rekor/tlog';

export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const IN_TOTO = 'application/vnd.in-toto+json';
const FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

export interface KeylessSigner {
  /** The certificate's SAN: a workflow URI, an e-mail. */
  readonly subject: string;
  /** The OIDC issuer Fulcio writes in its issuer extension. */
  readonly issuer: string;
}

export interface MockSigstore {
  /** The trusted root (JSON) naming this CA, CT log and Rekor log. */
  readonly trustedRoot: Record<string, unknown>;
  /**
   * The bundle JSON cosign would push for a keyless signature of `digest` by `signer`; with `forged`, signed (and
   * logged) with a key other than the one the certificate is for.
   */
  signImage(digest: string, signer: KeylessSigner, forged?: boolean): Promise<Record<string, unknown>>;
}

function ecdsaPair(): { publicKey: import('node:crypto').KeyObject; privateKey: import('node:crypto').KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** What the mock Rekor answers for an entry (Rekor's LogEntry, the fields read here). */
interface LoggedEntry {
  readonly body: string;
  readonly integratedTime: number;
  readonly logID: string;
  readonly logIndex: number;
  readonly verification: {
    readonly signedEntryTimestamp: string;
    readonly inclusionProof: { logIndex: number; rootHash: string; treeSize: number; hashes: string[]; checkpoint: string };
  };
}

function bytes(view: ArrayBufferView<ArrayBuffer>): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
}

function key(raw: Buffer, since: string): Record<string, unknown> {
  return { rawBytes: raw.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: since } };
}

/** The Rekor entry of the bundle (protobuf-specs TransparencyLogEntry JSON) for what the mock log answered. */
async function logEntry(tlog: TLog, payload: Buffer, signature: Buffer, certificate: Buffer): Promise<Record<string, unknown>> {
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64')}\n-----END CERTIFICATE-----\n`;
  const body = {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
      signatures: [{ signature: signature.toString('base64'), verifier: Buffer.from(certificatePem).toString('base64') }],
    },
  };
  const [logged] = Object.values(await tlog.log(body)) as LoggedEntry[];
  const proof = logged.verification.inclusionProof;
  return {
    logIndex: String(logged.logIndex),
    logId: { keyId: Buffer.from(logged.logID, 'hex').toString('base64') },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: String(logged.integratedTime),
    inclusionPromise: { signedEntryTimestamp: logged.verification.signedEntryTimestamp },
    inclusionProof: {
      logIndex: String(proof.logIndex),
      rootHash: proof.rootHash,
      treeSize: String(proof.treeSize),
      hashes: proof.hashes,
      checkpoint: { envelope: proof.checkpoint },
    },
    canonicalizedBody: logged.body,
  };
}

async function signWith(ca: CA, tlog: TLog, digest: string, signer: KeylessSigner, forged: boolean): Promise<Record<string, unknown>> {
  const pair = ecdsaPair();
  const signing = forged ? ecdsaPair().privateKey : pair.privateKey;
  const certificate = bytes(
    await ca.issueCertificate({
      publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }),
      subjectAltName: signer.subject,
      extensions: [{ oid: FULCIO_ISSUER_V2, value: signer.issuer }],
    }),
  );
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'image', digest: { sha256: digest.slice('sha256:'.length) } }],
    predicateType: COSIGN_SIGN_PREDICATE,
    predicate: {},
  };
  const payload = Buffer.from(JSON.stringify(statement));
  const signature = sign('sha256', pae(IN_TOTO, payload), signing);
  const bundle = bundleToJSON(toDSSEBundle({ artifact: payload, artifactType: IN_TOTO, signature, certificate })) as Record<string, unknown>;
  const material = bundle.verificationMaterial as Record<string, unknown>;
  material.tlogEntries = [await logEntry(tlog, payload, signature, certificate)];
  return bundle;
}

/** A new CA, CT log and Rekor log (fresh keys), and their trusted root, valid from a minute ago. */
export async function startMockSigstore(): Promise<MockSigstore> {
  const ctlog = await initializeCTLog(ecdsaPair());
  const ca = await initializeCA(ecdsaPair(), ctlog);
  const tlog = await initializeTLog('https://rekor.sigstore.dev', ecdsaPair());
  const since = new Date(Date.now() - 60_000).toISOString();
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.sigstore.dev',
        hashAlgorithm: 'SHA2_256',
        publicKey: key(tlog.publicKey, since),
        logId: { keyId: createHash('sha256').update(tlog.publicKey).digest('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.sigstore.dev',
        certChain: { certificates: [{ rawBytes: bytes(ca.rootCertificate).toString('base64') }] },
        validFor: { start: since },
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.sigstore.dev',
        hashAlgorithm: 'SHA2_256',
        publicKey: key(ctlog.publicKey, since),
        logId: { keyId: bytes(ctlog.logID).toString('base64') },
      },
    ],
    timestampAuthorities: [],
  };
  return { trustedRoot, signImage: (digest, signer, forged = false) => signWith(ca, tlog, digest, signer, forged) };
}

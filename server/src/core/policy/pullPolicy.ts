/**
 * The imagePullPolicy that Kubernetes actually applies to a container, following API defaulting in
 * kubernetes pkg/apis/core/v1/defaults.go (`SetDefaults_Container`) and pkg/util/parsers/parsers.go
 * (`ParseImageName`).
 *
 * A policy written in the manifest is always kept. An empty string counts as not written, because the
 * API server defaults exactly when the field is "".
 * Otherwise the image is parsed with `ParseNormalizedNamed`. With neither a tag nor a digest the tag
 * counts as "latest". The default is Always when that tag is exactly "latest" (case-sensitive) and
 * IfNotPresent otherwise. So a digest-only image gets IfNotPresent, while "name:latest@sha256:…" gets
 * Always. A parse error is ignored and leaves the tag empty, so an unparseable image gets IfNotPresent.
 */
import { parseReference } from '../reference/reference';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export const PULL_POLICIES: readonly PullPolicy[] = ['Always', 'IfNotPresent', 'Never'];

export interface PullPolicyDecision {
  readonly policy: PullPolicy;
  readonly source: 'explicit' | 'default';
  /** One sentence for a hover that names the rule behind the policy. */
  readonly reason: string;
}

const RULE = '(SetDefaults_Container)';

/**
 * Returns the policy Kubernetes applies, given the image and the manifest's imagePullPolicy value.
 * Returns null when a value is written but is not one of the three policies; the caller reports that.
 */
export function effectivePullPolicy(image: string, written: string | null | undefined): PullPolicyDecision | null {
  if (written === null || written === undefined || written === '') return defaultPullPolicy(image);
  const policy = PULL_POLICIES.find((candidate) => candidate === written);
  if (policy === undefined) return null;
  return { policy, source: 'explicit', reason: `imagePullPolicy is set to ${policy} in the manifest, and Kubernetes never overrides a value that is set.` };
}

/** Returns the policy Kubernetes fills in when the manifest sets none. */
export function defaultPullPolicy(image: string): PullPolicyDecision {
  const parsed = parseReference(image);
  if (!parsed.ok) {
    return decide('IfNotPresent', `because it cannot parse the image (${parsed.error.category}), and a parse error leaves the tag empty ${RULE}.`);
  }
  const { tag, digest } = parsed.value;
  if (tag === null && digest === null) {
    return decide('Always', `because the image has no tag, so it means :latest ${RULE}.`);
  }
  if (tag === null) {
    return decide('IfNotPresent', `because the image is pinned by digest and has no tag, so no :latest is implied ${RULE}.`);
  }
  if (tag === 'latest') {
    const digestNote = digest === null ? '' : '; the digest does not change that';
    return decide('Always', `because the tag is :latest${digestNote} ${RULE}.`);
  }
  const hint = tag.toLowerCase() === 'latest' ? ', and only the exact lowercase "latest" counts' : '';
  return decide('IfNotPresent', `because the tag :${tag} is not :latest${hint} ${RULE}.`);
}

function decide(policy: PullPolicy, because: string): PullPolicyDecision {
  return { policy, source: 'default', reason: `Kubernetes defaults imagePullPolicy to ${policy} ${because}` };
}

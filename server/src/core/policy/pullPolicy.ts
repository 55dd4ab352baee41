/**
 * The pull policy that applies to an image field, following whoever fills it in when the manifest
 * sets none. For containers that is Kubernetes' API defaulting in pkg/apis/core/v1/defaults.go
 * (`SetDefaults_Container`) with pkg/util/parsers/parsers.go (`ParseImageName`); some resources
 * default their own pull-policy fields by their own rule (PullPolicyRule).
 *
 * A policy written in the manifest is always kept. An empty string counts as not written, because the
 * API server defaults exactly when the field is "".
 * Kubernetes' rule: the image is parsed with `ParseNormalizedNamed`. With neither a tag nor a digest the
 * tag counts as "latest". The default is Always when that tag is exactly "latest" (case-sensitive) and
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

/** What a default is and why, as the end of a sentence ("because …"), naming the rule. */
interface Defaulted {
  readonly policy: PullPolicy;
  readonly because: string;
}

/** How one kind of image field gets its pull policy when the manifest writes none. */
export interface PullPolicyRule {
  /** Who fills the value in (and keeps a written one), for sentences: `Kubernetes`, `KubeVirt`. */
  readonly owner: string;
  /** The values the field accepts. */
  readonly policies: readonly PullPolicy[];
  readonly defaultFor: (image: string) => Defaulted;
}

/** Kubernetes' rule, citing the defaulting function that applies it. */
function kubernetesDefault(image: string, rule: string): Defaulted {
  const parsed = parseReference(image);
  if (!parsed.ok) {
    return {
      policy: 'IfNotPresent',
      because: `because it cannot parse the image (${parsed.error.category}), and a parse error leaves the tag empty (${rule}).`,
    };
  }
  const { tag, digest } = parsed.value;
  if (tag === null && digest === null) return { policy: 'Always', because: `because the image has no tag, so it means :latest (${rule}).` };
  if (tag === null) return { policy: 'IfNotPresent', because: `because the image is pinned by digest and has no tag, so no :latest is implied (${rule}).` };
  if (tag === 'latest') {
    const digestNote = digest === null ? '' : '; the digest does not change that';
    return { policy: 'Always', because: `because the tag is :latest${digestNote} (${rule}).` };
  }
  const hint = tag.toLowerCase() === 'latest' ? ', and only the exact lowercase "latest" counts' : '';
  return { policy: 'IfNotPresent', because: `because the tag :${tag} is not :latest${hint} (${rule}).` };
}

/** Containers of a pod spec (and every container a controller copies into one). */
export const KUBERNETES_RULE: PullPolicyRule = {
  owner: 'Kubernetes',
  policies: PULL_POLICIES,
  defaultFor: (image) => kubernetesDefault(image, 'SetDefaults_Container'),
};

/** Image volumes (`volumes[].image.pullPolicy`): the containers' rule, applied by SetDefaults_Volume. */
export const IMAGE_VOLUME_RULE: PullPolicyRule = {
  owner: 'Kubernetes',
  policies: PULL_POLICIES,
  defaultFor: (image) => kubernetesDefault(image, 'SetDefaults_Volume, with the rule of SetDefaults_Container'),
};

/** Registries Knative Serving does not resolve tags for by default (config-deployment `registries-skipping-tag-resolving`). */
const KNATIVE_SKIPPED_REGISTRIES = new Set(['kind.local', 'ko.local', 'dev.local']);

/**
 * Knative Serving's containers: when it creates a Revision it resolves a tag to a digest
 * (pkg/reconciler/revision/resolve.go) and the pod runs `repo@sha256:…`, which Kubernetes defaults
 * to IfNotPresent. Images already by digest, on the skipped registries, or not parseable keep the
 * Kubernetes rule as written.
 */
export const KNATIVE_RULE: PullPolicyRule = {
  owner: 'Kubernetes',
  policies: PULL_POLICIES,
  defaultFor: (image) => {
    const parsed = parseReference(image);
    if (!parsed.ok || parsed.value.digest !== null || KNATIVE_SKIPPED_REGISTRIES.has(parsed.value.domain)) return KUBERNETES_RULE.defaultFor(image);
    return {
      policy: 'IfNotPresent',
      because:
        'because Knative Serving resolves the tag to a digest when it creates a Revision, so the pod runs the image by digest ' +
        '(SetDefaults_Container; registries-skipping-tag-resolving names the registries it leaves alone).',
    };
  },
};

/** KubeVirt's containerDisk volumes (pkg/defaults: setDefaultPullPoliciesOnContainerDisks), a text test rather than a parse. */
export const KUBEVIRT_RULE: PullPolicyRule = {
  owner: 'KubeVirt',
  policies: PULL_POLICIES,
  defaultFor: (image) =>
    image.endsWith(':latest') || !/[:@]/.test(image)
      ? { policy: 'Always', because: 'because the image ends with ":latest" or has no ":" or "@" at all (setDefaultPullPoliciesOnContainerDisks).' }
      : {
          policy: 'IfNotPresent',
          because: 'because the image does not end with ":latest" and has a ":" or "@" (setDefaultPullPoliciesOnContainerDisks), even a registry port.',
        },
};

/** A fixed IfNotPresent default, whatever the tag: `owner` names who applies it and `where` the rule. */
function ifNotPresent(owner: string, where: string, policies: readonly PullPolicy[] = PULL_POLICIES): PullPolicyRule {
  return { owner, policies, defaultFor: () => ({ policy: 'IfNotPresent', because: `whatever the tag (${where}).` }) };
}

/** Crossplane packages (Provider, Configuration, Function): `packagePullPolicy` has a CRD default. */
export const CROSSPLANE_RULE = ifNotPresent('Crossplane', 'the CRD default of packagePullPolicy');

/** Spark on Kubernetes: `spark.kubernetes.container.image.pullPolicy`, which the spark-operator sets from spec.imagePullPolicy. */
export const SPARK_RULE = ifNotPresent('Spark', 'the default of spark.kubernetes.container.image.pullPolicy');

/** OpenKruise ImagePullJob: kruise-daemon pulls with Always or IfNotPresent only. */
export const KRUISE_IMAGE_PULL_JOB_RULE = ifNotPresent('OpenKruise', 'ImagePullJob defaults imagePullPolicy to IfNotPresent', ['Always', 'IfNotPresent']);

/**
 * The policy that applies, given the image and the written value of the policy field `key`. Returns
 * null when a value is written but is not one the rule accepts; the caller reports that.
 */
export function effectivePullPolicy(
  image: string,
  written: string | null | undefined,
  rule: PullPolicyRule = KUBERNETES_RULE,
  key = 'imagePullPolicy',
): PullPolicyDecision | null {
  if (written === null || written === undefined || written === '') return defaultPullPolicy(image, rule, key);
  const policy = rule.policies.find((candidate) => candidate === written);
  if (policy === undefined) return null;
  return { policy, source: 'explicit', reason: `${key} is set to ${policy} in the manifest, and ${rule.owner} never overrides a value that is set.` };
}

/** The policy filled in when the manifest sets none. */
export function defaultPullPolicy(image: string, rule: PullPolicyRule = KUBERNETES_RULE, key = 'imagePullPolicy'): PullPolicyDecision {
  const { policy, because } = rule.defaultFor(image);
  return { policy, source: 'default', reason: `${rule.owner} defaults ${key} to ${policy} ${because}` };
}

/** What an image record (manifest/imageFields.ts ContainerFields) tells about its pull policy. */
export interface PolicyHolder {
  readonly image: { readonly value: { readonly value: string } | null } | null;
  readonly pullPolicy: { readonly value: { readonly value: string } | null } | null;
  readonly location: { readonly policy: PullPolicyRule; readonly policyKey: string | null };
}

/** The policy that applies to a record's image under its location's rule; null for a value the rule does not accept. */
export function policyOf(holder: PolicyHolder): PullPolicyDecision | null {
  const { policy, policyKey } = holder.location;
  return effectivePullPolicy(holder.image?.value?.value ?? '', holder.pullPolicy?.value?.value ?? null, policy, policyKey ?? 'pull policy');
}

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

/**
 * What a pull policy value makes the puller do, whatever the value is called where it is written:
 * ask the registry every time, pull only what is missing, never pull, ask after a while (Compose's
 * `daily`), or build the image instead of pulling it (Compose's `build`).
 */
export type PullBehaviour = 'always' | 'ifNotPresent' | 'never' | 'periodic' | 'build';

export interface PullPolicyDecision {
  /** The value in the place's own vocabulary (`IfNotPresent`, Compose's `missing`). */
  readonly policy: string;
  readonly behaviour: PullBehaviour;
  readonly source: 'explicit' | 'default';
  /** One sentence for a hover that names the rule behind the policy. */
  readonly reason: string;
}

/** What a default is and why, as the end of a sentence ("because …"), naming the rule. */
interface Defaulted {
  readonly policy: string;
  readonly because: string;
}

/** How one kind of image field gets its pull policy when the manifest writes none, and what each value means. */
export interface PullPolicyRule {
  /** Who fills the value in (and keeps a written one), for sentences: `Kubernetes`, `KubeVirt`, `Docker Compose`. */
  readonly owner: string;
  /** Who rejects a value the rule does not accept, for sentences: `the API server`, `Docker Compose`. */
  readonly rejecter: string;
  /** What pulls happen on, for sentences: `pod start`, `docker compose up`. */
  readonly occasion: string;
  /** The values offered in completion and quick fixes. */
  readonly policies: readonly string[];
  /** The values accepted, for a message; a pattern as `every_<duration>`. */
  readonly accepted: readonly string[];
  /** Whether the kubelet pulls, on nodes, with the pod's pull secrets: what pull-would-fail and the anonymous-pull probe are about. */
  readonly kubelet: boolean;
  /** What a written value makes the puller do for `image`; null for a value the rule does not accept. */
  readonly behaviourOf: (value: string, image: string) => PullBehaviour | null;
  /** What a value does, one sentence for a hover. */
  readonly meaning: (value: string) => string;
  /** What a value does, a few words for a completion item. */
  readonly brief: (value: string) => string;
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

const KUBELET_BEHAVIOURS: Readonly<Record<PullPolicy, PullBehaviour>> = { Always: 'always', IfNotPresent: 'ifNotPresent', Never: 'never' };

const KUBELET_MEANINGS: Readonly<Record<PullPolicy, string>> = {
  Always: 'the kubelet asks the registry for the current digest on every container start, and pulls when it differs from the local copy.',
  IfNotPresent: 'the kubelet pulls only when the node has no image by this name yet; a tag pushed again is not picked up by nodes that have the old one.',
  Never: 'the kubelet never pulls; the image must already be on the node, or the pod fails with ErrImageNeverPull.',
};

const KUBELET_BRIEFS: Readonly<Record<PullPolicy, string>> = {
  Always: 'Ask the registry on every container start; pull when the digest changed.',
  IfNotPresent: 'Pull only when the node does not have the image yet.',
  Never: 'Never pull; the image must already be on the node.',
};

/** A rule of Kubernetes' vocabulary (Always, IfNotPresent, Never), applied where the kubelet pulls. */
function kubeletRule(owner: string, defaultFor: (image: string) => Defaulted, policies: readonly PullPolicy[] = PULL_POLICIES): PullPolicyRule {
  const known = (value: string): value is PullPolicy => (policies as readonly string[]).includes(value);
  return {
    owner,
    rejecter: 'the API server',
    occasion: 'pod start',
    kubelet: true,
    policies,
    accepted: policies,
    behaviourOf: (value) => (known(value) ? KUBELET_BEHAVIOURS[value] : null),
    meaning: (value) => (known(value) ? KUBELET_MEANINGS[value] : ''),
    brief: (value) => (known(value) ? KUBELET_BRIEFS[value] : ''),
    defaultFor,
  };
}

/** Containers of a pod spec (and every container a controller copies into one). */
export const KUBERNETES_RULE: PullPolicyRule = kubeletRule('Kubernetes', (image) => kubernetesDefault(image, 'SetDefaults_Container'));

/** Image volumes (`volumes[].image.pullPolicy`): the containers' rule, applied by SetDefaults_Volume. */
export const IMAGE_VOLUME_RULE: PullPolicyRule = kubeletRule('Kubernetes', (image) =>
  kubernetesDefault(image, 'SetDefaults_Volume, with the rule of SetDefaults_Container'),
);

/** Registries Knative Serving does not resolve tags for by default (config-deployment `registries-skipping-tag-resolving`). */
const KNATIVE_SKIPPED_REGISTRIES = new Set(['kind.local', 'ko.local', 'dev.local']);

/**
 * Knative Serving's containers: when it creates a Revision it resolves a tag to a digest
 * (pkg/reconciler/revision/resolve.go) and the pod runs `repo@sha256:…`, which Kubernetes defaults
 * to IfNotPresent. Images already by digest, on the skipped registries, or not parseable keep the
 * Kubernetes rule as written.
 */
export const KNATIVE_RULE: PullPolicyRule = kubeletRule('Kubernetes', (image) => {
  const parsed = parseReference(image);
  if (!parsed.ok || parsed.value.digest !== null || KNATIVE_SKIPPED_REGISTRIES.has(parsed.value.domain)) return KUBERNETES_RULE.defaultFor(image);
  return {
    policy: 'IfNotPresent',
    because:
      'because Knative Serving resolves the tag to a digest when it creates a Revision, so the pod runs the image by digest ' +
      '(SetDefaults_Container; registries-skipping-tag-resolving names the registries it leaves alone).',
  };
});

/** KubeVirt's containerDisk volumes (pkg/defaults: setDefaultPullPoliciesOnContainerDisks), a text test rather than a parse. */
export const KUBEVIRT_RULE: PullPolicyRule = kubeletRule('KubeVirt', (image) =>
  image.endsWith(':latest') || !/[:@]/.test(image)
    ? { policy: 'Always', because: 'because the image ends with ":latest" or has no ":" or "@" at all (setDefaultPullPoliciesOnContainerDisks).' }
    : {
        policy: 'IfNotPresent',
        because: 'because the image does not end with ":latest" and has a ":" or "@" (setDefaultPullPoliciesOnContainerDisks), even a registry port.',
      },
);

/** A fixed IfNotPresent default, whatever the tag: `owner` names who applies it and `where` the rule. */
function ifNotPresent(owner: string, where: string, policies: readonly PullPolicy[] = PULL_POLICIES): PullPolicyRule {
  return kubeletRule(owner, () => ({ policy: 'IfNotPresent', because: `whatever the tag (${where}).` }), policies);
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
  const behaviour = rule.behaviourOf(written, image);
  if (behaviour === null) return null;
  return {
    policy: written,
    behaviour,
    source: 'explicit',
    reason: `${key} is set to ${written} in the manifest, and ${rule.owner} never overrides a value that is set.`,
  };
}

/** The policy filled in when the manifest sets none. */
export function defaultPullPolicy(image: string, rule: PullPolicyRule = KUBERNETES_RULE, key = 'imagePullPolicy'): PullPolicyDecision {
  const { policy, because } = rule.defaultFor(image);
  return {
    policy,
    behaviour: rule.behaviourOf(policy, image) ?? 'ifNotPresent',
    source: 'default',
    reason: `${rule.owner} defaults ${key} to ${policy} ${because}`,
  };
}

/** What an image record (manifest/imageFields.ts ContainerFields) tells about its pull policy. */
export interface PolicyHolder {
  readonly image: { readonly value: { readonly value: string } | null } | null;
  readonly pullPolicy: { readonly value: { readonly value: string } | null } | null;
  /** `policy` is null where no pull policy applies (a Dockerfile's base image). */
  readonly location: { readonly policy: PullPolicyRule | null; readonly policyKey: string | null };
}

/** The policy that applies to a record's image under its location's rule; null for a value the rule does not accept, or where no rule applies. */
export function policyOf(holder: PolicyHolder): PullPolicyDecision | null {
  const { policy, policyKey } = holder.location;
  if (policy === null) return null;
  return effectivePullPolicy(holder.image?.value?.value ?? '', holder.pullPolicy?.value?.value ?? null, policy, policyKey ?? 'pull policy');
}

/** Compose's `every_<duration>`: numbers with units, as `every_12h` or `every_1d`. */
const COMPOSE_PERIOD = /^every_(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w))+$/;

const COMPOSE_MEANINGS: Readonly<Record<string, string>> = {
  always: 'Compose always pulls the image from the registry.',
  never: "Compose doesn't pull the image and relies on the one the engine has; without one, it reports a failure.",
  missing: "Compose pulls the image only if the engine doesn't have it; an image with the tag latest (or no tag) is pulled every time all the same.",
  if_not_present: 'An alias of missing, kept for backward compatibility.',
  build: 'Compose builds the image, and builds it again if it is already present; the image names what the build produces.',
  daily: 'Compose checks the registry for a newer image when the last pull was more than 24 hours ago.',
  weekly: 'Compose checks the registry for a newer image when the last pull was more than 7 days ago.',
};

/** Whether the image has the tag latest or no tag at all, which Compose's `missing` pulls every time. */
function latestOrNoTag(image: string): boolean {
  const parsed = parseReference(image);
  return parsed.ok && parsed.value.digest === null && (parsed.value.tag === null || parsed.value.tag === 'latest');
}

function composeBehaviour(value: string, image: string): PullBehaviour | null {
  if (value === 'missing' || value === 'if_not_present') return latestOrNoTag(image) ? 'always' : 'ifNotPresent';
  if (value === 'always') return 'always';
  if (value === 'never') return 'never';
  if (value === 'build') return 'build';
  return value === 'daily' || value === 'weekly' || COMPOSE_PERIOD.test(value) ? 'periodic' : null;
}

/** A Compose rule whose default is `policy` for every image, `because` what the spec says. */
function composeRule(policy: string, because: string): PullPolicyRule {
  const meaning = (value: string): string =>
    COMPOSE_MEANINGS[value] ?? `Compose checks the registry for a newer image when the last pull was longer ago than ${value.slice(6)}.`;
  return {
    owner: 'Docker Compose',
    rejecter: 'Docker Compose',
    occasion: 'docker compose up',
    kubelet: false,
    policies: ['missing', 'always', 'never', 'build', 'daily', 'weekly'],
    accepted: ['always', 'never', 'missing', 'if_not_present', 'build', 'daily', 'weekly', 'every_<duration>'],
    behaviourOf: composeBehaviour,
    meaning,
    brief: meaning,
    defaultFor: () => ({ policy, because }),
  };
}

/**
 * A Compose service's `pull_policy` (compose spec, services: pull_policy): `missing` by default, and
 * Docker Compose pulls an image tagged latest (or untagged) even then.
 */
export const COMPOSE_RULE = composeRule('missing', 'when the service has no build section (the Compose specification, pull_policy).');

/** A Compose service with a `build` section: Compose builds its image by default instead of pulling it. */
export const COMPOSE_BUILD_RULE = composeRule('build', 'because the service has a build section (the Compose specification, pull_policy).');

/**
 * How the images of a Helm values file are named, defaulted and explained: the container the chart
 * renders gets Kubernetes' pull-policy rule, whatever key the values use for it.
 */
import type { Field } from '../manifest/imageFields';
import { imageLocation } from '../manifest/locations';
import type { ImageLocation } from '../manifest/locations';
import { KUBERNETES_RULE } from '../policy/pullPolicy';
import type { PullPolicyRule } from '../policy/pullPolicy';

/** The pull-policy rule of every values image: the kubelet pulls what the chart renders into a container. */
export const VALUES_RULE: PullPolicyRule = KUBERNETES_RULE;

/** An image written as separate values (`image.repository`, `image.tag`, …). */
export const VALUES_OBJECT_IMAGE = imageLocation({
  role: 'image',
  label: 'Helm values image',
  imageKey: 'repository',
  policyKey: 'pullPolicy',
  policy: VALUES_RULE,
  note: "Helm values: the chart's templates render the container's image from them; this is the reference they render.",
});

/** A string image under `image` in a values file, read like a container's image with `imagePullPolicy` beside it. */
export const VALUES_STRING_IMAGE = imageLocation({
  role: 'image',
  label: 'Helm value',
  policy: VALUES_RULE,
  note: 'A Helm value: the chart puts it into its templates, so the image is what this string says once rendered.',
});

/** A values image as a record with a pull policy (policy/pullPolicy.ts PolicyHolder): the rendered reference and `pullPolicy`. */
export interface ValuesPolicyRecord {
  readonly image: { readonly value: { readonly value: string } };
  readonly pullPolicy: Field | null;
  readonly location: ImageLocation;
}

export function valuesPolicyRecord(rendered: string, pullPolicy: Field | null): ValuesPolicyRecord {
  return { image: { value: { value: rendered } }, pullPolicy, location: VALUES_OBJECT_IMAGE };
}

/**
 * The records of a Helm values file's images: plain data, like the rest of an analysis.
 */
import type { Field } from '../manifest/imageFields';
import type { YamlScalar } from '../manifest/yamlTree';
import type { ImageReference } from '../reference/reference';

/** An image written as separate values, as found: the chart renders the reference from them. */
export interface WrittenImage {
  /** Dotted path of the object in the values: `image`, `controller.admissionWebhooks.patch.image`. */
  readonly path: string;
  /** The key that holds the object. */
  readonly key: YamlScalar;
  /** Span of the object's mapping; `flow` when it is written `{...}`. */
  readonly start: number;
  readonly end: number;
  readonly flow: boolean;
  readonly registry: Field | null;
  /** `repository`, the name after the registry. */
  readonly repository: Field | null;
  /** ingress-nginx's `image`: the name after `registry` when `repository` is empty. */
  readonly name: Field | null;
  readonly tag: Field | null;
  readonly digest: Field | null;
  readonly pullPolicy: Field | null;
  /** Bitnami's `pullSecrets` of this image (with a ValuesImage, also those every image of the file shares). */
  readonly pullSecrets: readonly YamlScalar[];
}

/** Which value a part of the rendered reference comes from. */
export type PartRole = 'registry' | 'repository' | 'tag' | 'digest';

/** One part of the rendered reference: its offsets in `RenderedImage.text`, and the scalar it was written in (null: from elsewhere). */
export interface RenderedPart {
  readonly role: PartRole;
  readonly start: number;
  readonly end: number;
  readonly scalar: YamlScalar | null;
  /** Where it comes from, for people: `image.repository`, `global.imageRegistry`, `appVersion in Chart.yaml`. */
  readonly source: string;
}

/** The reference a chart renders from a values image. */
export interface RenderedImage {
  readonly text: string;
  readonly parts: readonly RenderedPart[];
  /** Null when `text` is no valid reference (`error` says why). */
  readonly ref: ImageReference | null;
  readonly error: { readonly message: string; readonly start: number; readonly end: number } | null;
  /** The tag is empty, so the chart renders Chart.yaml's appVersion. */
  readonly tagFromAppVersion: boolean;
  /** `global.imageRegistry` replaces the image's own registry. */
  readonly globalRegistry: boolean;
  /** A digest is written but the templates do not read it, so it changes nothing. */
  readonly digestIgnored: boolean;
  /** Whether the templates read `<path>.digest` (a pin writes it only then). */
  readonly digestRead: boolean;
  /** A digest replaces the tag: Bitnami's helper renders `name@digest`. */
  readonly digestReplacesTag: boolean;
}

/** A values image with the reference the chart renders from it. */
export interface ValuesImage extends WrittenImage {
  readonly rendered: RenderedImage;
}

export interface ValuesFields {
  readonly images: readonly ValuesImage[];
  /** `global.imageRegistry`, when the document sets it. */
  readonly globalRegistry: Field | null;
  /** Argo CD's `global.image.repository` and `global.image.tag`, which stand in for a component's empty ones. */
  readonly globalRepository: Field | null;
  readonly globalTag: Field | null;
  /** Pull secrets every image shares: top-level `imagePullSecrets` (`helm create`), `global.imagePullSecrets` (Bitnami). */
  readonly pullSecrets: readonly YamlScalar[];
}

/** The hover's lines about kustomize overlays: what each build that changes the image writes instead. */
import type { OverlayImage } from '../kustomize/overlays';
import { code } from './markdown';

export function overlayLines(overlays: readonly OverlayImage[]): string[] {
  if (overlays.length === 0) return [];
  const lines = overlays.map(({ label, images, uncertain }) => {
    const doubt = uncertain ? ' (an `images:` name there is a regular expression not evaluated here, so this may differ)' : '';
    return `- overlay ${code(label)}: → ${images.map(code).join(', ')}${doubt}`;
  });
  return ['', '**kustomize** builds it differently:', ...lines];
}

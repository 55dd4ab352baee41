/** The hover's lines about kustomize overlays: what each build that changes the image writes instead. */
import type { OverlayImage } from '../kustomize/overlays';
import { code } from './markdown';

/** Overlays listed by name; a hover taller than the editor is cut off at its end. */
const MAX_LISTED = 12;

export function overlayLines(overlays: readonly OverlayImage[]): string[] {
  if (overlays.length === 0) return [];
  const more = overlays.length - MAX_LISTED;
  const listed = more > 0 ? overlays.slice(0, MAX_LISTED - 1) : overlays;
  const lines = listed.map(({ label, images, uncertain }) => {
    const doubt = uncertain ? ' (an `images:` name there is a regular expression not evaluated here, so this may differ)' : '';
    return `- overlay ${code(label)}: → ${images.map(code).join(', ')}${doubt}`;
  });
  if (more > 0) lines.push(`- and ${more + 1} more overlays`);
  return ['', '**kustomize** builds it differently:', ...lines];
}

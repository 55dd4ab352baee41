/**
 * Small builders for the manifests the feature tests write inline, so each case shows only the
 * container lines it is about. Every builder returns plain text; nothing here parses.
 */
import { analyze } from '../../server/src/core/analysis';
import type { Analysis } from '../../server/src/core/analysis';

export const HEX = 'c'.repeat(64);
export const DIGEST = `sha256:${HEX}`;
export const OTHER_DIGEST = `sha256:${'d'.repeat(64)}`;

/** A Pod whose `containers:` list is `lines` (each container item indented by 4 spaces). */
export function pod(lines: string, spec = ''): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n${spec}  containers:\n${lines}`;
}

/** A Deployment whose container items sit at column 6 (`      - name: …`), the kubectl style. */
export function deployment(lines: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n${lines}`;
}

/** A Kustomization whose `images:` list is `lines` (items indented by 2 spaces). */
export function kustomization(lines: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n${lines}`;
}

export function crlf(text: string): string {
  return text.replace(/\n/g, '\r\n');
}

/** Analyses text as the front ends do, with no size limit in the way. */
export function analyzeText(text: string, fileName?: string): Analysis {
  return analyze(text, { maxFileSize: 64 * 1024 * 1024, fileName });
}

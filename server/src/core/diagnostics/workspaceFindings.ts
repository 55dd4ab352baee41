/**
 * Findings that depend on other files: an imagePullSecrets entry is only suspicious when no file
 * of the workspace defines that Secret. Without a workspace (null facts) nothing is reported,
 * because most pull secrets are created out of band and silence beats a false alarm.
 */
import type { ImageFields } from '../manifest/imageFields';
import type { WorkspaceFacts } from '../workspace';
import type { Finding } from './finding';

export function pullSecretFindings(fields: ImageFields, workspace: WorkspaceFacts | null): Finding[] {
  const defined = workspace?.definedSecrets;
  if (!defined) return [];
  const findings: Finding[] = [];
  const reported = new Set<number>();
  for (const container of fields.containers) {
    for (const secret of container.pullSecrets) {
      if (defined.has(secret.value) || reported.has(secret.start)) continue;
      reported.add(secret.start);
      findings.push({
        code: 'unknown-pull-secret',
        message:
          `No file in the workspace defines Secret "${secret.value}", so pulls from a private registry fail with ErrImagePull ` +
          `unless it is created another way (kubectl create secret docker-registry).`,
        start: secret.start,
        end: secret.end,
      });
    }
  }
  return findings;
}

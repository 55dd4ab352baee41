/**
 * The argument vector of each scanner for one image by digest, as documented by each:
 * - trivy: `trivy image --format json --quiet IMAGE` (docs/guide/references/configuration/cli/trivy_image.md);
 *   `--scanners vuln` leaves out the secret scanning that is on by default, whose findings are not counted here.
 * - grype: `grype registry:IMAGE -o json`: the `registry:` scheme pulls from the registry itself, so
 *   no container daemon is needed and what is scanned is what the digest names there.
 * Neither gets a flag that turns TLS verification off: a registry over plain HTTP needs the scanner's
 * own setting (TRIVY_INSECURE, GRYPE_REGISTRY_INSECURE_USE_HTTP) in the environment it runs with.
 */
import type { ScannerName } from './types';

export function scanArgv(scanner: ScannerName, executable: string, image: string): string[] {
  switch (scanner) {
    case 'trivy':
      return [executable, 'image', '--format', 'json', '--quiet', '--scanners', 'vuln', image];
    case 'grype':
      return [executable, `registry:${image}`, '-o', 'json'];
  }
}

/**
 * Which kubeconfig files kubectl would read: KUBECONFIG's list, else ~/.kube/config. Pure path
 * logic, apart from kubeconfig.ts so that the extension's status bar can watch those files without
 * loading @kubernetes/client-node at activation.
 */
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface KubeconfigSources {
  /** Where KUBECONFIG is read from (process.env by default). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The home folder for ~/.kube/config (os.homedir() by default). */
  readonly home?: string;
}

/** The files kubectl would read, and whether they came from KUBECONFIG. */
export function kubeconfigPaths(sources: KubeconfigSources = {}): { paths: string[]; fromEnv: boolean } {
  const list = (sources.env ?? process.env).KUBECONFIG;
  if (list) return { paths: [...new Set(list.split(delimiter).filter((p) => p !== ''))], fromEnv: true };
  return { paths: [join(sources.home ?? homedir(), '.kube', 'config')], fromEnv: false };
}

import type * as KubernetesClient from '@kubernetes/client-node';

let loaded: typeof KubernetesClient | undefined;

/**
 * `@kubernetes/client-node`, loaded on first use. The package and what it pulls in cost about
 * 70 MB of memory and 300 ms at start, so podtail loads it only when an API server is
 * configured (`kubernetes.enabled`, a kubeconfig or in-cluster credentials).
 */
export function kubernetesClient(): typeof KubernetesClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('@kubernetes/client-node') as typeof KubernetesClient;
  return loaded;
}

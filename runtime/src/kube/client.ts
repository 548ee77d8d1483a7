import type { KubeConfig } from '@kubernetes/client-node';
import { kubernetesClient } from './api-module';
import type { KubernetesConfig } from '../config/kubernetes';

/**
 * Loads the API client config: the kubeconfig file when `kubeconfig` is set (with `context`
 * when given), else the in-cluster service account. Throws with the fix when neither works.
 */
export function loadKubeConfig(cfg: KubernetesConfig, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new (kubernetesClient().KubeConfig)();
  if (cfg.kubeconfig) {
    try {
      kc.loadFromFile(cfg.kubeconfig);
    } catch (e) {
      throw new Error(
        `kubernetes.kubeconfig: cannot load ${JSON.stringify(cfg.kubeconfig)} (${(e as Error).message}): point it at a readable kubeconfig file`,
      );
    }
    if (cfg.context) {
      if (!kc.getContextObject(cfg.context)) {
        throw new Error(
          `kubernetes.context: ${JSON.stringify(cfg.context)} is not a context of ${cfg.kubeconfig}: use one of ${kc
            .getContexts()
            .map((c) => c.name)
            .join(', ')}`,
        );
      }
      kc.setCurrentContext(cfg.context);
    }
  } else {
    if (!env.KUBERNETES_SERVICE_HOST) {
      throw new Error(
        'kubernetes: not in a cluster (KUBERNETES_SERVICE_HOST is unset) and kubernetes.kubeconfig is empty: set kubernetes.kubeconfig or kubernetes.enabled: false',
      );
    }
    kc.loadFromCluster();
  }
  if (!kc.getCurrentCluster()) {
    throw new Error('kubernetes: the kubeconfig has no current cluster: set kubernetes.context');
  }
  return kc;
}

/** Whether the informer should run for this config and environment. */
export function kubernetesWanted(cfg: KubernetesConfig, env: NodeJS.ProcessEnv = process.env): boolean {
  if (cfg.enabled === 'auto') return Boolean(env.KUBERNETES_SERVICE_HOST) || cfg.kubeconfig !== '';
  return cfg.enabled;
}

/** HTTP status of an error from the client (ApiException `code` or Watch `statusCode`). */
export function statusOf(err: unknown): number | undefined {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; statusCode?: unknown };
    if (typeof e.statusCode === 'number') return e.statusCode;
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}

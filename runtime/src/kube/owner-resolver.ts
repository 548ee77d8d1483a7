import type { AppsV1Api, BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import { kubernetesClient } from './api-module';
import { statusOf } from './client';
import { controllerOf, type Pod } from './pod';

/** Workload owner attributes per OpenTelemetry semantic conventions. */
export type OwnerAttributes = Partial<
  Record<
    | 'k8s.replicaset.name'
    | 'k8s.deployment.name'
    | 'k8s.statefulset.name'
    | 'k8s.daemonset.name'
    | 'k8s.job.name'
    | 'k8s.cronjob.name',
    string
  >
>;

/**
 * The deployment a ReplicaSet belongs to, from names alone: a Deployment names its
 * ReplicaSets `<deployment>-<pod-template-hash>` and labels their pods with that hash.
 */
export function deploymentFromReplicaSetName(
  rsName: string,
  podTemplateHash: string | undefined,
): string | undefined {
  if (podTemplateHash && rsName.endsWith(`-${podTemplateHash}`)) {
    return rsName.slice(0, -podTemplateHash.length - 1);
  }
  return undefined;
}

/** Owner attributes known from the pod alone (no API call). */
export function ownerFromPod(pod: Pod): OwnerAttributes {
  const owner = controllerOf(pod.metadata.ownerReferences);
  if (!owner) return {};
  switch (owner.kind) {
    case 'ReplicaSet': {
      const attrs: OwnerAttributes = { 'k8s.replicaset.name': owner.name };
      const dep = deploymentFromReplicaSetName(owner.name, pod.metadata.labels?.['pod-template-hash']);
      if (dep) attrs['k8s.deployment.name'] = dep;
      return attrs;
    }
    case 'StatefulSet':
      return { 'k8s.statefulset.name': owner.name };
    case 'DaemonSet':
      return { 'k8s.daemonset.name': owner.name };
    case 'Job':
      return { 'k8s.job.name': owner.name };
    default:
      return {};
  }
}

type Lookup = { kind: 'ReplicaSet' | 'Job'; namespace: string; name: string };

/**
 * Resolves the second level of ownership (ReplicaSet -> Deployment, Job -> CronJob) with a
 * `get` on the owning object, cached per object. A 403 switches that kind to name-only
 * resolution for the rest of the run (reported once through `forbidden`); a 404 or other
 * error leaves the name-derived answer in place.
 */
export class OwnerResolver {
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly cache = new Map<string, OwnerAttributes | 'pending'>();
  private readonly forbiddenKinds = new Set<string>();
  /** API reads made: for diagnostics and tests. */
  readonly stats = { gets: 0, failures: 0 };

  constructor(
    kubeConfig: KubeConfig,
    private readonly maxEntries: number,
    private readonly forbidden: (kind: string, message: string) => void,
  ) {
    const k8s = kubernetesClient();
    this.apps = kubeConfig.makeApiClient(k8s.AppsV1Api);
    this.batch = kubeConfig.makeApiClient(k8s.BatchV1Api);
  }

  /** The cached second-level owner of `pod`, if resolved; starts a lookup (then `onResolved`) if not. */
  resolve(pod: Pod, onResolved: (attrs: OwnerAttributes) => void): OwnerAttributes | undefined {
    const owner = controllerOf(pod.metadata.ownerReferences);
    if (!owner || (owner.kind !== 'ReplicaSet' && owner.kind !== 'Job')) return undefined;
    if (this.forbiddenKinds.has(owner.kind)) return undefined;
    const lookup: Lookup = { kind: owner.kind, namespace: pod.metadata.namespace, name: owner.name };
    const key = `${lookup.kind}/${lookup.namespace}/${lookup.name}`;
    const hit = this.cache.get(key);
    if (hit === 'pending') return undefined;
    if (hit) return hit;
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, 'pending');
    void this.fetch(lookup).then((attrs) => {
      if (attrs) {
        this.cache.set(key, attrs);
        onResolved(attrs);
      } else {
        this.cache.delete(key);
      }
    });
    return undefined;
  }

  private async fetch(l: Lookup): Promise<OwnerAttributes | undefined> {
    this.stats.gets++;
    try {
      if (l.kind === 'ReplicaSet') {
        const rs = await this.apps.readNamespacedReplicaSet({ name: l.name, namespace: l.namespace });
        const dep = controllerOf(rs.metadata?.ownerReferences);
        return dep?.kind === 'Deployment' ? { 'k8s.deployment.name': dep.name } : {};
      }
      const job = await this.batch.readNamespacedJob({ name: l.name, namespace: l.namespace });
      const cron = controllerOf(job.metadata?.ownerReferences);
      return cron?.kind === 'CronJob' ? { 'k8s.cronjob.name': cron.name } : {};
    } catch (err) {
      this.stats.failures++;
      if (statusOf(err) === 403 && !this.forbiddenKinds.has(l.kind)) {
        this.forbiddenKinds.add(l.kind);
        this.forbidden(l.kind, (err as Error).message);
      }
      return undefined;
    }
  }
}

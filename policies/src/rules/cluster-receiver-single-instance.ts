import { asArray, asObject, at } from '../manifest/resource';
import { componentType, usedReceivers } from '../manifest/collector-config';
import { finder, type Finding, type Rule } from '../rule';

const find = finder('cluster-receiver-single-instance');

/** Receivers that must run once per cluster (older and newer component type names). */
export const SINGLE_INSTANCE_RECEIVERS = new Set([
  'k8s_cluster',
  'k8sobjects',
  'k8s_objects',
  'k8s_events',
  'k8sevents',
]);

export const clusterReceiverSingleInstance: Rule = {
  id: 'cluster-receiver-single-instance',
  severity: 'error',
  description:
    'A collector with a once-per-cluster receiver (k8s_cluster, k8sobjects/k8s_objects, k8s_events) runs one replica, or the receiver is gated by the k8s_leader_elector extension.',
  recommendation:
    'Run the cluster agent with `replicas: 1` (no HPA), or for HA add the `k8s_leader_elector` extension (listed in service.extensions) and set `k8s_leader_elector: <extension id>` on the receiver.',
  check(ctx) {
    const out: Finding[] = [];
    for (const w of ctx.workloads) {
      const replicas = ctx.maxReplicas(w);
      if (replicas <= 1) continue;
      for (const cfg of ctx.configsOf(w)) {
        const enabledExtensions = new Set(asArray(at(cfg.config, 'service', 'extensions')).map(String));
        for (const id of usedReceivers(cfg.config)) {
          if (!SINGLE_INSTANCE_RECEIVERS.has(componentType(id))) continue;
          const elector = asObject(at(cfg.config, 'receivers', id)).k8s_leader_elector;
          if (
            typeof elector === 'string' &&
            componentType(elector) === 'k8s_leader_elector' &&
            at(cfg.config, 'extensions', elector) !== undefined &&
            enabledExtensions.has(elector)
          ) {
            continue;
          }
          out.push(
            find(
              w.resource,
              `${cfg.resource === w.resource ? '' : `${cfg.resource.kind}/${cfg.resource.name} `}${cfg.path}: receivers.${id}`,
              `receiver '${id}' runs in up to ${replicas === Infinity ? 'one pod per node' : `${replicas} replicas`} without leader election: cluster data is collected more than once`,
            ),
          );
        }
      }
    }
    return out;
  },
};

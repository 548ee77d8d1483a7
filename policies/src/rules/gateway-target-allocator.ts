import { asArray, asObject, at } from '../manifest/resource';
import { componentType, usedReceivers } from '../manifest/collector-config';
import { finder, type Finding, type Rule } from '../rule';

const find = finder('gateway-target-allocator');

export const gatewayTargetAllocator: Rule = {
  id: 'gateway-target-allocator',
  severity: 'error',
  description:
    'A collector that scrapes Prometheus targets (a prometheus receiver with scrape_configs) and can run more than one replica (replicas, autoscaler or HPA) uses the Target Allocator.',
  recommendation:
    'Enable the Target Allocator (OpenTelemetryCollector `spec.targetAllocator.enabled: true`, or `target_allocator` in the prometheus receiver of a plain workload) so every target is scraped once; or run one replica.',
  check(ctx) {
    const out: Finding[] = [];
    for (const w of ctx.workloads) {
      if (
        w.resource.kind === 'DaemonSet' ||
        (w.operator && at(w.resource.object, 'spec', 'mode') === 'daemonset')
      )
        continue;
      const replicas = ctx.maxReplicas(w);
      if (replicas <= 1) continue;
      const operatorTa = w.operator && at(w.resource.object, 'spec', 'targetAllocator', 'enabled') === true;
      for (const cfg of ctx.configsOf(w)) {
        for (const id of usedReceivers(cfg.config)) {
          if (componentType(id) !== 'prometheus') continue;
          const receiver = asObject(at(cfg.config, 'receivers', id));
          const scrapes = asArray(at(receiver, 'config', 'scrape_configs')).length > 0;
          if (!scrapes || operatorTa || receiver.target_allocator !== undefined) continue;
          out.push(
            find(
              w.resource,
              `${cfg.resource === w.resource ? '' : `${cfg.resource.kind}/${cfg.resource.name} `}${cfg.path}: receivers.${id}`,
              `receiver '${id}' scrapes targets from up to ${replicas === Infinity ? 'every node' : replicas} replicas without the Target Allocator: every target is scraped by each replica`,
            ),
          );
        }
      }
    }
    return out;
  },
};

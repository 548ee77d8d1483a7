import type { Construct } from 'constructs';
import { Exporters } from '../components/exporters';
import { Extensions } from '../components/extensions';
import { Processors } from '../components/processors';
import { Receivers } from '../components/receivers';
import type { ServiceModel, TierKind, WorkloadMode } from '../model/workload';
import { CollectorTier, type CollectorTierProps, type TierExtras } from './collector-tier';
import type { IGatewayEndpoint } from './gateway-ref';
import { clusterAgentTierPropsSchema } from './tier-props-schemas';

/** Props of `ClusterAgentTier`. */
export interface ClusterAgentTierProps extends CollectorTierProps {
  /** Where it sends everything. */
  readonly gateway: IGatewayEndpoint;
  /** Use TLS to the gateway. @default false */
  readonly gatewayTls?: boolean;
  /** Kubernetes events: `k8sobjects` (events.k8s.io, watched), `k8s_events`, or `false`. @default 'k8sobjects' */
  readonly events?: 'k8sobjects' | 'k8s_events' | false;
  /** Cluster state metrics (`k8s_cluster`). @default true */
  readonly clusterMetrics?: boolean;
  /** Replicas; more than one turns on leader election (`k8s_leader_elector`), so one collects. @default 1 */
  readonly replicas?: number;
}

/**
 * What is collected once per cluster: Kubernetes events and cluster state. One replica, or
 * several with a `k8s_leader_elector` Lease so only the holder collects.
 */
export class ClusterAgentTier extends CollectorTier {
  readonly tierKind: TierKind = 'ClusterAgentTier';
  private readonly replicas: number;

  constructor(scope: Construct, id: string, props: ClusterAgentTierProps) {
    super(scope, id, props, {
      kind: 'ClusterAgentTier',
      schema: clusterAgentTierPropsSchema,
      name: 'otel-cluster-agent',
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    });
    this.replicas = props.replicas ?? 1;
    const c = this.config;
    c.addExtension(Extensions.healthCheck());
    const elector =
      this.replicas > 1
        ? c.addExtension(Extensions.k8sLeaderElector({ leaseName: `${this.tierName}-leader` })).id
        : undefined;
    const ml = c.addProcessor(Processors.memoryLimiter()).id;
    const batch = c.addProcessor(Processors.batch()).id;
    const gw = c.addExporter(
      Exporters.otlp({
        name: 'gateway',
        endpoint: props.gateway.otlpGrpcEndpoint,
        insecure: !props.gatewayTls,
      }),
    ).id;
    const events = props.events ?? 'k8sobjects';
    if (events) {
      const r =
        events === 'k8sobjects'
          ? Receivers.k8sobjects({ leaderElector: elector })
          : Receivers.k8sEvents({ leaderElector: elector });
      c.addReceiver(r);
      c.setPipeline('logs', { receivers: [r.id], processors: [ml, batch], exporters: [gw] });
    }
    if (props.clusterMetrics !== false) {
      const r = c.addReceiver(Receivers.k8sCluster({ leaderElector: elector }));
      c.setPipeline('metrics', { receivers: [r.id], processors: [ml, batch], exporters: [gw] });
    }
  }

  protected mode(): WorkloadMode {
    return 'deployment';
  }

  protected extras(): TierExtras {
    return {
      replicas: this.replicas,
      services: (_ports: ServiceModel['ports']) => [],
      disruptionBudget: this.replicas > 1 ? { maxUnavailable: 1 } : undefined,
    };
  }
}

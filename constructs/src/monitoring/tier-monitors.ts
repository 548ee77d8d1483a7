import type { Construct } from 'constructs';
import { type AlertJobs, DEFAULT_ALERT_JOBS } from '../alerts/alert-props';
import type { ITierAddon, TierInfo, TierKind } from '../model';
import { parseProps } from '../validation/prop-errors';
import { tierMonitorsPropsSchema } from './monitor-props';
import { renderedPodsOf } from './rendered-pods';
import { TelemetryPodMonitor } from './telemetry-pod-monitor';

/** Props of `TierMonitors`. */
export interface TierMonitorsProps {
  /** `job` label values; keep them equal to the `AlertRules` prop `jobs`. @default DEFAULT_ALERT_JOBS */
  readonly jobs?: Partial<AlertJobs>;
  /** Scrape interval. @default '30s' */
  readonly interval?: string;
  /** Labels on the monitors, for your Prometheus's `podMonitorSelector`. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Also monitor the podtail sidecar when the tier runs it. @default true */
  readonly podtail?: boolean;
  /** Also monitor the tier's Target Allocator when it has one. @default true */
  readonly targetAllocator?: boolean;
}

const JOB_OF: Record<TierKind, keyof AlertJobs> = {
  AgentTier: 'agent',
  GatewayTier: 'gateway',
  ClusterAgentTier: 'clusterAgent',
};

/**
 * A tier addon that adds `PodMonitor`s for the tier's collectors (their own metrics on 8888),
 * its podtail sidecar and its Target Allocator, with the `job` labels the alert rules select.
 * It selects the pods as they were rendered (plain workloads or the OpenTelemetry Operator).
 */
export class TierMonitors implements ITierAddon {
  readonly name = 'monitors';
  private readonly jobs: AlertJobs;

  constructor(private readonly props: TierMonitorsProps = {}) {
    parseProps('TierMonitors', 'props', tierMonitorsPropsSchema, props);
    this.jobs = { ...DEFAULT_ALERT_JOBS, ...props.jobs };
  }

  apply(scope: Construct, tier: TierInfo): void {
    const pods = renderedPodsOf(tier.model);
    const common = { namespace: pods.namespace, interval: this.props.interval, labels: this.props.labels };
    if (!pods.collectorMetricsPort) {
      throw new Error(
        `${tier.tierKind} '${tier.tierName}': no container port serves the collector's metrics (8888); ` +
          'add one to the collector ports or remove TierMonitors from the tier',
      );
    }
    new TelemetryPodMonitor(scope, 'Collector', {
      ...common,
      name: tier.tierName,
      job: this.jobs[JOB_OF[tier.tierKind]],
      selector: pods.collectorSelector,
      port: pods.collectorMetricsPort,
    });
    if (tier.podtail && this.props.podtail !== false) {
      const { containerName, metricsPort } = tier.podtail;
      const sidecar = tier.model.sidecars.find((s) => s.name === containerName);
      const port = sidecar?.ports?.find((p) => p.containerPort === metricsPort);
      if (!port) {
        throw new Error(
          `${tier.tierKind} '${tier.tierName}': podtail container '${containerName}' has no port ${metricsPort} ` +
            "for /metrics; enable podtail's server or pass { podtail: false } to TierMonitors",
        );
      }
      new TelemetryPodMonitor(scope, 'Podtail', {
        ...common,
        name: `${tier.tierName}-podtail`,
        job: this.jobs.podtail,
        selector: pods.collectorSelector,
        port: port.name,
      });
    }
    const ta = tier.model.targetAllocator;
    if (
      ta &&
      this.props.targetAllocator !== false &&
      pods.targetAllocatorSelector &&
      pods.targetAllocatorMetricsPort
    ) {
      new TelemetryPodMonitor(scope, 'TargetAllocator', {
        ...common,
        name: ta.name,
        job: this.jobs.targetAllocator,
        selector: pods.targetAllocatorSelector,
        port: pods.targetAllocatorMetricsPort,
      });
    }
  }
}

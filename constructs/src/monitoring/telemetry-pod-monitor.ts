import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PodMonitor,
  PodMonitorSpecPodMetricsEndpointsRelabelingsAction,
} from '../../../imports/lib/podmonitor-monitoring.coreos.com';
import {
  type TelemetryMonitorProps,
  resolveTelemetryMonitorProps,
  telemetryMonitorParts,
} from './monitor-props';

/**
 * A Prometheus Operator `PodMonitor` for a telemetry component (collector, podtail, Target
 * Allocator). It sets the `job` label to `props.job`, so the alert rules match the series.
 */
export class TelemetryPodMonitor extends Construct {
  readonly resource: PodMonitor;

  constructor(scope: Construct, id: string, props: TelemetryMonitorProps) {
    super(scope, id);
    const p = resolveTelemetryMonitorProps(`TelemetryPodMonitor '${id}'`, props);
    const namespace = p.namespace ?? Chart.of(this).namespace;
    const parts = telemetryMonitorParts(
      p,
      namespace,
      PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
    );
    this.resource = new PodMonitor(this, 'Resource', {
      metadata: parts.metadata,
      spec: { ...parts.selection, podMetricsEndpoints: [parts.endpoint] },
    });
  }
}

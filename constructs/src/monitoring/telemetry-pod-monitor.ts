import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PodMonitor,
  PodMonitorSpecPodMetricsEndpointsRelabelingsAction,
} from '../../../imports/lib/podmonitor-monitoring.coreos.com';
import { type TelemetryMonitorProps, resolveTelemetryMonitorProps } from './monitor-props';

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
    this.resource = new PodMonitor(this, 'Resource', {
      metadata: {
        name: p.name,
        namespace,
        labels: { 'app.kubernetes.io/part-of': 'otel-tiers', ...p.labels },
      },
      spec: {
        selector: { matchLabels: { ...p.selector } },
        ...(namespace ? { namespaceSelector: { matchNames: [namespace] } } : {}),
        podMetricsEndpoints: [
          {
            port: p.port,
            path: p.path,
            interval: p.interval,
            relabelings: [
              {
                action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
                targetLabel: 'job',
                replacement: p.job,
              },
            ],
          },
        ],
      },
    });
  }
}

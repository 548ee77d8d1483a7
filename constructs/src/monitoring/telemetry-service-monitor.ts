import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ServiceMonitor,
  ServiceMonitorSpecEndpointsRelabelingsAction,
} from '../../../imports/lib/servicemonitor-monitoring.coreos.com';
import { type TelemetryMonitorProps, resolveTelemetryMonitorProps } from './monitor-props';

/**
 * A Prometheus Operator `ServiceMonitor` for a telemetry component exposed by a Service. It sets
 * the `job` label to `props.job`, so the alert rules match the series.
 */
export class TelemetryServiceMonitor extends Construct {
  readonly resource: ServiceMonitor;

  constructor(scope: Construct, id: string, props: TelemetryMonitorProps) {
    super(scope, id);
    const p = resolveTelemetryMonitorProps(`TelemetryServiceMonitor '${id}'`, props);
    const namespace = p.namespace ?? Chart.of(this).namespace;
    this.resource = new ServiceMonitor(this, 'Resource', {
      metadata: {
        name: p.name,
        namespace,
        labels: { 'app.kubernetes.io/part-of': 'otel-tiers', ...p.labels },
      },
      spec: {
        selector: { matchLabels: { ...p.selector } },
        ...(namespace ? { namespaceSelector: { matchNames: [namespace] } } : {}),
        endpoints: [
          {
            port: p.port,
            path: p.path,
            interval: p.interval,
            relabelings: [
              {
                action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE,
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

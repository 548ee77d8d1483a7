import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ServiceMonitor,
  ServiceMonitorSpecEndpointsRelabelingsAction,
} from '../../../imports/lib/servicemonitor-monitoring.coreos.com';
import {
  type TelemetryMonitorProps,
  resolveTelemetryMonitorProps,
  telemetryMonitorParts,
} from './monitor-props';

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
    const parts = telemetryMonitorParts(p, namespace, ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE);
    this.resource = new ServiceMonitor(this, 'Resource', {
      metadata: parts.metadata,
      spec: { ...parts.selection, endpoints: [parts.endpoint] },
    });
  }
}

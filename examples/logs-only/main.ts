import { ApiObject, App, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
// A user's app imports the same names from 'otel-tiers'.
import { AgentTier, GatewayEndpoint, LogsSource, clusterScoped } from '../../constructs/src';

/** Props of `LogsOnlyStack`. */
export interface LogsOnlyStackProps extends ChartProps {
  /** @default 'logging' */
  readonly namespace?: string;
  /** OTLP/gRPC `host:port` of the log backend. @default 'logs-backend.logging-backend.svc.cluster.local:4317' */
  readonly backend?: string;
}

/**
 * The smallest stack: one agent per node, podtail tailing pod logs and the agent collector
 * sending them straight to one OTLP backend. No gateway, no metrics, no traces, no OTLP
 * receiver for apps: only the RBAC, mounts and ports podtail and the logs pipeline need.
 */
export class LogsOnlyStack extends Chart {
  readonly agent: AgentTier;

  constructor(scope: Construct, id: string, props: LogsOnlyStackProps = {}) {
    const namespace = props.namespace ?? 'logging';
    super(scope, id, { ...props, namespace });
    clusterScoped(
      new ApiObject(this, 'namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      }),
    );
    this.agent = new AgentTier(this, 'agent', {
      name: 'logs-agent',
      gateway: GatewayEndpoint.fromAddress(
        props.backend ?? 'logs-backend.logging-backend.svc.cluster.local:4317',
      ),
      logs: LogsSource.podtail(),
      hostMetrics: false,
      kubeletStats: false,
      nodeScrapes: false,
      otlp: false,
      controlPlane: true,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new LogsOnlyStack(app, 'logs-only');
  app.synth();
}

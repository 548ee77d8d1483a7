import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { AlertRules } from '../alerts/alert-rules';
import type { AlertRulesProps } from '../alerts/alert-props';
import { Backend } from '../backends/backend';
import type { ITierAddon } from '../model/tier-addon';
import type { Rendering } from '../model/rendering';
import { TierMonitors } from '../monitoring/tier-monitors';
import { LogsSource } from '../podtail/logs-source';
import { clusterScoped } from '../render/plain-renderer';
import { AgentTier } from '../tiers/agent-tier';
import { ClusterAgentTier } from '../tiers/cluster-agent-tier';
import { ClusterScrape } from '../tiers/cluster-scrape';
import { GatewayTier } from '../tiers/gateway-tier';
import { parseProps } from '../validation/prop-errors';
import { referenceStackPropsSchema } from './reference-stack-schema';

/** Props of `ReferenceStack`. */
export interface ReferenceStackProps extends ChartProps {
  /** Namespace of every tier; a Namespace object is created. @default 'monitoring' */
  readonly namespace?: string;
  /** Backends of the gateway. @default an OTLP/gRPC backend and an OTLP/HTTP backend with an API key from a Secret */
  readonly backends?: readonly Backend[];
  /** How the tiers are rendered. @default Rendering.plainWorkloads() */
  readonly rendering?: Rendering;
  /** More addons for every tier. @default [] */
  readonly addons?: readonly ITierAddon[];
  /**
   * The stack's alert rules (a `PrometheusRule`): `false` leaves them out, an object sets their
   * props. @default alert rules with their defaults
   */
  readonly alerts?: AlertRulesProps | false;
  /**
   * PodMonitors for the collectors, podtail and the Target Allocator (the `TierMonitors` addon),
   * so the alerts have series to evaluate. @default true
   */
  readonly monitors?: boolean;
}

/**
 * The reference architecture in one chart: agent DaemonSet (podtail for logs), gateway
 * StatefulSet with a Target Allocator scraping kube-state-metrics and the API servers,
 * cluster agent, all in one namespace.
 */
export class ReferenceStack extends Chart {
  readonly agent: AgentTier;
  readonly gateway: GatewayTier;
  readonly clusterAgent: ClusterAgentTier;
  /** The stack's alert rules, unless `alerts: false`. */
  readonly alerts?: AlertRules;

  constructor(scope: Construct, id: string, props: ReferenceStackProps = {}) {
    parseProps(`ReferenceStack '${id}'`, 'props', referenceStackPropsSchema, props);
    const namespace = props.namespace ?? 'monitoring';
    super(scope, id, { ...props, namespace });
    clusterScoped(
      new ApiObject(this, 'namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'otel-tiers' } },
      }),
    );
    const backends = props.backends ?? [
      Backend.otlp('primary', {
        endpoint: 'otel-backend.observability.svc.cluster.local:4317',
        insecure: true,
      }),
      Backend.otlpHttp('vendor', {
        endpoint: 'https://otlp.vendor.example.com',
        headersFromSecrets: { 'api-key': { secretName: 'vendor-otlp', key: 'api-key' } },
        // System namespaces stay in the cluster's own backend.
        when: 'resource.attributes["k8s.namespace.name"] != "kube-system"',
      }),
    ];
    const addons = [...(props.monitors === false ? [] : [new TierMonitors()]), ...(props.addons ?? [])];
    const common = { rendering: props.rendering, addons };
    this.gateway = new GatewayTier(this, 'gateway', {
      ...common,
      backends,
      clusterScrapes: [ClusterScrape.kubeStateMetrics(), ClusterScrape.apiserver()],
    });
    this.agent = new AgentTier(this, 'agent', {
      ...common,
      gateway: this.gateway,
      logs: LogsSource.podtail(),
      controlPlane: true,
    });
    this.clusterAgent = new ClusterAgentTier(this, 'cluster-agent', { ...common, gateway: this.gateway });
    if (props.alerts !== false) {
      this.alerts = new AlertRules(this, 'alerts', props.alerts ?? {});
    }
  }
}

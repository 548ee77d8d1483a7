import type { Construct } from 'constructs';
import { Exporters } from '../components/exporters';
import { Extensions } from '../components/extensions';
import { Processors } from '../components/processors';
import { Receivers } from '../components/receivers';
import { defaultPodtailImage, assertPinned } from '../images';
import type { KubeToleration } from '../model/kube-types';
import type { ServiceModel, TierKind, WorkloadMode } from '../model/workload';
import { LogsSource } from '../podtail/logs-source';
import { buildPodtailSidecar } from '../podtail/podtail-sidecar';
import { assertResources } from '../resources';
import { CollectorTier, type CollectorTierProps, type TierExtras } from './collector-tier';
import type { IGatewayEndpoint } from './gateway-ref';
import { agentTierPropsSchema } from './tier-props-schemas';

/** Node-local Prometheus scrapes, each kept to the agent's own node. */
export interface NodeScrapes {
  /** The kubelet's `/metrics` on this node. @default true */
  readonly kubelet?: boolean;
  /** cAdvisor (`/metrics/cadvisor`) on this node's kubelet. @default true */
  readonly cadvisor?: boolean;
  /**
   * node-exporter pods on this node, found by a label selector, scraped on `port`.
   * `false` turns it off. @default { labelSelector: 'app.kubernetes.io/name=prometheus-node-exporter', port: 9100 }
   */
  readonly nodeExporter?: false | { readonly labelSelector: string; readonly port?: number };
  /** Scrape interval. @default '30s' */
  readonly interval?: string;
}

/** Props of `AgentTier`. */
export interface AgentTierProps extends CollectorTierProps {
  /** Where the agent sends everything. */
  readonly gateway: IGatewayEndpoint;
  /** Use TLS to the gateway. @default false (in-cluster plain-text gRPC) */
  readonly gatewayTls?: boolean;
  /** Pod logs: podtail sidecar, upstream filelog, or none. @default LogsSource.podtail() */
  readonly logs?: LogsSource;
  /** Host metrics from `/hostfs`. @default true */
  readonly hostMetrics?: boolean;
  /** kubelet stats. @default true */
  readonly kubeletStats?: boolean;
  /** Node-local scrapes; `false` turns all off. @default kubelet, cAdvisor, node-exporter */
  readonly nodeScrapes?: NodeScrapes | false;
  /** An OTLP receiver for apps on the node (Service with internalTrafficPolicy Local). @default true */
  readonly otlp?: boolean;
  /** Run on control-plane nodes too (tolerates their NoSchedule taints). @default false */
  readonly controlPlane?: boolean;
}

const CONTROL_PLANE_TOLERATIONS: readonly KubeToleration[] = [
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
];

const NODE_FIELD_SELECTOR = 'spec.nodeName=${env:K8S_NODE_NAME}';
const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const SA_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/**
 * The node tier: a DaemonSet collecting pod logs (podtail sidecar or filelog), host metrics,
 * kubelet stats, node-local scrapes and OTLP from apps on the node, adding node identity,
 * and forwarding OTLP/gRPC to the gateway.
 */
export class AgentTier extends CollectorTier {
  readonly tierKind: TierKind = 'AgentTier';
  /** The id of the exporter to the gateway (`otlp_grpc/gateway`). */
  readonly gatewayExporterId: string;
  private readonly props: AgentTierProps;
  private readonly logs: LogsSource;

  constructor(scope: Construct, id: string, props: AgentTierProps) {
    super(scope, id, props, {
      kind: 'AgentTier',
      schema: agentTierPropsSchema,
      name: 'otel-agent',
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    });
    this.props = props;
    this.logs = props.logs ?? LogsSource.podtail();
    const c = this.config;

    c.addExtension(Extensions.healthCheck());
    const processors = [
      c.addProcessor(Processors.memoryLimiter()).id,
      c.addProcessor(Processors.k8sattributes({ passthrough: true })).id,
      c.addProcessor(Processors.resourcedetection({ detectors: ['env', 'k8snode'] })).id,
      c.addProcessor(Processors.batch()).id,
    ];
    const gw = c.addExporter(
      Exporters.otlp({
        name: 'gateway',
        endpoint: props.gateway.otlpGrpcEndpoint,
        insecure: !props.gatewayTls,
      }),
    );
    this.gatewayExporterId = gw.id;

    const logReceivers: string[] = [];
    const metricReceivers: string[] = [];
    const traceReceivers: string[] = [];
    // podtail sends OTLP/HTTP to localhost: it needs the otlp receiver even when apps do not.
    if (props.otlp !== false || this.logs.kind === 'podtail') {
      const otlp = c.addReceiver(Receivers.otlp());
      logReceivers.push(otlp.id);
      if (props.otlp !== false) {
        metricReceivers.push(otlp.id);
        traceReceivers.push(otlp.id);
      }
    }
    if (this.logs.kind === 'filelog') {
      const o = this.logs.filelogOptions ?? {};
      const storage = c.addExtension(
        Extensions.fileStorage({ name: 'checkpoints', directory: o.checkpointDir }),
      );
      logReceivers.push(
        c.addReceiver(
          Receivers.filelog({
            storage: storage.id,
            startAt: o.startAt,
            // The agent's own containers: never read our own output back.
            exclude: [`/var/log/pods/${this.namespace}_${this.tierName}-*/*/*.log`, ...(o.exclude ?? [])],
          }),
        ).id,
      );
    }
    if (props.hostMetrics !== false) metricReceivers.push(c.addReceiver(Receivers.hostmetrics()).id);
    if (props.kubeletStats !== false) metricReceivers.push(c.addReceiver(Receivers.kubeletstats()).id);
    if (props.nodeScrapes !== false) {
      const scrapes = nodeScrapeConfigs(props.nodeScrapes ?? {});
      if (scrapes.configs.length) {
        metricReceivers.push(
          c.addReceiver(
            Receivers.prometheus({
              name: 'node',
              scrapeConfigs: scrapes.configs,
              discoveryRules: scrapes.rules,
            }),
          ).id,
        );
      }
    }

    if (logReceivers.length)
      c.setPipeline('logs', { receivers: logReceivers, processors, exporters: [gw.id] });
    if (metricReceivers.length)
      c.setPipeline('metrics', { receivers: metricReceivers, processors, exporters: [gw.id] });
    if (traceReceivers.length)
      c.setPipeline('traces', { receivers: traceReceivers, processors, exporters: [gw.id] });
  }

  protected mode(): WorkloadMode {
    return 'daemonset';
  }

  protected extras(): TierExtras {
    const services = (ports: ServiceModel['ports']): ServiceModel[] =>
      ports.length && this.props.otlp !== false
        ? [{ name: this.tierName, internalTrafficPolicy: 'Local', ports }]
        : [];
    const tolerations = this.props.controlPlane ? CONTROL_PLANE_TOLERATIONS : [];
    if (this.logs.kind !== 'podtail') return { replicas: 1, services, tolerations };

    const o = this.logs.podtailOptions ?? {};
    const image = o.image ?? defaultPodtailImage();
    assertPinned(this.owner, 'logs: LogsSource.podtail({ image })', image);
    const resources = o.resources ?? {
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    };
    assertResources(this.owner, 'logs: LogsSource.podtail({ resources })', resources);
    const otlp = this.config.get('receiver', 'otlp');
    const http = otlp?.config.protocols as { http?: { endpoint?: string } } | undefined;
    const httpPort = Number(/:(\d+)$/.exec(http?.http?.endpoint ?? '')?.[1] ?? NaN);
    if (!Number.isFinite(httpPort)) {
      throw new Error(
        `${this.owner}: podtail sends OTLP/HTTP to the agent, but the otlp receiver has no http protocol; keep Receivers.otlp() with its http endpoint`,
      );
    }
    const configMapName = `${this.tierName}-podtail`;
    const sidecar = buildPodtailSidecar({
      owner: this.owner,
      configMapName,
      image,
      resources,
      collectorHttpPort: httpPort,
      settings: o.settings ?? {},
      containerd: o.containerd ?? true,
      containerdSocket: o.containerdSocket,
    });
    return {
      replicas: 1,
      services,
      tolerations,
      sidecars: [sidecar.container],
      volumes: sidecar.volumes,
      configMaps: [{ name: configMapName, data: { 'config.yaml': sidecar.configYaml } }],
      needs: [sidecar.needs],
      podtail: { metricsPort: sidecar.metricsPort, containerName: 'podtail' },
    };
  }
}

/** Scrape configs for the kubelet, cAdvisor and node-exporter on the agent's own node. */
export function nodeScrapeConfigs(s: NodeScrapes): {
  configs: Record<string, unknown>[];
  rules: { apiGroups?: string[]; resources?: string[]; verbs: string[] }[];
} {
  const interval = s.interval ?? '30s';
  const configs: Record<string, unknown>[] = [];
  const rules: { apiGroups?: string[]; resources?: string[]; verbs: string[] }[] = [];
  const kubeletJob = (job: string, path: string) => ({
    job_name: job,
    scrape_interval: interval,
    scheme: 'https',
    metrics_path: path,
    authorization: { credentials_file: SA_TOKEN },
    tls_config: { ca_file: SA_CA, insecure_skip_verify: true },
    static_configs: [{ targets: ['${env:K8S_NODE_IP}:10250'], labels: { node: '${env:K8S_NODE_NAME}' } }],
  });
  if (s.kubelet !== false) configs.push(kubeletJob('kubelet', '/metrics'));
  if (s.cadvisor !== false) configs.push(kubeletJob('cadvisor', '/metrics/cadvisor'));
  if (s.kubelet !== false || s.cadvisor !== false)
    rules.push({ apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] });
  const ne = s.nodeExporter ?? {
    labelSelector: 'app.kubernetes.io/name=prometheus-node-exporter',
    port: 9100,
  };
  if (ne !== false) {
    configs.push({
      job_name: 'node-exporter',
      scrape_interval: interval,
      kubernetes_sd_configs: [
        { role: 'pod', selectors: [{ role: 'pod', label: ne.labelSelector, field: NODE_FIELD_SELECTOR }] },
      ],
      relabel_configs: [
        {
          source_labels: ['__meta_kubernetes_pod_container_port_number'],
          regex: String(ne.port ?? 9100),
          action: 'keep',
        },
        { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
      ],
    });
    rules.push({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] });
  }
  return { configs, rules };
}

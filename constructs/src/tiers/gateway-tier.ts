import type { Construct } from 'constructs';
import type { Backend } from '../backends/backend';
import { Connectors } from '../components/connectors';
import { Extensions } from '../components/extensions';
import { Processors } from '../components/processors';
import { Receivers } from '../components/receivers';
import { assertPinned, TARGET_ALLOCATOR_IMAGE } from '../images';
import { CollectorComponent, type Signal, SIGNALS } from '../model/component';
import type { KubeResources } from '../model/kube-types';
import type { ServiceModel, TargetAllocatorModel, TierKind, WorkloadMode } from '../model/workload';
import { assertResources } from '../resources';
import type { ClusterScrape } from './cluster-scrape';
import { CollectorTier, type CollectorTierProps, type TierExtras } from './collector-tier';
import type { IGatewayEndpoint } from './gateway-ref';
import { mergeRules } from './rbac';
import { gatewayTierPropsSchema } from './tier-props-schemas';

/** Target Allocator settings. */
export interface TargetAllocatorProps {
  /** @default ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:0.158.0 */
  readonly image?: string;
  /** @default 1 */
  readonly replicas?: number;
  /** @default 'consistent-hashing' */
  readonly allocationStrategy?: 'consistent-hashing' | 'least-weighted' | 'per-node';
  /** Also discover ServiceMonitors and PodMonitors. @default false */
  readonly prometheusCR?: boolean;
  /** How often collectors ask for their targets. @default '30s' */
  readonly interval?: string;
  /** @default requests 50m / 128Mi, limits 500m / 512Mi */
  readonly resources?: KubeResources;
}

/** HPA settings. */
export interface GatewayAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** @default 70 */
  readonly targetCpuUtilization?: number;
  /** @default none */
  readonly targetMemoryUtilization?: number;
}

/** Props of `GatewayTier`. */
export interface GatewayTierProps extends CollectorTierProps {
  /** Where data goes: one or more backends, each with its own pipelines, queue and retry. */
  readonly backends: readonly Backend[];
  /** Cluster-wide scrapes, spread over replicas by a Target Allocator (makes the gateway a StatefulSet). @default [] */
  readonly clusterScrapes?: readonly ClusterScrape[];
  /** @default {} (defaults) when there are cluster scrapes */
  readonly targetAllocator?: TargetAllocatorProps;
  /**
   * Replicas when not autoscaled; only valid with `autoscaling: false` (with an HPA, set
   * `autoscaling.minReplicas` instead: giving both is an error). @default 2
   */
  readonly replicas?: number;
  /** HPA; `false` for a fixed replica count. @default { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70 } */
  readonly autoscaling?: GatewayAutoscaling | false;
  /**
   * PodDisruptionBudget `maxUnavailable`; `false` for none. `0` blocks every node drain and is
   * refused unless `allowBlockingDisruptionBudget` is set. @default 1
   */
  readonly maxUnavailable?: number | false;
  /** Accept `maxUnavailable: 0` (a budget that blocks drains until changed). @default false */
  readonly allowBlockingDisruptionBudget?: boolean;
  /** Signals the gateway accepts (pipelines are made for these, if a backend takes them). @default all three */
  readonly signals?: readonly Signal[];
}

/**
 * The cluster tier: receives OTLP from agents and apps, enriches with `k8s_attributes`
 * (pod association by k8s.pod.ip, k8s.pod.uid, connection), routes to each backend through
 * its own pipeline (routing connector when a backend has a condition, forward otherwise),
 * and runs cluster scrapes spread by the Target Allocator. A StatefulSet with a Target
 * Allocator when it scrapes, a Deployment otherwise; Service, HPA, PDB.
 */
export class GatewayTier extends CollectorTier implements IGatewayEndpoint {
  readonly tierKind: TierKind = 'GatewayTier';
  private readonly props: GatewayTierProps;
  private readonly scrapes: readonly ClusterScrape[];
  /** Ids of the ingest pipelines (`logs`, `metrics`, `traces`): add processors with `config.extendPipeline`. */
  readonly ingestPipelines: readonly string[];

  constructor(scope: Construct, id: string, props: GatewayTierProps) {
    super(scope, id, props, {
      kind: 'GatewayTier',
      schema: gatewayTierPropsSchema,
      name: 'otel-gateway',
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
    });
    this.props = props;
    this.scrapes = props.clusterScrapes ?? [];
    const names = props.backends.map((b) => b.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup)
      throw new Error(`${this.owner}: two backends are named '${dup}'; give each backend its own name`);
    const jobs = this.scrapes.map((s) => s.jobName);
    const dupJob = jobs.find((n, i) => jobs.indexOf(n) !== i);
    if (dupJob)
      throw new Error(
        `${this.owner}: two cluster scrapes have job_name '${dupJob}'; job names must be unique`,
      );

    const c = this.config;
    c.addExtension(Extensions.healthCheck());
    const otlp = c.addReceiver(Receivers.otlp()).id;
    const ml = c.addProcessor(Processors.memoryLimiter()).id;
    const k8s = c.addProcessor(Processors.k8sattributes()).id;
    const batch = c.addProcessor(Processors.batch()).id;
    let prom: string | undefined;
    if (this.scrapes.length) {
      prom = c.addReceiver(
        Receivers.prometheus({
          targetAllocator: {
            endpoint: `http://${this.targetAllocatorName}:80`,
            interval: props.targetAllocator?.interval ?? '30s',
          },
          discoveryRules: this.scrapes.flatMap((s) => [...s.scrapeRules]) as never,
        }),
      ).id;
    }
    const exporters = new Map<string, string>();
    for (const b of props.backends) exporters.set(b.name, c.addExporter(b.exporter()).id);

    const ingest: string[] = [];
    for (const signal of props.signals ?? SIGNALS) {
      const targets = props.backends.filter((b) => b.signals.includes(signal));
      if (targets.length === 0) continue;
      const per = (b: Backend) => `${signal}/${b.name}`;
      const conditional = targets.filter((b) => b.when);
      const catchAll = targets.filter((b) => !b.when).map(per);
      let connector: CollectorComponent;
      if (conditional.length) {
        connector = Connectors.routing({
          name: signal,
          signal,
          table: conditional.map((b) => ({
            context: 'resource',
            condition: b.when as string,
            pipelines: [per(b), ...catchAll],
          })),
          defaultPipelines: catchAll,
        });
      } else {
        connector = Connectors.forward({ name: signal, signals: [signal] });
      }
      c.addConnector(connector);
      const receivers = signal === 'metrics' && prom ? [otlp, prom] : [otlp];
      c.setPipeline(signal, { receivers, processors: [ml, k8s, batch], exporters: [connector.id] });
      ingest.push(signal);
      for (const b of targets) {
        c.setPipeline(per(b), {
          receivers: [connector.id],
          processors: [ml, batch],
          exporters: [exporters.get(b.name) as string],
        });
      }
    }
    this.ingestPipelines = ingest;
  }

  /** Name of the Target Allocator's objects. */
  get targetAllocatorName(): string {
    return `${this.tierName}-targetallocator`;
  }

  /** OTLP/gRPC address of the gateway Service, for agents. */
  get otlpGrpcEndpoint(): string {
    return `${this.tierName}.${this.namespace}.svc.cluster.local:4317`;
  }

  /** OTLP/HTTP base URL of the gateway Service. */
  get otlpHttpEndpoint(): string {
    return `http://${this.tierName}.${this.namespace}.svc.cluster.local:4318`;
  }

  protected mode(): WorkloadMode {
    return this.scrapes.length ? 'statefulset' : 'deployment';
  }

  protected extras(): TierExtras {
    const p = this.props;
    const statefulset = this.mode() === 'statefulset';
    const services = (ports: ServiceModel['ports']): ServiceModel[] => [
      { name: this.tierName, ports },
      ...(statefulset ? [{ name: `${this.tierName}-headless`, headless: true, ports }] : []),
    ];
    const autoscaling =
      p.autoscaling === false
        ? undefined
        : {
            minReplicas: p.autoscaling?.minReplicas ?? 2,
            maxReplicas: p.autoscaling?.maxReplicas ?? 6,
            targetCpuUtilization: p.autoscaling?.targetCpuUtilization ?? 70,
            targetMemoryUtilization: p.autoscaling?.targetMemoryUtilization,
          };
    let targetAllocator: TargetAllocatorModel | undefined;
    if (statefulset) {
      const ta = p.targetAllocator ?? {};
      const image = ta.image ?? TARGET_ALLOCATOR_IMAGE;
      assertPinned(this.owner, 'targetAllocator.image', image);
      const resources = ta.resources ?? {
        requests: { cpu: '50m', memory: '128Mi' },
        limits: { cpu: '500m', memory: '512Mi' },
      };
      assertResources(this.owner, 'targetAllocator.resources', resources);
      const owner = `${this.owner} Target Allocator`;
      const discovery = this.scrapes.flatMap((s) => [...s.discoveryRules]);
      const cr = ta.prometheusCR ?? false;
      targetAllocator = {
        name: this.targetAllocatorName,
        image,
        replicas: ta.replicas ?? 1,
        allocationStrategy: ta.allocationStrategy ?? 'consistent-hashing',
        filterStrategy: 'relabel-config',
        scrapeConfigs: this.scrapes.map((s) => s.scrapeConfig),
        collectorSelector: { ...this.selectorLabels },
        prometheusCR: cr,
        resources,
        port: 8080,
        identity: {
          serviceAccountName: this.targetAllocatorName,
          clusterRules: mergeRules(owner, [
            ...discovery,
            ...(cr
              ? [
                  {
                    apiGroups: ['monitoring.coreos.com'],
                    resources: ['servicemonitors', 'podmonitors'],
                    verbs: ['get', 'list', 'watch'],
                  },
                  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
                ]
              : []),
          ]),
          // It finds the collector pods it assigns targets to in its own namespace.
          namespaceRules: mergeRules(owner, [
            { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
          ]),
        },
      };
    }
    const maxUnavailable = p.maxUnavailable === false ? undefined : (p.maxUnavailable ?? 1);
    return {
      replicas: p.replicas ?? 2,
      services,
      autoscaling,
      disruptionBudget: maxUnavailable === undefined ? undefined : { maxUnavailable },
      targetAllocator,
    };
  }
}

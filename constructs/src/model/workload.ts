import type { CollectorConfig } from './collector-config';
import type {
  KubeContainer,
  KubeContainerPort,
  KubeEnvVar,
  KubePodSecurityContext,
  KubeProbe,
  KubeResources,
  KubeSecurityContext,
  KubeToleration,
  KubeVolume,
  KubeVolumeMount,
  PolicyRule,
} from './kube-types';

/** How a tier's collector pods are run. */
export type WorkloadMode = 'daemonset' | 'deployment' | 'statefulset';

/** The tier classes, for error messages and renderers that treat tiers differently. */
export type TierKind = 'AgentTier' | 'GatewayTier' | 'ClusterAgentTier';

/** A Service in front of the collector pods. */
export interface ServiceModel {
  /** Service name (the tier name, or `<tier>-headless`). */
  readonly name: string;
  /** `true` for a headless Service (`clusterIP: None`), e.g. for a StatefulSet. */
  readonly headless?: boolean;
  /** `Local` keeps node-local traffic on the node (agent Service). */
  readonly internalTrafficPolicy?: 'Cluster' | 'Local';
  readonly ports: ReadonlyArray<{
    readonly name: string;
    readonly port: number;
    readonly targetPort: number;
    readonly protocol?: 'TCP' | 'UDP';
  }>;
}

/** A ConfigMap the workload mounts (besides the collector config). */
export interface ConfigMapModel {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
}

/** ServiceAccount and the RBAC its pods need; no rule uses a wildcard. */
export interface IdentityModel {
  readonly serviceAccountName: string;
  /** Rules for a ClusterRole + ClusterRoleBinding (cluster-scoped, no namespace). */
  readonly clusterRules: readonly PolicyRule[];
  /** Rules for a Role + RoleBinding in the tier's namespace. */
  readonly namespaceRules: readonly PolicyRule[];
}

/** HorizontalPodAutoscaler settings (gateway). */
export interface AutoscalingModel {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilization: number;
  readonly targetMemoryUtilization?: number;
}

/** PodDisruptionBudget settings: exactly one of the two. */
export interface DisruptionBudgetModel {
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
}

/** The Prometheus Target Allocator beside a gateway StatefulSet. */
export interface TargetAllocatorModel {
  /** Name of its Deployment, Service, ConfigMap and ServiceAccount (`<tier>-targetallocator`). */
  readonly name: string;
  readonly image: string;
  readonly replicas: number;
  /** `consistent-hashing`, `per-node` or `least-weighted`. */
  readonly allocationStrategy: string;
  /** `relabel-config` (drop targets the relabel rules drop) or empty. */
  readonly filterStrategy: string;
  /** Prometheus `scrape_configs` it distributes. */
  readonly scrapeConfigs: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Pod labels of the collectors it assigns targets to. */
  readonly collectorSelector: Readonly<Record<string, string>>;
  /** Discover ServiceMonitors and PodMonitors too. */
  readonly prometheusCR: boolean;
  readonly resources: KubeResources;
  /** Its own ServiceAccount's rules (the operator leaves these to the user; we derive them). */
  readonly identity: IdentityModel;
  /** Port its HTTP API listens on (Service port 80 maps to it). */
  readonly port: number;
}

/** The collector container of a tier. */
export interface CollectorContainerModel {
  readonly image: string;
  readonly imagePullPolicy: 'Always' | 'IfNotPresent';
  /** The collector config; renderers call `toJson()` after validation. */
  readonly config: CollectorConfig;
  readonly env: readonly KubeEnvVar[];
  readonly ports: readonly KubeContainerPort[];
  readonly volumeMounts: readonly KubeVolumeMount[];
  readonly resources: KubeResources;
  readonly securityContext: KubeSecurityContext;
  readonly livenessProbe: KubeProbe;
  readonly readinessProbe: KubeProbe;
}

/**
 * A renderer-neutral description of one tier's collector workload: everything a renderer
 * needs to produce plain Kubernetes objects (DaemonSet/Deployment/StatefulSet, ConfigMaps,
 * Services, RBAC, HPA, PDB, Target Allocator) or an OpenTelemetry Operator
 * `OpenTelemetryCollector` (+ `TargetAllocator`) from the same model.
 *
 * Built by the tier in its constructor; a renderer reads it during synthesis, after
 * user changes and validation (see `Rendering`).
 */
export interface CollectorWorkloadModel {
  readonly tierKind: TierKind;
  /** Base name of every object of the tier. */
  readonly name: string;
  /** Namespace of the namespaced objects (undefined: the chart's). */
  readonly namespace?: string;
  readonly mode: WorkloadMode;
  /** Labels on every object and the pod template; `selectorLabels` select the pods. */
  readonly labels: Readonly<Record<string, string>>;
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** Replicas (deployment/statefulset), ignored for daemonsets and when `autoscaling` is set. */
  readonly replicas: number;
  readonly collector: CollectorContainerModel;
  /** Containers beside the collector (the podtail sidecar). */
  readonly sidecars: readonly KubeContainer[];
  /** Pod volumes: hostPaths, the ConfigMaps of the sidecars, emptyDirs. Not the collector config's own volume. */
  readonly volumes: readonly KubeVolume[];
  /** ConfigMaps besides the collector config (podtail's). */
  readonly configMaps: readonly ConfigMapModel[];
  readonly services: readonly ServiceModel[];
  readonly identity: IdentityModel;
  readonly podSecurityContext: KubePodSecurityContext;
  readonly tolerations: readonly KubeToleration[];
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly priorityClassName?: string;
  readonly terminationGracePeriodSeconds: number;
  readonly autoscaling?: AutoscalingModel;
  readonly disruptionBudget?: DisruptionBudgetModel;
  readonly targetAllocator?: TargetAllocatorModel;
  /** Pod annotations (e.g. a checksum of the config, so pods roll on change). */
  readonly podAnnotations: Readonly<Record<string, string>>;
}

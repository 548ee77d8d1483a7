import { createHash } from 'node:crypto';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { z } from 'zod';
import { assertPinned, COLLECTOR_IMAGE } from '../images';
import { CollectorConfig } from '../model/collector-config';
import type { ComponentNeeds } from '../model/component';
import type {
  KubeContainer,
  KubeContainerPort,
  KubeEnvVar,
  KubeResources,
  KubeSecurityContext,
  KubeToleration,
  KubeVolume,
  KubeVolumeMount,
  PolicyRule,
} from '../model/kube-types';
import { Rendering } from '../model/rendering';
import { hostReaderSecurityContext, nonRootSecurityContext } from '../model/security-context';
import type { ITierAddon, TierInfo } from '../model/tier-addon';
import type {
  AutoscalingModel,
  ConfigMapModel,
  CollectorWorkloadModel,
  DisruptionBudgetModel,
  ServiceModel,
  TargetAllocatorModel,
  TierKind,
  WorkloadMode,
} from '../model/workload';
import { assertResources, goMemLimit } from '../resources';
import { parseProps } from '../validation/prop-errors';
import { mergeRules } from './rbac';

/** Props every tier takes. */
export interface CollectorTierProps {
  /** Base name of the tier's objects. @default the tier's default (`otel-agent`, `otel-gateway`, `otel-cluster-agent`) */
  readonly name?: string;
  /** Namespace of the namespaced objects. @default the chart's namespace (one of the two is required) */
  readonly namespace?: string;
  /** Collector image, pinned by tag or digest. @default otel/opentelemetry-collector-contrib:0.158.0 */
  readonly image?: string;
  /** Collector container resources; `limits.memory` is required and drives GOMEMLIMIT. @default per tier */
  readonly resources?: KubeResources;
  /** How the tier is rendered. @default Rendering.plainWorkloads() */
  readonly rendering?: Rendering;
  /** Hooks run at synth with the final model (alert rules, monitors). @default [] */
  readonly addons?: readonly ITierAddon[];
  /** Extra tolerations. @default [] */
  readonly tolerations?: readonly KubeToleration[];
  /** Node selector. @default {} */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** PriorityClass of the pods. @default none */
  readonly priorityClassName?: string;
  /** Extra labels on every object. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** The collector's own log level. @default 'info' */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** What a tier subclass adds to the common model. */
export interface TierExtras {
  readonly replicas: number;
  readonly sidecars?: readonly KubeContainer[];
  readonly volumes?: readonly KubeVolume[];
  readonly configMaps?: readonly ConfigMapModel[];
  /** Needs beyond the components' (e.g. the podtail sidecar's RBAC). */
  readonly needs?: readonly ComponentNeeds[];
  readonly services: (ports: ServiceModel['ports']) => ServiceModel[];
  readonly tolerations?: readonly KubeToleration[];
  readonly autoscaling?: AutoscalingModel;
  readonly disruptionBudget?: DisruptionBudgetModel;
  readonly targetAllocator?: TargetAllocatorModel;
  readonly podtail?: TierInfo['podtail'];
}

const FIELD_ENV: readonly KubeEnvVar[] = [
  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  { name: 'K8S_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
];

/** The collector's uid in the contrib image. */
export const COLLECTOR_UID = 10001;

/**
 * Base of the three tiers: a collector config open to the user (`tier.config`), validated
 * and rendered at synth. Subclasses fill the config in their constructor and describe the
 * rest of their workload in `extras()`.
 */
export abstract class CollectorTier extends Construct implements TierInfo {
  abstract readonly tierKind: TierKind;
  /** The collector config; change it freely until synth (`addExporter`, `override`, `setPipeline`...). */
  readonly config = new CollectorConfig();
  readonly tierName: string;
  readonly namespace: string;
  protected readonly image: string;
  protected readonly resources: KubeResources;
  private readonly rendering?: Rendering;
  private readonly addons: ITierAddon[];
  protected readonly baseProps: CollectorTierProps;
  private built?: CollectorWorkloadModel;
  private podtailInfo?: TierInfo['podtail'];

  protected constructor(
    scope: Construct,
    id: string,
    props: CollectorTierProps,
    defaults: { kind: TierKind; name: string; resources: KubeResources; schema: z.ZodType },
  ) {
    super(scope, id);
    // Strict validation of every prop, once: TypeScript catches most of these at compile time,
    // this catches JavaScript callers and values computed at run time.
    parseProps(`${defaults.kind} '${id}'`, 'props', defaults.schema, props);
    this.baseProps = props;
    this.tierName = props.name ?? defaults.name;
    if (!/^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/.test(this.tierName)) {
      throw new Error(
        `tier name '${this.tierName}' is not valid; use at most 42 lowercase letters, digits and '-' (objects get suffixes)`,
      );
    }
    const ns = props.namespace ?? Chart.of(this).namespace;
    if (!ns) {
      throw new Error(
        `tier '${this.tierName}' has no namespace; set the namespace prop or the chart's namespace (e.g. new Chart(app, 'x', { namespace: 'monitoring' }))`,
      );
    }
    this.namespace = ns;
    this.image = props.image ?? COLLECTOR_IMAGE;
    this.resources = props.resources ?? defaults.resources;
    this.rendering = props.rendering;
    this.addons = [...(props.addons ?? [])];
    if (props.logLevel) this.config.setLogLevel(props.logLevel);
    this.node.addValidation({ validate: () => this.synthesize() });
  }

  /** `GatewayTier 'otel-gateway'`: how messages name this tier. */
  get owner(): string {
    return `${this.tierKind} '${this.tierName}'`;
  }

  /** Adds a hook run at synth with the final model. */
  addAddon(addon: ITierAddon): void {
    if (this.built)
      throw new Error(`${this.owner}: addAddon('${addon.name}') after synth; add addons before synthesis`);
    this.addons.push(addon);
  }

  /** The final model (built, validated and rendered on first access or at synth). */
  get model(): CollectorWorkloadModel {
    if (!this.built) {
      const errors = this.synthesize();
      if (errors.length) throw new Error(errors.join('\n'));
    }
    return this.built as CollectorWorkloadModel;
  }

  get podtail(): TierInfo['podtail'] {
    return this.podtailInfo;
  }

  /** Subclass hook: the parts of the model specific to the tier, computed at synth. */
  protected abstract extras(): TierExtras;
  /** Subclass hook: the workload kind, decided at synth. */
  protected abstract mode(): WorkloadMode;
  /** Subclass hook: extra validation at synth. */
  protected validateTier(): string[] {
    return [];
  }

  /** Labels that select this tier's pods. */
  get selectorLabels(): Record<string, string> {
    return {
      'app.kubernetes.io/name': this.tierName,
      'app.kubernetes.io/component': this.tierKind.replace(/Tier$/, '').toLowerCase(),
    };
  }

  private synthesize(): string[] {
    if (this.built) return [];
    const errors = [...this.config.validate(this.owner), ...this.validateTier()];
    if (errors.length) return errors;
    const model = this.buildModel();
    this.built = model;
    (this.rendering ?? Rendering.plainWorkloads()).renderer.render(this, model);
    for (const addon of this.addons) addon.apply(new Construct(this, `addon-${addon.name}`), this);
    return [];
  }

  private buildModel(): CollectorWorkloadModel {
    assertPinned(this.owner, 'image', this.image);
    assertResources(this.owner, 'resources', this.resources);
    const extras = this.extras();
    this.podtailInfo = extras.podtail;
    const comps = this.config.list();
    const needs: ComponentNeeds[] = [...comps.map((c) => c.needs), ...(extras.needs ?? [])];

    // Host mounts of the collector container, merged by volume name.
    const hostMounts = new Map<string, NonNullable<ComponentNeeds['hostMounts']>[number]>();
    for (const c of comps) {
      for (const m of c.needs.hostMounts ?? []) {
        const prev = hostMounts.get(m.name);
        if (prev && (prev.hostPath !== m.hostPath || prev.mountPath !== m.mountPath)) {
          throw new Error(
            `${this.owner}: ${c.kind} '${c.id}' mounts volume '${m.name}' as ${m.hostPath} -> ${m.mountPath}, but another component mounts it as ${prev.hostPath} -> ${prev.mountPath}; give one of them another name`,
          );
        }
        hostMounts.set(
          m.name,
          prev ? { ...m, readOnly: (prev.readOnly ?? true) && (m.readOnly ?? true) } : m,
        );
      }
    }
    const sidecarVolumes = extras.volumes ?? [];
    const volumes: KubeVolume[] = [...sidecarVolumes];
    const mounts: KubeVolumeMount[] = [{ name: 'collector-config', mountPath: '/conf', readOnly: true }];
    for (const m of hostMounts.values()) {
      if (!volumes.some((v) => v.name === m.name)) {
        volumes.push({ name: m.name, hostPath: { path: m.hostPath, ...(m.type ? { type: m.type } : {}) } });
      }
      mounts.push({
        name: m.name,
        mountPath: m.mountPath,
        readOnly: m.readOnly ?? true,
        ...(m.mountPropagation ? { mountPropagation: m.mountPropagation } : {}),
      });
    }
    for (const n of needs) {
      for (const v of n.volumes ?? []) if (!volumes.some((x) => x.name === v.name)) volumes.push(v);
      for (const m of n.volumeMounts ?? []) mounts.push(m);
    }

    // Env: identity from the downward API, GOMEMLIMIT, then what components ask for.
    const env = new Map<string, KubeEnvVar>();
    for (const e of FIELD_ENV) env.set(e.name, e);
    env.set('GOMEMLIMIT', { name: 'GOMEMLIMIT', value: goMemLimit(this.resources.limits?.memory as string) });
    for (const n of comps.map((c) => c.needs)) for (const e of n.env ?? []) env.set(e.name, e);

    const ports = this.config.ports();
    const containerPorts: KubeContainerPort[] = ports.map((p) => ({
      name: p.name,
      containerPort: p.port,
      protocol: p.protocol ?? 'TCP',
    }));
    const names = new Set<string>();
    for (const p of containerPorts) {
      if (names.has(p.name)) {
        throw new Error(
          `${this.owner}: two ports are named '${p.name}'; give the receivers distinct names or endpoints`,
        );
      }
      names.add(p.name);
    }
    const servicePorts = ports
      .filter((p) => p.expose)
      .map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: p.protocol ?? 'TCP' }));

    const hc = this.config.healthCheck();
    if (!hc) throw new Error(`${this.owner}: no health_check extension; add Extensions.healthCheck()`);
    const readsRoot = comps.some((c) => c.needs.readsRootOwnedFiles);
    const writesHost = [...hostMounts.values()].some((m) => m.readOnly === false);
    // Root-owned log files or hostPath state: uid 0 with every capability dropped but what reading needs.
    const securityContext: KubeSecurityContext =
      readsRoot || writesHost ? hostReaderSecurityContext(readsRoot) : nonRootSecurityContext(COLLECTOR_UID);

    const clusterRules: PolicyRule[] = mergeRules(
      this.owner,
      needs.flatMap((n) => n.clusterRules ?? []),
    );
    const namespaceRules: PolicyRule[] = mergeRules(
      this.owner,
      needs.flatMap((n) => n.namespaceRules ?? []),
    );
    const configYaml = stringify(this.config.toJson(), { lineWidth: 0 });
    const labels = {
      ...(this.baseProps.labels ?? {}),
      ...this.selectorLabels,
      'app.kubernetes.io/part-of': 'otel-tiers',
      'app.kubernetes.io/managed-by': 'cdk8s',
    };
    const podAnnotations: Record<string, string> = {
      'otel-tiers.io/config-checksum': createHash('sha256')
        .update(configYaml)
        .update(JSON.stringify(extras.configMaps ?? []))
        .digest('hex')
        .slice(0, 16),
    };
    return {
      tierKind: this.tierKind,
      name: this.tierName,
      namespace: this.namespace,
      mode: this.mode(),
      labels,
      selectorLabels: this.selectorLabels,
      replicas: extras.replicas,
      collector: {
        image: this.image,
        imagePullPolicy: 'IfNotPresent',
        config: this.config,
        env: [...env.values()],
        ports: containerPorts,
        volumeMounts: mounts,
        resources: this.resources,
        securityContext,
        livenessProbe: {
          httpGet: { path: hc.path, port: hc.port },
          initialDelaySeconds: 5,
          periodSeconds: 10,
          timeoutSeconds: 2,
          failureThreshold: 3,
        },
        readinessProbe: {
          httpGet: { path: hc.path, port: hc.port },
          periodSeconds: 5,
          timeoutSeconds: 2,
          failureThreshold: 3,
        },
      },
      sidecars: extras.sidecars ?? [],
      volumes,
      configMaps: extras.configMaps ?? [],
      services: extras.services(servicePorts),
      identity: { serviceAccountName: this.tierName, clusterRules, namespaceRules },
      podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      tolerations: [...(extras.tolerations ?? []), ...(this.baseProps.tolerations ?? [])],
      nodeSelector: { 'kubernetes.io/os': 'linux', ...(this.baseProps.nodeSelector ?? {}) },
      priorityClassName: this.baseProps.priorityClassName,
      terminationGracePeriodSeconds: 30,
      autoscaling: extras.autoscaling,
      disruptionBudget: extras.disruptionBudget,
      targetAllocator: extras.targetAllocator,
      podAnnotations,
    };
  }
}

import type { CollectorWorkloadModel, KubeContainer, KubeProbe } from '../model';
import { nonRootSecurityContext, TARGET_ALLOCATOR_UID } from '../model/security-context';
import type { ResolvedOperatorRenderingProps } from './operator-rendering-props';

/** JSON of an `OpenTelemetryCollector` (opentelemetry.io/v1beta1) `spec`, as the CRD spells it. */
export type OperatorCollectorSpec = Record<string, unknown>;

const PROMETHEUS_RECEIVER = /^prometheus(\/|$)/;

/**
 * Name of the collector config volume the tiers mount at `/conf` (the plain renderer adds the
 * volume). The operator mounts its own config volume there, so this mount is left out.
 */
export const MODEL_CONFIG_VOLUME = 'collector-config';

/**
 * Security settings of the Target Allocator container and pod (the model carries none for
 * it): the same non-root, read-only, no-capability profile the plain renderer gives it.
 */
export const TARGET_ALLOCATOR_SECURITY_CONTEXT = nonRootSecurityContext(TARGET_ALLOCATOR_UID);
export const TARGET_ALLOCATOR_POD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

/** Probe timings only: the operator derives the handler from the health_check extension. */
function probeTimings(probe: KubeProbe): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const key of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const) {
    const v = probe[key];
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The collector config for the operator. With a Target Allocator the operator rewrites the
 * `prometheus` receivers itself: they carry the scrape configs the allocator distributes and no
 * `target_allocator` endpoint (the operator sets it to its own allocator Service).
 */
export function operatorCollectorConfig(model: CollectorWorkloadModel): Record<string, unknown> {
  const config = clone(model.collector.config.toJson());
  const ta = model.targetAllocator;
  if (!ta) return config;
  const receivers = (config.receivers ?? {}) as Record<string, Record<string, unknown>>;
  for (const [id, receiver] of Object.entries(receivers)) {
    if (!PROMETHEUS_RECEIVER.test(id) || !receiver || !('target_allocator' in receiver)) continue;
    delete receiver.target_allocator;
    receiver.config = { scrape_configs: clone(ta.scrapeConfigs) };
  }
  return config;
}

function container(c: KubeContainer): Record<string, unknown> {
  return clone(c) as unknown as Record<string, unknown>;
}

/** Drops `undefined` and empty arrays/objects so the resource stays minimal and reviewable. */
function compact(spec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(spec).filter(([, v]) => {
      if (v === undefined) return false;
      if (Array.isArray(v)) return v.length > 0;
      if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
      return true;
    }),
  );
}

/** The `spec` of the tier's `OpenTelemetryCollector`, from its workload model. */
export function operatorCollectorSpec(
  model: CollectorWorkloadModel,
  props: ResolvedOperatorRenderingProps,
): OperatorCollectorSpec {
  const c = model.collector;
  const volumeNames = new Set(model.volumes.map((v) => v.name));
  const collectorMounts = c.volumeMounts.filter(
    (m) => !(m.name === MODEL_CONFIG_VOLUME && !volumeNames.has(m.name)),
  );
  for (const m of [...collectorMounts, ...model.sidecars.flatMap((s) => s.volumeMounts ?? [])]) {
    if (!volumeNames.has(m.name)) {
      throw new Error(
        `${model.tierKind} '${model.name}': volumeMount '${m.name}' at ${m.mountPath} has no volume in the model; ` +
          'the operator mounts the collector config itself, so add the volume to the model or remove the mount',
      );
    }
  }
  const ta = model.targetAllocator;
  if (ta && model.mode === 'deployment') {
    throw new Error(
      `${model.tierKind} '${model.name}': the OpenTelemetry Operator runs a Target Allocator only for mode ` +
        `statefulset or daemonset, not '${model.mode}'; use a StatefulSet gateway or disable the Target Allocator`,
    );
  }
  const scaled = model.mode !== 'daemonset';
  return compact({
    mode: model.mode,
    managementState: props.managementState,
    upgradeStrategy: props.upgradeStrategy,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    replicas: scaled && !model.autoscaling ? model.replicas : undefined,
    autoscaler:
      scaled && model.autoscaling
        ? compact({
            minReplicas: model.autoscaling.minReplicas,
            maxReplicas: model.autoscaling.maxReplicas,
            targetCPUUtilization: model.autoscaling.targetCpuUtilization,
            targetMemoryUtilization: model.autoscaling.targetMemoryUtilization,
          })
        : undefined,
    podDisruptionBudget:
      scaled && model.disruptionBudget ? compact({ ...model.disruptionBudget }) : undefined,
    serviceAccount: model.identity.serviceAccountName,
    config: operatorCollectorConfig(model),
    env: clone(c.env),
    volumes: clone(model.volumes),
    volumeMounts: clone(collectorMounts),
    resources: clone(c.resources),
    securityContext: clone(c.securityContext),
    podSecurityContext: clone(model.podSecurityContext),
    tolerations: clone(model.tolerations),
    nodeSelector: { ...model.nodeSelector },
    priorityClassName: model.priorityClassName,
    terminationGracePeriodSeconds: model.terminationGracePeriodSeconds,
    podAnnotations: { ...model.podAnnotations },
    livenessProbe: probeTimings(c.livenessProbe),
    readinessProbe: probeTimings(c.readinessProbe),
    additionalContainers: model.sidecars.map(container),
    targetAllocator: ta
      ? compact({
          enabled: true,
          image: ta.image,
          replicas: ta.replicas,
          allocationStrategy: ta.allocationStrategy,
          filterStrategy: ta.filterStrategy || undefined,
          serviceAccount: ta.identity.serviceAccountName,
          resources: clone(ta.resources),
          securityContext: clone(TARGET_ALLOCATOR_SECURITY_CONTEXT),
          podSecurityContext: clone(TARGET_ALLOCATOR_POD_SECURITY_CONTEXT),
          prometheusCR: { enabled: ta.prometheusCR },
          tolerations: clone(model.tolerations),
          nodeSelector: { ...model.nodeSelector },
        })
      : undefined,
  });
}

import { asArray, asObject, at, isObject, type JsonObject, type Resource } from './resource';

/** A container of a workload, with the path of its fields in the manifest. */
export interface ContainerRef {
  readonly name: string;
  readonly object: JsonObject;
  /** Path of the container object, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  readonly init: boolean;
}

/** A hostPath volume and the containers that mount it. */
export interface HostPathVolume {
  readonly volumeName: string;
  /** The host path, normalised (no trailing slash). */
  readonly hostPath: string;
  readonly path: string;
}

/** Anything that runs pods: built-in workloads and the OpenTelemetry Operator's resources. */
export interface Workload {
  readonly resource: Resource;
  /** The pod spec (for operator resources: a view assembled from their spec). */
  readonly podSpec: JsonObject;
  /** Path of the pod-level fields (`hostNetwork`, `volumes`, ...). */
  readonly podPath: string;
  /** Path of the pod security context. */
  readonly podSecurityContextPath: string;
  readonly podSecurityContext: JsonObject;
  readonly containers: readonly ContainerRef[];
  /** How many pods at most: a DaemonSet (or daemonset-mode collector) is `Infinity`. */
  readonly maxReplicas: number;
  /** Whether this is an OpenTelemetryCollector / TargetAllocator resource. */
  readonly operator: boolean;
}

const TEMPLATE_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'ReplicationController',
]);

export function normaliseHostPath(p: string): string {
  const collapsed = p.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

function containersAt(podSpec: JsonObject, podPath: string): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const [field, init] of [
    ['initContainers', true],
    ['containers', false],
    ['ephemeralContainers', false],
  ] as const) {
    asArray(podSpec[field]).forEach((c, i) => {
      if (isObject(c))
        out.push({ name: String(c.name ?? `#${i}`), object: c, path: `${podPath}.${field}[${i}]`, init });
    });
  }
  return out;
}

function plainWorkload(r: Resource, podPath: string, maxReplicas: number): Workload | undefined {
  const podSpec = at(r.object, ...podPath.split('.'));
  if (!isObject(podSpec)) return undefined;
  return {
    resource: r,
    podSpec,
    podPath,
    podSecurityContextPath: `${podPath}.securityContext`,
    podSecurityContext: asObject(podSpec.securityContext),
    containers: containersAt(podSpec, podPath),
    maxReplicas,
    operator: false,
  };
}

/** OpenTelemetryCollector (v1alpha1/v1beta1) and TargetAllocator: one main container described by `spec`. */
function operatorWorkload(r: Resource): Workload {
  const spec = asObject(at(r.object, 'spec'));
  const main: JsonObject = {
    name: r.kind === 'TargetAllocator' ? 'ta-container' : 'otc-container',
    ...(spec.image !== undefined ? { image: spec.image } : {}),
    ...(spec.securityContext !== undefined ? { securityContext: spec.securityContext } : {}),
    ...(spec.volumeMounts !== undefined ? { volumeMounts: spec.volumeMounts } : {}),
    ...(spec.env !== undefined ? { env: spec.env } : {}),
    ...(spec.resources !== undefined ? { resources: spec.resources } : {}),
  };
  const containers: ContainerRef[] = [{ name: String(main.name), object: main, path: 'spec', init: false }];
  for (const [field, init] of [
    ['initContainers', true],
    ['additionalContainers', false],
  ] as const) {
    asArray(spec[field]).forEach((c, i) => {
      if (isObject(c))
        containers.push({ name: String(c.name ?? `#${i}`), object: c, path: `spec.${field}[${i}]`, init });
    });
  }
  const ta = asObject(spec.targetAllocator);
  if (r.kind === 'OpenTelemetryCollector' && ta.enabled === true) {
    const taMain: JsonObject = { name: 'targetallocator' };
    for (const k of ['image', 'securityContext', 'env', 'resources', 'volumeMounts'])
      if (ta[k] !== undefined) taMain[k] = ta[k];
    containers.push({ name: 'targetallocator', object: taMain, path: 'spec.targetAllocator', init: false });
  }
  const mode = typeof spec.mode === 'string' ? spec.mode : 'deployment';
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const maxAuto = at(spec, 'autoscaler', 'maxReplicas');
  const maxReplicas =
    mode === 'daemonset'
      ? Infinity
      : mode === 'sidecar'
        ? Infinity
        : Math.max(replicas, typeof maxAuto === 'number' ? maxAuto : 0);
  const podSpec: JsonObject = { containers: containers.map((c) => c.object) };
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC', 'volumes', 'serviceAccount', 'serviceAccountName']) {
    if (spec[k] !== undefined) podSpec[k] = spec[k];
  }
  return {
    resource: r,
    podSpec,
    podPath: 'spec',
    podSecurityContextPath: 'spec.podSecurityContext',
    podSecurityContext: asObject(spec.podSecurityContext),
    containers,
    maxReplicas,
    operator: true,
  };
}

/** The workload view of a resource, or undefined when it runs no pods. */
export function toWorkload(r: Resource): Workload | undefined {
  const replicas = at(r.object, 'spec', 'replicas');
  if (r.kind === 'Pod') return plainWorkload(r, 'spec', 1);
  if (r.kind === 'CronJob') return plainWorkload(r, 'spec.jobTemplate.spec.template.spec', 1);
  if (TEMPLATE_KINDS.has(r.kind)) {
    let max = 1;
    if (r.kind === 'DaemonSet') max = Infinity;
    else if (r.kind === 'Job')
      max =
        typeof at(r.object, 'spec', 'parallelism') === 'number'
          ? (at(r.object, 'spec', 'parallelism') as number)
          : 1;
    else if (typeof replicas === 'number') max = replicas;
    return plainWorkload(r, 'spec.template.spec', max);
  }
  if (
    (r.kind === 'OpenTelemetryCollector' || r.kind === 'TargetAllocator') &&
    r.apiVersion.startsWith('opentelemetry.io/')
  ) {
    return operatorWorkload(r);
  }
  return undefined;
}

/** The hostPath volumes of a workload. */
export function hostPathVolumes(w: Workload): HostPathVolume[] {
  const out: HostPathVolume[] = [];
  asArray(w.podSpec.volumes).forEach((v, i) => {
    const p = at(v, 'hostPath', 'path');
    if (isObject(v) && typeof p === 'string') {
      out.push({
        volumeName: String(v.name ?? ''),
        hostPath: normaliseHostPath(p),
        path: `${w.podPath}.volumes[${i}].hostPath.path`,
      });
    }
  });
  return out;
}

/** A container's mounts of a hostPath volume. */
export interface HostPathMount {
  readonly container: ContainerRef;
  readonly volume: HostPathVolume;
  readonly readOnly: boolean;
  readonly mountPath: string;
  readonly path: string;
}

export function hostPathMounts(w: Workload): HostPathMount[] {
  const volumes = new Map(hostPathVolumes(w).map((v) => [v.volumeName, v]));
  const out: HostPathMount[] = [];
  for (const c of w.containers) {
    asArray(c.object.volumeMounts).forEach((m, i) => {
      if (!isObject(m)) return;
      const volume = volumes.get(String(m.name));
      if (!volume) return;
      out.push({
        container: c,
        volume,
        readOnly: m.readOnly === true,
        mountPath: String(m.mountPath ?? ''),
        path: `${c.path}.volumeMounts[${i}]`,
      });
    });
  }
  return out;
}

/** The effective value of a security-context field: the container's, else the pod's. */
export function effectiveSecurity(
  w: Workload,
  c: ContainerRef,
  field: 'runAsUser' | 'runAsNonRoot',
): unknown {
  const own = at(c.object, 'securityContext', field);
  return own !== undefined ? own : w.podSecurityContext[field];
}

/** Whether a container runs as root (uid 0), or may (no uid and no runAsNonRoot: the image decides). */
export function runsAsRoot(w: Workload, c: ContainerRef): boolean {
  const uid = effectiveSecurity(w, c, 'runAsUser');
  if (uid === 0) return true;
  if (typeof uid === 'number') return false;
  return effectiveSecurity(w, c, 'runAsNonRoot') !== true;
}

import type { KubeEnvVar, KubeVolume, KubeVolumeMount, PolicyRule } from './kube-types';

/** A telemetry signal, as named in collector pipeline ids (`logs`, `logs/backend-a`). */
export type Signal = 'logs' | 'metrics' | 'traces';
export const SIGNALS: readonly Signal[] = ['logs', 'metrics', 'traces'];

/** The five sections of a collector config. */
export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'connector' | 'extension';

/** A port a component listens on (receivers: exposed by the tier's Services). */
export interface ComponentPort {
  /** IANA-style port name, at most 15 characters, lowercase alphanumerics and '-'. */
  readonly name: string;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
  /** `false` for ports that must not be published by a Service (health, telemetry). */
  readonly expose?: boolean;
}

/** A hostPath a component needs, mounted into the collector container. */
export interface HostMount {
  /** Volume name (unique per pod; identical mounts from two components are merged). */
  readonly name: string;
  readonly hostPath: string;
  readonly mountPath: string;
  /** hostPath type; state directories are `DirectoryOrCreate`. */
  readonly type?: 'Directory' | 'DirectoryOrCreate' | 'File' | 'Socket';
  /** Read-only unless a state directory. @default true */
  readonly readOnly?: boolean;
  readonly mountPropagation?: 'None' | 'HostToContainer';
}

/**
 * What a component needs from the workload it runs in: the tier merges these into the pod,
 * the ServiceAccount's rules and the Services. Nothing is granted that no component asks for.
 */
export interface ComponentNeeds {
  /** Cluster-scoped RBAC rules (ClusterRole). */
  readonly clusterRules?: readonly PolicyRule[];
  /** Rules in the tier's own namespace (Role), e.g. leases for leader election. */
  readonly namespaceRules?: readonly PolicyRule[];
  readonly hostMounts?: readonly HostMount[];
  readonly env?: readonly KubeEnvVar[];
  /** Extra volumes and mounts for the collector container (Secrets, emptyDirs). */
  readonly volumes?: readonly KubeVolume[];
  readonly volumeMounts?: readonly KubeVolumeMount[];
  /** The component reads container log files owned by root: the collector runs as uid 0 with DAC_READ_SEARCH. */
  readonly readsRootOwnedFiles?: boolean;
}

/** A signal pair a connector joins: it exports from a `from` pipeline and receives into a `to` pipeline. */
export interface ConnectorPair {
  readonly from: Signal;
  readonly to: Signal;
}

/** Properties of one collector component, as built by the typed builders or by hand. */
export interface CollectorComponentProps {
  readonly kind: ComponentKind;
  /** Upstream component type, e.g. `otlp`, `k8sattributes`, `otlp_http`. */
  readonly type: string;
  /** Instance name: the part after `/` in `otlp_http/backend-a`. */
  readonly name?: string;
  /** The component's config block, keys exactly as the collector expects them. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Signals the component supports (receivers, processors, exporters). @default all three */
  readonly signals?: readonly Signal[];
  /** For connectors: the signal pairs it joins. @default same signal on both sides, for each of `signals` */
  readonly connects?: readonly ConnectorPair[];
  /** What the workload must provide for this component. */
  readonly needs?: ComponentNeeds;
  /** Ports this component listens on; default: derived from `endpoint` keys in the config (receivers). */
  readonly ports?: readonly ComponentPort[];
}

const ID_PART = /^[a-z][a-z0-9_]*$/;
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9_.\-/]*$/;

/**
 * One collector component: its id (`type[/name]`), config, supported signals and what it needs
 * from the workload. Immutable: `withConfig()` returns a copy with a merged config.
 */
export class CollectorComponent {
  readonly kind: ComponentKind;
  readonly type: string;
  readonly name?: string;
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly signals: readonly Signal[];
  readonly connects: readonly ConnectorPair[];
  readonly needs: ComponentNeeds;
  private readonly explicitPorts?: readonly ComponentPort[];

  constructor(props: CollectorComponentProps) {
    if (!ID_PART.test(props.type)) {
      throw new Error(
        `collector ${props.kind} type '${props.type}' is not a valid component type: use lowercase letters, digits and '_' (e.g. 'otlp_http')`,
      );
    }
    if (props.name !== undefined && !NAME_PART.test(props.name)) {
      throw new Error(
        `collector ${props.kind} '${props.type}' has an invalid name '${props.name}': use letters, digits, '_', '-', '.' (e.g. 'backend-a')`,
      );
    }
    this.kind = props.kind;
    this.type = props.type;
    this.name = props.name;
    this.id = props.name ? `${props.type}/${props.name}` : props.type;
    this.config = props.config ?? {};
    this.signals = props.signals ?? ['logs', 'metrics', 'traces'];
    this.connects = props.connects ?? this.signals.map((s) => ({ from: s, to: s }));
    this.needs = props.needs ?? {};
    this.explicitPorts = props.ports;
  }

  /** The component with `patch` deep-merged into its config (arrays replace, `null` deletes a key). */
  withConfig(patch: Readonly<Record<string, unknown>>): CollectorComponent {
    return new CollectorComponent({ ...this.props(), config: deepMerge(this.config, patch) });
  }

  /** The component with other needs. */
  withNeeds(needs: ComponentNeeds): CollectorComponent {
    return new CollectorComponent({ ...this.props(), needs });
  }

  /** The props this component was built from (for copies). */
  props(): CollectorComponentProps {
    return {
      kind: this.kind,
      type: this.type,
      name: this.name,
      config: this.config,
      signals: this.signals,
      connects: this.connects,
      needs: this.needs,
      ports: this.explicitPorts,
    };
  }

  /**
   * Ports the component listens on. Explicit ports win; otherwise every `endpoint` key of a
   * receiver or extension config whose value ends in `:<port>` yields a port, named after the
   * component type and the key path (`otlp` + `protocols.grpc` gives `otlp-grpc`).
   */
  ports(): readonly ComponentPort[] {
    if (this.explicitPorts) return this.explicitPorts;
    if (this.kind !== 'receiver' && this.kind !== 'extension') return [];
    const out: ComponentPort[] = [];
    const walk = (node: unknown, path: string[]): void => {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        if (k === 'endpoint' && typeof v === 'string') {
          const m = /:(\d{1,5})$/.exec(v);
          if (m && !/^[a-z]+:\/\//.test(v)) {
            out.push({
              name: portName([this.type, this.name ?? '', path[path.length - 1] ?? '']),
              port: Number(m[1]),
              protocol: 'TCP',
              expose: this.kind === 'receiver',
            });
          }
        } else if (k !== 'target_allocator' && k !== 'config') {
          walk(v, [...path, k]);
        }
      }
    };
    walk(this.config, []);
    return out;
  }
}

/** A Kubernetes port name (<= 15 chars, [a-z0-9-], starts and ends alphanumeric) from parts. */
export function portName(parts: readonly string[]): string {
  const raw = parts
    .filter((p) => p.length > 0)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  return raw.slice(0, 15).replace(/^-+|-+$/g, '') || 'port';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge: objects merge, arrays and scalars replace, `null` in the patch deletes the key. */
export function deepMerge(
  base: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isPlainObject(v) && isPlainObject(out[k]))
      out[k] = deepMerge(out[k] as Record<string, unknown>, v);
    else out[k] = v;
  }
  return out;
}

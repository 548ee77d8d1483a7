/**
 * Minimal, renderer-neutral shapes of the Kubernetes API objects the tier model carries.
 * Field names are the Kubernetes API's own (camelCase as in the API, e.g. `hostPath`,
 * `mountPropagation`), so a renderer copies them into a plain workload or into an
 * OpenTelemetry Operator `OpenTelemetryCollector` spec unchanged.
 */

/** `core/v1 EnvVar`. Values are literal or `valueFrom` (fieldRef, resourceFieldRef, secretKeyRef). */
export interface KubeEnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string; readonly apiVersion?: string };
    readonly resourceFieldRef?: {
      readonly resource: string;
      readonly containerName?: string;
      readonly divisor?: string;
    };
    readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
  };
}

/** `core/v1 Volume`, the three sources the tiers use. */
export interface KubeVolume {
  readonly name: string;
  readonly hostPath?: {
    readonly path: string;
    readonly type?: 'Directory' | 'DirectoryOrCreate' | 'File' | 'FileOrCreate' | 'Socket' | '';
  };
  readonly configMap?: {
    readonly name: string;
    readonly items?: ReadonlyArray<{ readonly key: string; readonly path: string }>;
  };
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string };
}

/** `core/v1 VolumeMount`. */
export interface KubeVolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
  readonly subPath?: string;
  readonly mountPropagation?: 'None' | 'HostToContainer' | 'Bidirectional';
}

/** `core/v1 ResourceRequirements`. */
export interface KubeResources {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** `core/v1 SecurityContext` (container). */
export interface KubeSecurityContext {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly seccompProfile?: { readonly type: 'RuntimeDefault' | 'Localhost' | 'Unconfined' };
}

/** `core/v1 PodSecurityContext`. */
export interface KubePodSecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly fsGroup?: number;
  readonly seccompProfile?: { readonly type: 'RuntimeDefault' | 'Localhost' | 'Unconfined' };
}

/** `core/v1 Probe` with an HTTP GET or TCP handler. */
export interface KubeProbe {
  readonly httpGet?: {
    readonly path: string;
    readonly port: number | string;
    readonly scheme?: 'HTTP' | 'HTTPS';
  };
  readonly tcpSocket?: { readonly port: number | string };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
}

/** `core/v1 ContainerPort`. */
export interface KubeContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol?: 'TCP' | 'UDP';
}

/** `core/v1 Toleration`. */
export interface KubeToleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** `core/v1 Container`, the subset the tiers set. */
export interface KubeContainer {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly KubeEnvVar[];
  readonly ports?: readonly KubeContainerPort[];
  readonly volumeMounts?: readonly KubeVolumeMount[];
  readonly resources?: KubeResources;
  readonly securityContext?: KubeSecurityContext;
  readonly livenessProbe?: KubeProbe;
  readonly readinessProbe?: KubeProbe;
  readonly startupProbe?: KubeProbe;
}

/** `rbac/v1 PolicyRule`, without wildcards (the model rejects `*`). */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly verbs: readonly string[];
}

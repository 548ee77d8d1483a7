import { ConfigError, validateConfig, type PodtailConfigInput } from 'podtail/config';
import { stringify } from 'yaml';
import type { ComponentNeeds } from '../model/component';
import type { KubeContainer, KubeResources, KubeVolume, PolicyRule } from '../model/kube-types';
import { hostReaderSecurityContext } from '../model/security-context';

/** Settings of podtail a user may change; the tier sets nodeName, exporter endpoint and host paths. */
export type PodtailSettings = Omit<PodtailConfigInput, 'nodeName' | 'hostRoot' | 'exporter'> & {
  /** Exporter tuning (batching, retry, in-flight bound); the endpoint is always the agent collector. */
  readonly exporter?: Omit<
    Extract<PodtailConfigInput['exporter'], { type: 'otlphttp' }>,
    'type' | 'endpoint'
  >;
};

/** Mount paths and host paths podtail uses. */
export const PODTAIL_PATHS = {
  configDir: '/etc/podtail',
  configFile: '/etc/podtail/config.yaml',
  logRoot: '/var/log/pods',
  stateDir: '/var/lib/podtail',
  cursorDir: '/var/lib/podtail/cursors',
  containerdSocket: '/run/containerd/containerd.sock',
} as const;

export interface PodtailSidecarInput {
  /** For error messages: `AgentTier 'agent'`. */
  readonly owner: string;
  /** Name of the ConfigMap holding config.yaml. */
  readonly configMapName: string;
  readonly image: string;
  readonly resources: KubeResources;
  /** OTLP/HTTP port of the agent collector on localhost. */
  readonly collectorHttpPort: number;
  readonly settings: PodtailSettings;
  /** Mount the containerd socket and watch containerd. */
  readonly containerd: boolean;
  /** Host path of the containerd socket. @default /run/containerd/containerd.sock */
  readonly containerdSocket?: string;
}

/** What the tier adds to its pod and identity for the podtail sidecar. */
export interface PodtailSidecarModel {
  readonly container: KubeContainer;
  readonly volumes: readonly KubeVolume[];
  readonly configYaml: string;
  readonly needs: ComponentNeeds;
  readonly metricsPort: number;
}

const readVerbs = ['get', 'list', 'watch'];

/**
 * Builds podtail's config (validated with podtail's own schema: a config podtail would
 * reject fails the synth, naming the tier), its container and volumes.
 */
export function buildPodtailSidecar(input: PodtailSidecarInput): PodtailSidecarModel {
  const socket = input.containerdSocket ?? PODTAIL_PATHS.containerdSocket;
  const { exporter, ...rest } = input.settings;
  const raw: PodtailConfigInput = {
    ...rest,
    nodeName: '${K8S_NODE_NAME}',
    source: { ...(rest.source ?? {}), root: PODTAIL_PATHS.logRoot },
    cursors: { ...(rest.cursors ?? {}), directory: PODTAIL_PATHS.cursorDir },
    exporter: {
      ...(exporter ?? {}),
      type: 'otlphttp',
      endpoint: `http://localhost:${input.collectorHttpPort}`,
    },
    containerd: input.containerd
      ? { namespaces: ['k8s.io'], ...(rest.containerd ?? {}), enabled: true, socket }
      : { ...(rest.containerd ?? {}), enabled: false },
  };
  let parsed;
  try {
    parsed = validateConfig(raw, `${input.owner} podtail config`);
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new Error(
        `${input.owner}: the podtail config would be rejected by podtail; fix these keys in logs: LogsSource.podtail({ settings }):\n${e.problems.map((p) => `  - ${p}`).join('\n')}`,
      );
    }
    throw e;
  }
  const port = parsed.server.port;
  const volumes: KubeVolume[] = [
    { name: 'podtail-config', configMap: { name: input.configMapName } },
    { name: 'varlogpods', hostPath: { path: PODTAIL_PATHS.logRoot, type: 'Directory' } },
    { name: 'podtail-state', hostPath: { path: PODTAIL_PATHS.stateDir, type: 'DirectoryOrCreate' } },
  ];
  if (input.containerd) volumes.push({ name: 'containerd-sock', hostPath: { path: socket, type: 'Socket' } });

  const rules: PolicyRule[] = [{ apiGroups: [''], resources: ['pods'], verbs: readVerbs }];
  if (parsed.kubernetes.ownerLookup === 'api') {
    rules.push({ apiGroups: ['apps'], resources: ['replicasets'], verbs: readVerbs });
    rules.push({ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'] });
  }

  const probe = (path: string) => ({
    httpGet: { path, port },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  const container: KubeContainer = {
    name: 'podtail',
    image: input.image,
    imagePullPolicy: 'IfNotPresent',
    args: ['run', '--config', PODTAIL_PATHS.configFile],
    env: [
      { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      {
        name: 'NODE_OPTIONS',
        value: `--max-old-space-size=${Math.max(64, Math.floor(((memMi(input.resources.limits?.memory) ?? 256) * 3) / 4))}`,
      },
    ],
    ports: [{ name: 'podtail-metrics', containerPort: port, protocol: 'TCP' }],
    volumeMounts: [
      { name: 'podtail-config', mountPath: PODTAIL_PATHS.configDir, readOnly: true },
      { name: 'varlogpods', mountPath: PODTAIL_PATHS.logRoot, readOnly: true },
      { name: 'podtail-state', mountPath: PODTAIL_PATHS.stateDir, readOnly: false },
      ...(input.containerd ? [{ name: 'containerd-sock', mountPath: socket, readOnly: true }] : []),
    ],
    resources: input.resources,
    // Log files under /var/log/pods are root-owned 0640: root with only DAC_READ_SEARCH.
    securityContext: hostReaderSecurityContext(true),
    livenessProbe: probe('/healthz'),
    readinessProbe: probe('/readyz'),
  };
  return {
    container,
    volumes,
    configYaml: stringify(raw, { lineWidth: 0 }),
    needs: { clusterRules: rules },
    metricsPort: port,
  };
}

function memMi(q: string | undefined): number | undefined {
  if (!q) return undefined;
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

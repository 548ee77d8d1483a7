import { z } from 'zod';
import { CollectorComponent } from '../model/component';
import type { PolicyRule } from '../model/kube-types';
import { COMPONENT_TYPES as T } from './component-types';
import { compact, DURATION, parseOptions } from './parse-options';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "_", "-", "."')
  .optional();
const duration = z.string().regex(DURATION, 'must be a Go duration such as 10s or 1m');
const hostPort = z.string().regex(/^[^:]*:\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:4317');
const leaderElector = z.string().min(1).optional();

const readVerbs = ['get', 'list', 'watch'];

/** Options of `Receivers.otlp`. */
export const otlpReceiverOptions = z
  .object({
    name,
    /** gRPC endpoint; `false` disables the protocol. @default '0.0.0.0:4317' */
    grpcEndpoint: z.union([hostPort, z.literal(false)]).default('0.0.0.0:4317'),
    /** HTTP endpoint; `false` disables the protocol. @default '0.0.0.0:4318' */
    httpEndpoint: z.union([hostPort, z.literal(false)]).default('0.0.0.0:4318'),
    /** Largest gRPC message in MiB. @default 16 */
    maxRecvMsgSizeMib: z.number().int().min(1).optional(),
  })
  .strict();

/** Options of `Receivers.filelog`. */
export const filelogOptions = z
  .object({
    name,
    /** Globs of files to read. @default ['/var/log/pods/*\/*\/*.log'] */
    include: z.array(z.string().min(1)).min(1).default(['/var/log/pods/*/*/*.log']),
    /** Globs never to read (e.g. the collector's own logs). @default [] */
    exclude: z.array(z.string().min(1)).default([]),
    /** Where to start a file with no checkpoint. @default 'end' */
    startAt: z.enum(['beginning', 'end']).default('end'),
    /** Id of a `file_storage` extension that keeps checkpoints across restarts. */
    storage: z.string().min(1).optional(),
    /** Host directory holding `include`d files, mounted read-only. @default '/var/log/pods' */
    hostLogDir: z.string().startsWith('/').default('/var/log/pods'),
  })
  .strict();

/** Options of `Receivers.hostmetrics`. */
export const hostmetricsOptions = z
  .object({
    name,
    collectionInterval: duration.default('30s'),
    /** Scrapers to enable. @default cpu, memory, load, disk, filesystem, network, paging */
    scrapers: z
      .array(
        z.enum([
          'cpu',
          'memory',
          'load',
          'disk',
          'filesystem',
          'network',
          'paging',
          'processes',
          'process',
          'system',
        ]),
      )
      .min(1)
      .default(['cpu', 'memory', 'load', 'disk', 'filesystem', 'network', 'paging']),
    /** Where the host's `/` is mounted in the container. @default '/hostfs' */
    rootPath: z.string().startsWith('/').default('/hostfs'),
  })
  .strict();

/** Options of `Receivers.kubeletstats`. */
export const kubeletstatsOptions = z
  .object({
    name,
    collectionInterval: duration.default('30s'),
    /** Kubelet endpoint. @default 'https://${env:K8S_NODE_IP}:10250' */
    endpoint: z.string().default('https://${env:K8S_NODE_IP}:10250'),
    /** Skip verifying the kubelet's serving certificate (self-signed on most clusters). @default true */
    insecureSkipVerify: z.boolean().default(true),
    metricGroups: z
      .array(z.enum(['node', 'pod', 'container', 'volume']))
      .min(1)
      .default(['node', 'pod', 'container']),
  })
  .strict();

const scrapeConfig = z.record(z.string(), z.unknown()).refine((c) => typeof c.job_name === 'string', {
  message: 'every scrape config needs a job_name',
});

/** Options of `Receivers.prometheus`. */
export const prometheusOptions = z
  .object({
    name,
    /** Prometheus `scrape_configs`, exactly as Prometheus reads them. @default [] */
    scrapeConfigs: z.array(scrapeConfig).default([]),
    /** Fetch scrape targets from a Target Allocator instead of discovering them. */
    targetAllocator: z
      .object({
        endpoint: z.url(),
        interval: duration.default('30s'),
        /** Id this collector reports to the allocator. @default '${env:POD_NAME}' */
        collectorId: z.string().default('${env:POD_NAME}'),
      })
      .strict()
      .optional(),
    /** RBAC the scrape discovery needs (e.g. pods list/watch for `kubernetes_sd_configs` role pod). @default [] */
    discoveryRules: z
      .array(
        z.object({
          apiGroups: z.array(z.string()).optional(),
          resources: z.array(z.string()).optional(),
          nonResourceURLs: z.array(z.string()).optional(),
          verbs: z.array(z.string()).min(1),
        }),
      )
      .default([]),
  })
  .strict();

const k8sObject = z
  .object({
    /** Resource name in plural, e.g. `events`. */
    name: z.string().min(1),
    mode: z.enum(['pull', 'watch']).default('watch'),
    /** API group, e.g. `events.k8s.io`; `''` for core. */
    group: z.string().optional(),
    namespaces: z.array(z.string()).optional(),
    interval: duration.optional(),
  })
  .strict();

/** Options of `Receivers.k8sobjects`. */
export const k8sobjectsOptions = z
  .object({
    name,
    objects: z
      .array(k8sObject)
      .min(1)
      .default([{ name: 'events', mode: 'watch', group: 'events.k8s.io' }]),
    /** Id of a `k8s_leader_elector` extension: only the lease holder collects. */
    leaderElector,
  })
  .strict();

/** Options of `Receivers.k8sEvents`. */
export const k8sEventsOptions = z
  .object({
    name,
    /** Namespaces to watch. @default all */
    namespaces: z.array(z.string()).default([]),
    leaderElector,
  })
  .strict();

/** Options of `Receivers.k8sCluster`. */
export const k8sClusterOptions = z
  .object({
    name,
    collectionInterval: duration.default('30s'),
    nodeConditionsToReport: z
      .array(z.string())
      .default(['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']),
    allocatableTypesToReport: z.array(z.string()).default(['cpu', 'memory', 'ephemeral-storage', 'pods']),
    leaderElector,
  })
  .strict();

const nodeEnv = [
  { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
  { name: 'K8S_NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
];

/** RBAC for the resources `k8s_cluster` lists and watches (from its README's ClusterRole). */
export const K8S_CLUSTER_RULES: readonly PolicyRule[] = [
  {
    apiGroups: [''],
    resources: [
      'events',
      'namespaces',
      'namespaces/status',
      'nodes',
      'nodes/spec',
      'pods',
      'pods/status',
      'replicationcontrollers',
      'replicationcontrollers/status',
      'resourcequotas',
      'services',
    ],
    verbs: readVerbs,
  },
  {
    apiGroups: ['apps'],
    resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'],
    verbs: readVerbs,
  },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: readVerbs },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: readVerbs },
];

/** Typed builders for the receivers the tiers use. Keys are the upstream collector's. */
export class Receivers {
  /** `otlp`: OTLP over gRPC (4317) and HTTP (4318); all signals. */
  static otlp(options: z.input<typeof otlpReceiverOptions> = {}): CollectorComponent {
    const o = parseOptions('receiver otlp', otlpReceiverOptions, options);
    const protocols: Record<string, unknown> = {};
    if (o.grpcEndpoint !== false) {
      protocols.grpc = compact({ endpoint: o.grpcEndpoint, max_recv_msg_size_mib: o.maxRecvMsgSizeMib });
    }
    if (o.httpEndpoint !== false) protocols.http = { endpoint: o.httpEndpoint };
    if (!protocols.grpc && !protocols.http) {
      throw new Error(
        'invalid options for receiver otlp: both grpcEndpoint and httpEndpoint are false; enable at least one',
      );
    }
    return new CollectorComponent({
      kind: 'receiver',
      type: T.otlpReceiver,
      name: o.name,
      config: { protocols },
    });
  }

  /**
   * `filelog` with the `container` parser (CRI-O, containerd and docker formats, pod metadata
   * from the path) reading `/var/log/pods`; checkpoints in `storage` when given.
   */
  static filelog(options: z.input<typeof filelogOptions> = {}): CollectorComponent {
    const o = parseOptions('receiver filelog', filelogOptions, options);
    return new CollectorComponent({
      kind: 'receiver',
      type: T.filelog,
      name: o.name,
      signals: ['logs'],
      config: compact({
        include: o.include,
        exclude: o.exclude.length ? o.exclude : undefined,
        start_at: o.startAt,
        include_file_path: true,
        include_file_name: false,
        storage: o.storage,
        retry_on_failure: { enabled: true },
        operators: [{ type: 'container', id: 'container-parser' }],
      }),
      needs: {
        hostMounts: [
          {
            name: 'varlogpods',
            hostPath: o.hostLogDir,
            mountPath: o.hostLogDir,
            type: 'Directory',
            readOnly: true,
          },
        ],
        readsRootOwnedFiles: true,
      },
    });
  }

  /** `hostmetrics` reading the host's `/` mounted read-only at `rootPath` (HostToContainer). */
  static hostmetrics(options: z.input<typeof hostmetricsOptions> = {}): CollectorComponent {
    const o = parseOptions('receiver hostmetrics', hostmetricsOptions, options);
    return new CollectorComponent({
      kind: 'receiver',
      type: T.hostmetrics,
      name: o.name,
      signals: ['metrics'],
      config: {
        collection_interval: o.collectionInterval,
        root_path: o.rootPath,
        scrapers: Object.fromEntries(o.scrapers.map((s) => [s, {}])),
      },
      needs: {
        hostMounts: [
          {
            name: 'hostfs',
            hostPath: '/',
            mountPath: o.rootPath,
            readOnly: true,
            mountPropagation: 'HostToContainer',
          },
        ],
      },
    });
  }

  /** `kubelet_stats` (formerly `kubeletstats`): node, pod and container stats from the node's kubelet. */
  static kubeletstats(options: z.input<typeof kubeletstatsOptions> = {}): CollectorComponent {
    const o = parseOptions('receiver kubeletstats', kubeletstatsOptions, options);
    return new CollectorComponent({
      kind: 'receiver',
      type: T.kubeletstats,
      name: o.name,
      signals: ['metrics'],
      config: {
        collection_interval: o.collectionInterval,
        auth_type: 'serviceAccount',
        endpoint: o.endpoint,
        insecure_skip_verify: o.insecureSkipVerify,
        metric_groups: o.metricGroups,
      },
      needs: {
        clusterRules: [{ apiGroups: [''], resources: ['nodes/stats'], verbs: ['get'] }],
        env: nodeEnv,
      },
    });
  }

  /** `prometheus`: scrape configs, and/or targets from a Target Allocator (`target_allocator`). */
  static prometheus(options: z.input<typeof prometheusOptions> = {}): CollectorComponent {
    const o = parseOptions('receiver prometheus', prometheusOptions, options);
    // With a Target Allocator the scrape configs live in the allocator; the receiver keeps `config: {}`.
    const config: Record<string, unknown> = {
      config: o.scrapeConfigs.length || !o.targetAllocator ? { scrape_configs: o.scrapeConfigs } : {},
    };
    if (o.targetAllocator) {
      config.target_allocator = {
        endpoint: o.targetAllocator.endpoint,
        interval: o.targetAllocator.interval,
        collector_id: o.targetAllocator.collectorId,
      };
    }
    return new CollectorComponent({
      kind: 'receiver',
      type: T.prometheus,
      name: o.name,
      signals: ['metrics'],
      config,
      ports: [],
      needs: {
        clusterRules: o.discoveryRules,
        env: o.targetAllocator
          ? [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]
          : [],
      },
    });
  }

  /** `k8s_objects` (formerly `k8sobjects`): Kubernetes objects as logs (default: events.k8s.io events, watched). */
  static k8sobjects(options: z.input<typeof k8sobjectsOptions> = {}): CollectorComponent {
    const o = parseOptions('receiver k8sobjects', k8sobjectsOptions, options);
    const rules = new Map<string, Set<string>>();
    for (const obj of o.objects) {
      const g = obj.group ?? '';
      rules.set(g, new Set([...(rules.get(g) ?? []), obj.name]));
    }
    return new CollectorComponent({
      kind: 'receiver',
      type: T.k8sobjects,
      name: o.name,
      signals: ['logs'],
      config: compact({
        auth_type: 'serviceAccount',
        k8s_leader_elector: o.leaderElector,
        objects: o.objects.map((obj) =>
          compact({
            name: obj.name,
            mode: obj.mode,
            group: obj.group,
            namespaces: obj.namespaces,
            interval: obj.interval,
          }),
        ),
      }),
      needs: {
        clusterRules: [...rules].map(([g, r]) => ({
          apiGroups: [g],
          resources: [...r].sort(),
          verbs: readVerbs,
        })),
      },
    });
  }

  /** `k8s_events`: core/v1 Events as logs. */
  static k8sEvents(options: z.input<typeof k8sEventsOptions> = {}): CollectorComponent {
    const o = parseOptions('receiver k8s_events', k8sEventsOptions, options);
    return new CollectorComponent({
      kind: 'receiver',
      type: T.k8sEvents,
      name: o.name,
      signals: ['logs'],
      config: compact({
        auth_type: 'serviceAccount',
        namespaces: o.namespaces.length ? o.namespaces : undefined,
        k8s_leader_elector: o.leaderElector,
      }),
      needs: {
        clusterRules: [
          { apiGroups: [''], resources: ['events'], verbs: readVerbs },
          { apiGroups: [''], resources: ['namespaces'], verbs: readVerbs },
        ],
      },
    });
  }

  /** `k8s_cluster`: cluster-level metrics and entity events. */
  static k8sCluster(options: z.input<typeof k8sClusterOptions> = {}): CollectorComponent {
    const o = parseOptions('receiver k8s_cluster', k8sClusterOptions, options);
    return new CollectorComponent({
      kind: 'receiver',
      type: T.k8sCluster,
      name: o.name,
      signals: ['metrics', 'logs'],
      config: compact({
        auth_type: 'serviceAccount',
        collection_interval: o.collectionInterval,
        node_conditions_to_report: o.nodeConditionsToReport,
        allocatable_types_to_report: o.allocatableTypesToReport,
        k8s_leader_elector: o.leaderElector,
      }),
      needs: { clusterRules: K8S_CLUSTER_RULES },
    });
  }
}

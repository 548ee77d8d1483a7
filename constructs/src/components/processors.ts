import { z } from 'zod';
import { CollectorComponent } from '../model/component';
import { COMPONENT_TYPES as T } from './component-types';
import { compact, DURATION, parseOptions } from './parse-options';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "_", "-", "."')
  .optional();
const duration = z.string().regex(DURATION, 'must be a Go duration such as 1s or 200ms');
const readVerbs = ['get', 'list', 'watch'];

/** Options of `Processors.memoryLimiter`. */
export const memoryLimiterOptions = z
  .object({
    name,
    checkInterval: duration.default('1s'),
    /** Hard limit, in percent of the container's memory limit. @default 80 */
    limitPercentage: z.number().int().min(1).max(100).default(80),
    /** Headroom below the hard limit where the soft limit sits. @default 25 */
    spikeLimitPercentage: z.number().int().min(1).max(100).default(25),
  })
  .strict()
  .refine((o) => o.spikeLimitPercentage < o.limitPercentage, {
    message: 'spikeLimitPercentage must be lower than limitPercentage',
    path: ['spikeLimitPercentage'],
  });

/** Options of `Processors.batch`. */
export const batchOptions = z
  .object({
    name,
    sendBatchSize: z.number().int().min(1).default(8192),
    sendBatchMaxSize: z.number().int().min(0).default(10000),
    timeout: duration.default('200ms'),
  })
  .strict()
  .refine((o) => o.sendBatchMaxSize === 0 || o.sendBatchMaxSize >= o.sendBatchSize, {
    message: 'sendBatchMaxSize must be 0 or at least sendBatchSize',
    path: ['sendBatchMaxSize'],
  });

const associationSource = z.union([
  z.object({ from: z.literal('resource_attribute'), name: z.string().min(1) }).strict(),
  z.object({ from: z.literal('connection') }).strict(),
]);

/** Options of `Processors.k8sattributes`. */
export const k8sattributesOptions = z
  .object({
    name,
    /** Only look up pods on this node (`K8S_NODE_NAME`): for agents. @default false */
    nodeLocal: z.boolean().default(false),
    /**
     * Passthrough mode: only record the sender's IP as `k8s.pod.ip`, no API calls and no RBAC
     * (an agent in front of a gateway that does the lookups). @default false
     */
    passthrough: z.boolean().default(false),
    /** Resource attributes to add. */
    metadata: z
      .array(z.string().min(1))
      .default([
        'k8s.namespace.name',
        'k8s.pod.name',
        'k8s.pod.uid',
        'k8s.pod.start_time',
        'k8s.node.name',
        'k8s.deployment.name',
        'k8s.statefulset.name',
        'k8s.daemonset.name',
        'k8s.cronjob.name',
        'k8s.job.name',
        'k8s.replicaset.name',
        'k8s.container.name',
        'container.image.name',
        'container.image.tag',
      ]),
    /** Pod labels to copy: `{ tag_name, key, from }` as upstream. @default app.kubernetes.io/name, app.kubernetes.io/version */
    labels: z
      .array(
        z.object({
          tag_name: z.string(),
          key: z.string(),
          from: z.enum(['pod', 'namespace', 'node']).default('pod'),
        }),
      )
      .default([
        { tag_name: 'service.name', key: 'app.kubernetes.io/name', from: 'pod' },
        { tag_name: 'service.version', key: 'app.kubernetes.io/version', from: 'pod' },
      ]),
    /** How a record is matched to its pod: each rule a list of sources; first match wins. */
    podAssociation: z
      .array(z.array(associationSource).min(1))
      .min(1)
      .default([
        [{ from: 'resource_attribute', name: 'k8s.pod.ip' }],
        [{ from: 'resource_attribute', name: 'k8s.pod.uid' }],
        [{ from: 'connection' }],
      ]),
  })
  .strict();

/** Options of `Processors.resourcedetection`. */
export const resourcedetectionOptions = z
  .object({
    name,
    /** Detectors in order; `k8snode` reads the Node object named by `K8S_NODE_NAME`. @default ['env', 'k8snode'] */
    detectors: z.array(z.string().min(1)).min(1).default(['env', 'k8snode']),
    timeout: duration.default('5s'),
    /** Overwrite attributes already present. @default false */
    override: z.boolean().default(false),
  })
  .strict();

const attributeAction = z
  .object({
    key: z.string().min(1),
    action: z.enum(['insert', 'update', 'upsert', 'delete', 'hash', 'extract', 'convert']),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    from_attribute: z.string().optional(),
    pattern: z.string().optional(),
    converted_type: z.enum(['int', 'double', 'string']).optional(),
  })
  .strict();

/** Options of `Processors.resource` and `Processors.attributes`. */
export const attributeActionsOptions = z.object({ name, actions: z.array(attributeAction).min(1) }).strict();

const statements = z
  .array(
    z.object({
      context: z.string().min(1),
      conditions: z.array(z.string()).optional(),
      statements: z.array(z.string().min(1)).min(1),
    }),
  )
  .optional();

/** Options of `Processors.transform`. */
export const transformOptions = z
  .object({
    name,
    errorMode: z.enum(['ignore', 'silent', 'propagate']).default('ignore'),
    logStatements: statements,
    metricStatements: statements,
    traceStatements: statements,
  })
  .strict()
  .refine((o) => o.logStatements || o.metricStatements || o.traceStatements, {
    message: 'give at least one of logStatements, metricStatements, traceStatements',
  });

/** Options of `Processors.filter` (OTTL conditions; a record matching any is dropped). */
export const filterOptions = z
  .object({
    name,
    errorMode: z.enum(['ignore', 'silent', 'propagate']).default('ignore'),
    logRecord: z.array(z.string().min(1)).optional(),
    metric: z.array(z.string().min(1)).optional(),
    datapoint: z.array(z.string().min(1)).optional(),
    span: z.array(z.string().min(1)).optional(),
    spanevent: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((o) => o.logRecord || o.metric || o.datapoint || o.span || o.spanevent, {
    message: 'give at least one of logRecord, metric, datapoint, span, spanevent',
  });

type Signal = 'logs' | 'metrics' | 'traces';

/** Typed builders for the processors the tiers use. Keys are the upstream collector's. */
export class Processors {
  /** `memory_limiter`, in percent of the container memory limit. Must be first in every pipeline. */
  static memoryLimiter(options: z.input<typeof memoryLimiterOptions> = {}): CollectorComponent {
    const o = parseOptions('processor memory_limiter', memoryLimiterOptions, options);
    return new CollectorComponent({
      kind: 'processor',
      type: T.memoryLimiter,
      name: o.name,
      config: {
        check_interval: o.checkInterval,
        limit_percentage: o.limitPercentage,
        spike_limit_percentage: o.spikeLimitPercentage,
      },
    });
  }

  /** `batch`. */
  static batch(options: z.input<typeof batchOptions> = {}): CollectorComponent {
    const o = parseOptions('processor batch', batchOptions, options);
    return new CollectorComponent({
      kind: 'processor',
      type: T.batch,
      name: o.name,
      config: {
        send_batch_size: o.sendBatchSize,
        send_batch_max_size: o.sendBatchMaxSize,
        timeout: o.timeout,
      },
    });
  }

  /** `k8s_attributes` (formerly `k8sattributes`): pod metadata by pod association. */
  static k8sattributes(options: z.input<typeof k8sattributesOptions> = {}): CollectorComponent {
    const o = parseOptions('processor k8sattributes', k8sattributesOptions, options);
    if (o.passthrough) {
      return new CollectorComponent({
        kind: 'processor',
        type: T.k8sattributes,
        name: o.name,
        config: { passthrough: true, pod_association: [{ sources: [{ from: 'connection' }] }] },
      });
    }
    return new CollectorComponent({
      kind: 'processor',
      type: T.k8sattributes,
      name: o.name,
      config: compact({
        auth_type: 'serviceAccount',
        passthrough: false,
        filter: o.nodeLocal ? { node_from_env_var: 'K8S_NODE_NAME' } : undefined,
        extract: { metadata: o.metadata, labels: o.labels },
        pod_association: o.podAssociation.map((sources) => ({ sources })),
      }),
      needs: {
        clusterRules: [
          { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: readVerbs },
          { apiGroups: ['apps'], resources: ['replicasets'], verbs: readVerbs },
        ],
        env: o.nodeLocal
          ? [{ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]
          : [],
      },
    });
  }

  /** `resource_detection` (formerly `resourcedetection`). */
  static resourcedetection(options: z.input<typeof resourcedetectionOptions> = {}): CollectorComponent {
    const o = parseOptions('processor resourcedetection', resourcedetectionOptions, options);
    const k8snode = o.detectors.includes('k8snode');
    return new CollectorComponent({
      kind: 'processor',
      type: T.resourcedetection,
      name: o.name,
      config: compact({
        detectors: o.detectors,
        timeout: o.timeout,
        override: o.override,
        k8snode: k8snode ? { auth_type: 'serviceAccount', node_from_env_var: 'K8S_NODE_NAME' } : undefined,
      }),
      needs: k8snode
        ? {
            clusterRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
            env: [{ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          }
        : {},
    });
  }

  /** `resource`: actions on resource attributes. */
  static resource(options: z.input<typeof attributeActionsOptions>): CollectorComponent {
    const o = parseOptions('processor resource', attributeActionsOptions, options);
    return new CollectorComponent({
      kind: 'processor',
      type: T.resource,
      name: o.name,
      config: { attributes: o.actions.map((a) => compact(a)) },
    });
  }

  /** `attributes`: actions on record (span, log, datapoint) attributes. */
  static attributes(options: z.input<typeof attributeActionsOptions>): CollectorComponent {
    const o = parseOptions('processor attributes', attributeActionsOptions, options);
    return new CollectorComponent({
      kind: 'processor',
      type: T.attributes,
      name: o.name,
      config: { actions: o.actions.map((a) => compact(a)) },
    });
  }

  /** `transform`: OTTL statements per context; supports the signals it has statements for. */
  static transform(options: z.input<typeof transformOptions>): CollectorComponent {
    const o = parseOptions('processor transform', transformOptions, options);
    const signals: Signal[] = [];
    if (o.logStatements) signals.push('logs');
    if (o.metricStatements) signals.push('metrics');
    if (o.traceStatements) signals.push('traces');
    return new CollectorComponent({
      kind: 'processor',
      type: T.transform,
      name: o.name,
      signals,
      config: compact({
        error_mode: o.errorMode,
        log_statements: o.logStatements,
        metric_statements: o.metricStatements,
        trace_statements: o.traceStatements,
      }),
    });
  }

  /** `filter`: drops records matching OTTL conditions; supports the signals it has conditions for. */
  static filter(options: z.input<typeof filterOptions>): CollectorComponent {
    const o = parseOptions('processor filter', filterOptions, options);
    const signals: Signal[] = [];
    if (o.logRecord) signals.push('logs');
    if (o.metric || o.datapoint) signals.push('metrics');
    if (o.span || o.spanevent) signals.push('traces');
    return new CollectorComponent({
      kind: 'processor',
      type: T.filter,
      name: o.name,
      signals,
      config: compact({
        error_mode: o.errorMode,
        logs: o.logRecord ? { log_record: o.logRecord } : undefined,
        metrics: o.metric || o.datapoint ? compact({ metric: o.metric, datapoint: o.datapoint }) : undefined,
        traces: o.span || o.spanevent ? compact({ span: o.span, spanevent: o.spanevent }) : undefined,
      }),
    });
  }
}

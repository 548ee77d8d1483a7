import { z } from 'zod';
import { Backend } from '../backends/backend';
import { Rendering } from '../model/rendering';
import { LogsSource } from '../podtail/logs-source';
import {
  dnsLabel,
  duration,
  instanceLike,
  intAtLeast,
  kubeResources,
  labelMap,
  pinnedImage,
  signalList,
  toleration,
} from '../validation/prop-schemas';
import { ClusterScrape } from './cluster-scrape';

const bool = z.boolean({ error: 'must be true or false' });
const percent = (what: string) =>
  z
    .number({ error: `must be a whole percentage from 1 to 100 (${what})` })
    .int(`must be a whole percentage from 1 to 100 (${what})`)
    .min(1, `must be a whole percentage from 1 to 100 (${what})`)
    .max(100, `must be a whole percentage from 1 to 100 (${what})`);

/** Props every tier takes (`CollectorTierProps`). */
export const collectorTierShape = {
  name: z
    .string({ error: 'must be a string' })
    .regex(
      /^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/,
      "must be at most 42 lowercase letters, digits and '-' (objects get suffixes), e.g. otel-gateway",
    )
    .optional(),
  namespace: dnsLabel.optional(),
  image: pinnedImage.optional(),
  resources: kubeResources.optional(),
  rendering: instanceLike<Rendering>(
    'a Rendering, e.g. Rendering.plainWorkloads() or Rendering.operator()',
    (v) => v instanceof Rendering,
  ).optional(),
  addons: z
    .array(
      instanceLike<unknown>(
        'a tier addon: an object with a name and an apply(scope, tier) method, e.g. new TierMonitors()',
        (v) =>
          v !== null &&
          typeof v === 'object' &&
          typeof (v as { name?: unknown }).name === 'string' &&
          typeof (v as { apply?: unknown }).apply === 'function',
      ),
      { error: 'must be an array of tier addons' },
    )
    .optional(),
  tolerations: z.array(toleration, { error: 'must be an array of tolerations' }).optional(),
  nodeSelector: labelMap.optional(),
  priorityClassName: z
    .string({ error: 'must be a string' })
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be the name of a PriorityClass (DNS-1123 subdomain)')
    .optional(),
  labels: labelMap.optional(),
  logLevel: z
    .enum(['debug', 'info', 'warn', 'error'], { error: "must be 'debug', 'info', 'warn' or 'error'" })
    .optional(),
};

const gatewayEndpoint = instanceLike<unknown>(
  "a gateway: a GatewayTier or GatewayEndpoint.fromAddress('host:4317')",
  (v) =>
    v !== null &&
    typeof v === 'object' &&
    typeof (v as { otlpGrpcEndpoint?: unknown }).otlpGrpcEndpoint === 'string',
);

/** Props of `AgentTier`. */
export const agentTierPropsSchema = z
  .object({
    ...collectorTierShape,
    gateway: gatewayEndpoint,
    gatewayTls: bool.optional(),
    logs: instanceLike<LogsSource>(
      'a LogsSource: LogsSource.podtail(...), LogsSource.filelog(...) or LogsSource.none()',
      (v) => v instanceof LogsSource,
    ).optional(),
    hostMetrics: bool.optional(),
    kubeletStats: bool.optional(),
    nodeScrapes: z
      .union(
        [
          z.literal(false),
          z
            .object({
              kubelet: bool.optional(),
              cadvisor: bool.optional(),
              nodeExporter: z
                .union(
                  [
                    z.literal(false),
                    z
                      .object({
                        labelSelector: z
                          .string({
                            error: "must be a label selector such as 'app.kubernetes.io/name=node-exporter'",
                          })
                          .min(1, "must be a label selector such as 'app.kubernetes.io/name=node-exporter'"),
                        port: intAtLeast(1, 'use the node-exporter port, e.g. 9100')
                          .max(65535, 'must be a port number up to 65535')
                          .optional(),
                      })
                      .strict(),
                  ],
                  {
                    error:
                      "must be false or { labelSelector: 'app.kubernetes.io/name=prometheus-node-exporter', port: 9100 }",
                  },
                )
                .optional(),
              interval: duration.optional(),
            })
            .strict(),
        ],
        {
          error: 'must be false (no node scrapes) or an object { kubelet, cadvisor, nodeExporter, interval }',
        },
      )
      .optional(),
    otlp: bool.optional(),
    controlPlane: bool.optional(),
  })
  .strict();

/** `GatewayTierProps.targetAllocator`. */
export const targetAllocatorPropsSchema = z
  .object({
    image: pinnedImage.optional(),
    replicas: intAtLeast(1, 'the Target Allocator needs at least 1 replica').optional(),
    allocationStrategy: z
      .enum(['consistent-hashing', 'least-weighted', 'per-node'], {
        error: "must be 'consistent-hashing', 'least-weighted' or 'per-node'",
      })
      .optional(),
    prometheusCR: bool.optional(),
    interval: duration.optional(),
    resources: kubeResources.optional(),
  })
  .strict();

/** `GatewayTierProps.autoscaling` (other than `false`). */
export const gatewayAutoscalingSchema = z
  .object({
    minReplicas: intAtLeast(1, 'e.g. minReplicas: 2'),
    maxReplicas: intAtLeast(1, 'e.g. maxReplicas: 6'),
    targetCpuUtilization: percent('average CPU utilisation the HPA keeps').optional(),
    targetMemoryUtilization: percent('average memory utilisation the HPA keeps').optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.minReplicas > a.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['minReplicas'],
        message: `is above maxReplicas (${a.maxReplicas}); lower minReplicas or raise maxReplicas`,
      });
    }
  });

/** Props of `GatewayTier`. */
export const gatewayTierPropsSchema = z
  .object({
    ...collectorTierShape,
    backends: z
      .array(
        instanceLike<Backend>(
          "a Backend, e.g. Backend.otlp('main', { endpoint: 'otlp.example:4317' })",
          (v) => v instanceof Backend,
        ),
        {
          error:
            "must be an array of backends, e.g. [Backend.otlp('main', { endpoint: 'otlp.example:4317' })]",
        },
      )
      .min(1, "is empty; give at least one, e.g. Backend.otlp('main', { endpoint: 'otlp.example:4317' })"),
    clusterScrapes: z
      .array(
        instanceLike<ClusterScrape>(
          'a ClusterScrape, e.g. ClusterScrape.kubeStateMetrics() or ClusterScrape.custom({...})',
          (v) => v instanceof ClusterScrape,
        ),
        { error: 'must be an array of ClusterScrape' },
      )
      .optional(),
    targetAllocator: targetAllocatorPropsSchema.optional(),
    replicas: intAtLeast(1, 'e.g. replicas: 2').optional(),
    autoscaling: z
      .union([z.literal(false), gatewayAutoscalingSchema], {
        error:
          'must be false (fixed replicas) or { minReplicas, maxReplicas, targetCpuUtilization?, targetMemoryUtilization? }',
      })
      .optional(),
    maxUnavailable: z
      .union(
        [
          z.literal(false),
          z
            .number({ error: 'must be a whole number of pods, or false for no PodDisruptionBudget' })
            .int('must be a whole number of pods, or false for no PodDisruptionBudget')
            .min(0, 'must be 0 or more, or false for no PodDisruptionBudget'),
        ],
        { error: 'must be a whole number of pods, or false for no PodDisruptionBudget' },
      )
      .optional(),
    allowBlockingDisruptionBudget: bool.optional(),
    signals: signalList.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.replicas !== undefined && p.autoscaling !== false) {
      ctx.addIssue({
        code: 'custom',
        path: ['replicas'],
        message: `has no effect while autoscaling is on (the HPA sets the count); set autoscaling: { minReplicas: ${p.replicas}, maxReplicas: ... } instead, or autoscaling: false for a fixed count`,
      });
    }
    if (p.maxUnavailable === 0 && p.allowBlockingDisruptionBudget !== true) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxUnavailable'],
        message:
          'a PodDisruptionBudget with maxUnavailable 0 blocks every node drain; use 1 or more, false for no budget, or set allowBlockingDisruptionBudget: true if that is intended',
      });
    }
    if (p.targetAllocator !== undefined && !(p.clusterScrapes && p.clusterScrapes.length > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetAllocator'],
        message:
          'has no effect without clusterScrapes (the Target Allocator only runs when the gateway scrapes); add clusterScrapes or remove targetAllocator',
      });
    }
  });

/** Props of `ClusterAgentTier`. */
export const clusterAgentTierPropsSchema = z
  .object({
    ...collectorTierShape,
    gateway: gatewayEndpoint,
    gatewayTls: bool.optional(),
    events: z
      .union([z.literal(false), z.enum(['k8sobjects', 'k8s_events'])], {
        error: "must be 'k8sobjects', 'k8s_events' or false",
      })
      .optional(),
    clusterMetrics: bool.optional(),
    replicas: intAtLeast(1, 'use 1, or 2+ for leader-elected HA').optional(),
  })
  .strict();

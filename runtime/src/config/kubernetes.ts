import { z } from 'zod';

const selectionSchema = (what: string) =>
  z
    .object({
      /**
       * Keys to copy, exact or with a trailing `*` as a prefix wildcard (`app.kubernetes.io/*`).
       * Empty: none.
       */
      include: z.array(z.string().min(1)).default([]),
      /** Keys never to copy, same syntax; wins over `include`. */
      exclude: z.array(z.string().min(1)).default([]),
      /** At most this many per pod, in key order; the rest are left off and counted. */
      max: z.number().int().min(0).max(1000).default(32),
    })
    .strict()
    .prefault({})
    .describe(what);

/** The `kubernetes` section: the node-scoped pod informer that attributes records. */
export const kubernetesSchema = z
  .object({
    /**
     * `auto` runs the informer when podtail is in a cluster (`KUBERNETES_SERVICE_HOST` set) or
     * `kubeconfig` is set; `true` always (a missing config is a `watch` failure); `false` never.
     */
    enabled: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    /** Path of a kubeconfig file; empty: the in-cluster service account. */
    kubeconfig: z.string().default(''),
    /** Context of the kubeconfig to use; empty: its current context. */
    context: z.string().default(''),
    /** Pod labels to copy as `k8s.pod.label.<key>`. */
    labels: selectionSchema('pod labels').default({ include: ['*'], exclude: [], max: 32 }),
    /** Pod annotations to copy as `k8s.pod.annotation.<key>`. */
    annotations: selectionSchema('pod annotations'),
    /**
     * How `k8s.deployment.name` and `k8s.cronjob.name` are found: `api` reads the owning
     * ReplicaSet or Job (RBAC `get` on replicasets and jobs) and falls back to `name` when
     * forbidden; `name` derives them from the ReplicaSet name minus its pod-template-hash.
     */
    ownerLookup: z.enum(['api', 'name']).default('api'),
    /** How long a deleted pod's metadata is kept so its last lines are still attributed. */
    deletedPodGraceMs: z.number().int().min(0).default(60_000),
    /** Pods in the metadata cache at most; past it, `attribution_cardinality`. */
    maxPods: z.number().int().min(1).default(1024),
    /**
     * How long start waits for the first list, so the first lines read are attributed; past
     * it podtail starts anyway (path metadata until the informer syncs).
     */
    initialSyncTimeoutMs: z.number().int().min(0).default(10_000),
    /** Server-side timeout of one watch request; the informer re-watches from its resourceVersion. */
    watchTimeoutSeconds: z.number().int().min(1).default(300),
    /** First retry delay after a failed list or watch; doubles up to `maxBackoffMs`, with jitter. */
    initialBackoffMs: z.number().int().min(1).default(500),
    maxBackoffMs: z.number().int().min(1).default(30_000),
    /** Emit a record when a pod on this node is evicted or preempted. */
    evictionRecords: z.boolean().default(true),
  })
  .strict()
  .prefault({});
export type KubernetesConfig = z.output<typeof kubernetesSchema>;

import { z } from 'zod';

/** Reconnect backoff after the containerd event stream ends or a connect fails. */
export const containerdBackoffSchema = z
  .object({
    /** First wait after a failure. */
    initialMs: z.number().int().min(10).default(500),
    /** Longest wait; the wait doubles per failure up to this. */
    maxMs: z.number().int().min(10).default(30000),
  })
  .strict()
  .refine((b) => b.maxMs >= b.initialMs, {
    message: 'backoff.maxMs must be >= backoff.initialMs: raise maxMs or lower initialMs',
    path: ['maxMs'],
  })
  .prefault({});

/**
 * The `containerd` section: podtail's API-server-free view of the node. podtail subscribes to
 * containerd's events over its socket, keeps a store of containers, tasks and pids, and emits
 * container lifecycle records (start, exit, OOM) next to the pod's logs.
 */
export const containerdSchema = z
  .object({
    /**
     * Watch containerd. Off by default: turn it on where the socket is mounted into the pod
     * (the construct library does when it mounts `/run/containerd/containerd.sock`).
     * @default false
     */
    enabled: z.boolean().default(false),
    /** containerd's gRPC socket, a host path (resolved under `hostRoot`). */
    socket: z
      .string()
      .min(1, 'containerd.socket must not be empty: use /run/containerd/containerd.sock')
      .refine((s) => s.startsWith('/'), {
        message: 'containerd.socket must be an absolute path such as /run/containerd/containerd.sock',
      })
      .default('/run/containerd/containerd.sock'),
    /**
     * containerd namespaces to watch; empty watches every namespace, including ones created
     * later. Kubernetes' containers live in `k8s.io`.
     */
    namespaces: z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/,
            'containerd namespace names are letters, digits and single . _ - between them (e.g. k8s.io)',
          ),
      )
      .default([]),
    /** Most containers held in the store; past it, `attribution_cardinality` is counted. */
    maxContainers: z.number().int().min(1).default(10000),
    /** How long a deleted container stays resolvable for late log lines. */
    deletedRetentionMs: z.number().int().min(0).default(300000),
    /** How often running tasks' pids are re-listed (forks raise no event); 0 turns it off. */
    pidPollIntervalMs: z.number().int().min(0).default(10000),
    /** Emit container lifecycle records (start, exit, OOM). */
    lifecycleRecords: z.boolean().default(true),
    backoff: containerdBackoffSchema,
  })
  .strict()
  .prefault({});

export type ContainerdConfig = z.output<typeof containerdSchema>;

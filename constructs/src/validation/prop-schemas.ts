import { z } from 'zod';
import { imagePinProblem } from '../images';
import { SIGNALS } from '../model/component';

/** A Kubernetes object name part: DNS-1123 label. */
export const dnsLabel = z
  .string({ error: 'must be a string' })
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS-1123 label (lowercase letters, digits, "-"), e.g. monitoring',
  )
  .max(63, 'must be at most 63 characters');

/** A container image pinned by a version tag (not `latest`) or a `sha256` digest. */
export const pinnedImage = z
  .string({ error: 'must be an image reference string' })
  .superRefine((image, ctx) => {
    const problem = imagePinProblem(image);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/^image '[^']*' /, '') });
  });

/** A whole number of at least `min`. */
export const intAtLeast = (min: number, fix: string) =>
  z
    .number({ error: `must be a whole number; ${fix}` })
    .int(`must be a whole number; ${fix}`)
    .min(min, `must be at least ${min}; ${fix}`);

const CPU = /^\d+(\.\d+)?m?$/;
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const quantities = z
  .object({
    cpu: z.string().regex(CPU, "must be a CPU quantity such as '250m' or '2'").optional(),
    memory: z.string().regex(MEMORY, "must be a memory quantity such as '512Mi' or '2Gi'").optional(),
  })
  .strict();

/** Container resources: requests cpu and memory and a memory limit are required. */
export const kubeResources = z
  .object({ requests: quantities.optional(), limits: quantities.optional() })
  .strict()
  .superRefine((r, ctx) => {
    if (!r.limits?.memory) {
      ctx.addIssue({
        code: 'custom',
        path: ['limits', 'memory'],
        message:
          'is not set; set a memory limit (e.g. 512Mi): GOMEMLIMIT and the memory_limiter derive from it',
      });
    }
    if (!r.requests?.cpu || !r.requests?.memory) {
      ctx.addIssue({
        code: 'custom',
        path: ['requests'],
        message: "needs cpu and memory (e.g. { cpu: '100m', memory: '256Mi' })",
      });
    }
  });

/** `core/v1 Toleration`. */
export const toleration = z
  .object({
    key: z.string().optional(),
    operator: z.enum(['Exists', 'Equal'], { error: "must be 'Exists' or 'Equal'" }).optional(),
    value: z.string().optional(),
    effect: z
      .enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], {
        error: "must be 'NoSchedule', 'PreferNoSchedule' or 'NoExecute'",
      })
      .optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .strict();

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Kubernetes labels (or a node selector): valid keys and values. */
export const labelMap = z.record(
  z.string().regex(LABEL_KEY, 'must be a label key such as team or example.com/team'),
  z
    .string({ error: 'must be a string label value' })
    .regex(
      LABEL_VALUE,
      'must be a label value: at most 63 letters, digits, "-", "_", "." (alphanumeric at both ends)',
    ),
);

/** A Prometheus / collector duration: `30s`, `1m30s`, `500ms`. */
export const duration = z
  .string({ error: 'must be a duration string such as 30s' })
  .regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, 'must be a duration such as 30s, 1m or 500ms');

/** A non-empty list of distinct signals. */
export const signalList = z
  .array(z.enum(SIGNALS as [string, ...string[]], { error: "must be 'logs', 'metrics' or 'traces'" }), {
    error: "must be an array of signals, e.g. ['logs', 'metrics']",
  })
  .min(1, "must list at least one signal of 'logs', 'metrics', 'traces'")
  .refine((s) => new Set(s).size === s.length, 'must not repeat a signal');

/** An object that satisfies `check` (class instances, interfaces). */
export const instanceLike = <T>(what: string, check: (v: unknown) => boolean) =>
  z.custom<T>((v) => check(v), { message: `must be ${what}` });

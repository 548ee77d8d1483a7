import { z } from 'zod';
import { duration, signalList } from '../validation/prop-schemas';

/** Options shared by every backend (`BackendOptions`). */
export const backendOptionsShape = {
  signals: signalList.optional(),
  when: z
    .string({ error: 'must be an OTTL condition string on the resource' })
    .min(1, 'must be an OTTL condition such as resource.attributes["k8s.namespace.name"] == "prod"')
    .optional(),
  headersFromSecrets: z
    .record(
      z.string().regex(/^[A-Za-z0-9-_]+$/, 'must be an HTTP header name such as api-key or authorization'),
      z
        .object(
          {
            secretName: z.string({ error: 'must name the Secret' }).min(1, 'must name the Secret'),
            key: z
              .string({ error: 'must name the key in the Secret' })
              .min(1, 'must name the key in the Secret'),
          },
          { error: 'must be { secretName, key }: the Secret key holding the value, never the value itself' },
        )
        .strict(),
      {
        error:
          "must map header names to { secretName, key }, e.g. { 'api-key': { secretName: 'vendor', key: 'api-key' } }",
      },
    )
    .optional(),
  insecure: z.boolean({ error: 'must be true or false' }).optional(),
  compression: z
    .enum(['gzip', 'zstd', 'snappy', 'none'], { error: "must be 'gzip', 'zstd', 'snappy' or 'none'" })
    .optional(),
  queueSize: z
    .number({ error: 'must be a whole number of batches, e.g. 5000' })
    .int('must be a whole number of batches, e.g. 5000')
    .min(1, 'must be at least 1 batch, e.g. 5000')
    .optional(),
  maxElapsedTime: duration.optional(),
};

export const backendOptionsSchema = z.object(backendOptionsShape).strict();

/** `Backend.otlp` options: `host:port`. */
export const otlpBackendOptionsSchema = z
  .object({
    ...backendOptionsShape,
    endpoint: z
      .string({ error: 'must be host:port, e.g. tempo.tracing.svc:4317' })
      .regex(
        /^(dns:\/\/\/)?[^/\s]+:\d{1,5}$/,
        'must be host:port, e.g. tempo.tracing.svc:4317 (for a URL use Backend.otlpHttp)',
      ),
  })
  .strict();

/** `Backend.otlpHttp` options: a URL. */
export const otlpHttpBackendOptionsSchema = z
  .object({
    ...backendOptionsShape,
    endpoint: z.url({
      protocol: /^https?$/,
      error: 'must be an http(s) URL such as https://otlp.example.com (for host:port use Backend.otlp)',
    }),
  })
  .strict();

/** A backend name: part of exporter and pipeline ids. */
export const backendName = z
  .string({ error: 'must be a string' })
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "must be lowercase letters, digits and '-' (e.g. 'backend-a')");

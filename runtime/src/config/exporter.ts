import { z } from 'zod';

const batchSchema = z
  .object({
    /** Records in one export request at most. */
    maxRecords: z.number().int().min(1).default(8192),
    /**
     * Uncompressed payload bytes in one export request at most. With at most 4 sealed batches
     * waiting, this also bounds the records held in memory: 1 MiB keeps podtail's peak RSS near
     * 120 MB at full speed (4 MiB: about 210 MB) for no measurable throughput cost.
     */
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** Longest time a record waits for its batch to fill. */
    maxDelayMs: z.number().int().min(0).default(200),
  })
  .strict()
  .prefault({});

const retrySchema = z
  .object({
    initialIntervalMs: z.number().int().min(1).default(500),
    maxIntervalMs: z.number().int().min(1).default(30_000),
  })
  .strict()
  .prefault({});

const otlphttpSchema = z
  .object({
    type: z.literal('otlphttp'),
    /** Collector base URL; records go to `<endpoint>/v1/logs`, metrics to `<endpoint>/v1/metrics`. */
    endpoint: z.url({ message: 'exporter.endpoint must be a URL such as http://localhost:4318' }),
    /** Extra request headers; values may use `${ENV_VAR}` so secrets stay out of the file. */
    headers: z.record(z.string(), z.string()).default({}),
    /**
     * `gzip`, `none`, or `auto`: none when the endpoint is a loopback address (the agent
     * collector beside podtail: compressing costs CPU and saves nothing), gzip otherwise.
     */
    compression: z.enum(['auto', 'gzip', 'none']).default('auto'),
    timeoutMs: z.number().int().min(100).default(10_000),
    /** On SIGTERM, how long podtail keeps trying to export what it read before it exits. */
    shutdownTimeoutMs: z.number().int().min(0).default(20_000),
    batch: batchSchema,
    retry: retrySchema,
    /**
     * Bytes read but not yet acknowledged, at most; reading pauses past it (bounded memory).
     * 8 MiB is several batches ahead of the exporter: enough to keep reading while one waits.
     */
    maxInFlightBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(8 * 1024 * 1024),
  })
  .strict();

const fileSchema = z
  .object({
    type: z.literal('file'),
    /** Newline-delimited JSON, one record a line. */
    path: z.string().min(1),
    batch: batchSchema,
    maxInFlightBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(8 * 1024 * 1024),
  })
  .strict();

const stdoutSchema = z
  .object({
    type: z.literal('stdout'),
    batch: batchSchema,
    maxInFlightBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(8 * 1024 * 1024),
  })
  .strict();

/** Where records go. */
export const exporterSchema = z.discriminatedUnion('type', [otlphttpSchema, fileSchema, stdoutSchema]);
export type ExporterConfig = z.output<typeof exporterSchema>;

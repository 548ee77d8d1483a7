import { z } from 'zod';

const rateFields = {
  /** Records per second refilled into the namespace's bucket. */
  recordsPerSecond: z.number().positive(),
  /** Bucket size in records: the burst allowed above the rate. */
  recordsBurst: z.number().int().min(1),
  /** Bytes of body per second refilled into the namespace's byte bucket. */
  bytesPerSecond: z.number().positive(),
  /** Byte bucket size: the burst allowed above the rate. */
  bytesBurst: z.number().int().min(1),
};

const overrideSchema = z.object(rateFields).partial().strict();

/** The `limits` section: token buckets per namespace on what podtail ships. */
export const limitsSchema = z
  .object({
    /** Turn egress limits on. */
    enabled: z.boolean().default(false),
    recordsPerSecond: rateFields.recordsPerSecond.default(2000),
    recordsBurst: rateFields.recordsBurst.default(10_000),
    bytesPerSecond: rateFields.bytesPerSecond.default(2 * 1024 * 1024),
    bytesBurst: rateFields.bytesBurst.default(10 * 1024 * 1024),
    /** Per-namespace values, any subset of the four keys above. */
    overrides: z.record(z.string().min(1), overrideSchema).default({}),
    /** Namespaces with a bucket at most (LRU); past it, `rate_limit_cardinality`. */
    maxBuckets: z.number().int().min(1).default(1000),
    /** How often a summary record of drops is emitted per namespace that dropped. */
    summaryIntervalMs: z.number().int().min(100).default(10_000),
  })
  .strict()
  .prefault({});
export type LimitsConfig = z.output<typeof limitsSchema>;

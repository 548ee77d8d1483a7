import { z } from 'zod';
import { re2Pattern } from './training';

/** Matches `data_time: 0.01 ... time: 0.3` (PyTorch Lightning, timm, most custom loops). */
export const DEFAULT_DATALOADER_PATTERNS = [
  String.raw`data_time[:=]\s*(?P<data_time_s>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*?\b(?:iter_)?time[:=]\s*(?P<iter_time_s>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)`,
  String.raw`\b(?:iter_)?time[:=]\s*(?P<iter_time_s>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*?\bdata_time[:=]\s*(?P<data_time_s>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)`,
];

const bounds = z
  .array(z.number().nonnegative())
  .min(1)
  .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]), {
    message: 'must be strictly increasing, e.g. [0.01, 0.1, 1]',
  });

/** The `dataloader` section: data-loading and iteration times from log lines, as metrics. */
export const dataloaderSchema = z
  .object({
    /** Turn the extraction on. */
    enabled: z.boolean().default(false),
    /**
     * RE2 regexes tried in order on each line's text; each needs the named captures
     * `data_time_s` and `iter_time_s` (seconds).
     */
    patterns: z
      .array(re2Pattern(['data_time_s', 'iter_time_s']))
      .min(1)
      .default(DEFAULT_DATALOADER_PATTERNS),
    /** Only lines of records that carry `gen_ai.training.rank` or `gen_ai.training.job_id`. */
    trainingOnly: z.boolean().default(false),
    /** How often the histograms are exported (cumulative temporality). */
    exportIntervalMs: z.number().int().min(100).default(15_000),
    /** Histogram bucket bounds for data_time and iter_time, seconds. */
    timeBuckets: bounds.default([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
    /** Histogram bucket bounds for the per-iteration ratio data_time / iter_time. */
    ratioBuckets: bounds.default([0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 0.9, 1]),
    /** Distinct (job, rank, pod) series at most; lines of further series are counted, not measured. */
    maxSeries: z.number().int().min(1).default(4096),
  })
  .strict()
  .prefault({});
export type DataloaderConfig = z.output<typeof dataloaderSchema>;

import { z } from 'zod';

/** Where and how often podtail persists its per-file read positions. */
export const cursorsSchema = z
  .object({
    /** Directory of cursor files; a hostPath, so positions survive pod restarts. */
    directory: z.string().min(1).default('/var/lib/podtail/cursors'),
    /**
     * Cursors are written after every acknowledged batch; at this period podtail also writes
     * progress that came without a batch (new or released files) and retries a failed write.
     */
    flushIntervalMs: z.number().int().min(10).default(1000),
  })
  .strict()
  .prefault({});

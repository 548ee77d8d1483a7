import { z } from 'zod';

/** The self-telemetry HTTP server: `/metrics`, `/healthz`, `/readyz`. */
export const serverSchema = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(9464),
  })
  .strict()
  .prefault({});

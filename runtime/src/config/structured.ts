import { z } from 'zod';

/** The `structured` section. */
export const structuredSchema = z.object({}).strict().prefault({});

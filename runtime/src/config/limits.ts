import { z } from 'zod';

/** The `limits` section. */
export const limitsSchema = z.object({}).strict().prefault({});

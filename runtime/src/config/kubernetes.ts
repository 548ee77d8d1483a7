import { z } from 'zod';

/** The `kubernetes` section. */
export const kubernetesSchema = z.object({}).strict().prefault({});

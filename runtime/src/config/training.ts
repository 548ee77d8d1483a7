import { z } from 'zod';

/** The `training` section. */
export const trainingSchema = z.object({}).strict().prefault({});

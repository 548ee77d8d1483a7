import { z } from 'zod';

/** The `dataloader` section. */
export const dataloaderSchema = z.object({}).strict().prefault({});

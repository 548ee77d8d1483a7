import { z } from 'zod';

/** The `containerd` section. */
export const containerdSchema = z.object({}).strict().prefault({});

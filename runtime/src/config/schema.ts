import { z } from 'zod';
import { sourceSchema } from './source';
import { cursorsSchema } from './cursors';
import { exporterSchema } from './exporter';
import { serverSchema } from './server';
import { kubernetesSchema } from './kubernetes';
import { containerdSchema } from './containerd';
import { trainingSchema } from './training';
import { structuredSchema } from './structured';
import { dataloaderSchema } from './dataloader';
import { limitsSchema } from './limits';

/**
 * The podtail configuration file (YAML). One section per concern, each in its own file.
 * Every key has a production default, so `{}` plus a node name is a valid config.
 */
export const podtailConfigSchema = z
  .object({
    /** Name of the node podtail runs on (`k8s.node.name`); in a pod, `${K8S_NODE_NAME}`. */
    nodeName: z.string().min(1, 'nodeName must not be empty: set it to ${K8S_NODE_NAME}'),
    /**
     * A directory prepended to every host path podtail touches (log root, cursor directory,
     * containerd socket). Empty in production; tests and the end-to-end run re-root a whole
     * node under a temporary directory with it.
     */
    hostRoot: z.string().default(''),
    /** podtail's own log level (JSON lines on stderr). */
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    source: sourceSchema,
    cursors: cursorsSchema,
    exporter: exporterSchema,
    server: serverSchema,
    kubernetes: kubernetesSchema,
    containerd: containerdSchema,
    training: trainingSchema,
    structured: structuredSchema,
    dataloader: dataloaderSchema,
    limits: limitsSchema,
  })
  .strict();

/** A config file as written (defaults optional). */
export type PodtailConfigInput = z.input<typeof podtailConfigSchema>;
/** A validated config with every default applied. */
export type PodtailConfig = z.output<typeof podtailConfigSchema>;

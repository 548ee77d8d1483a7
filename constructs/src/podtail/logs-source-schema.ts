import { z } from 'zod';
import { kubeResources, pinnedImage } from '../validation/prop-schemas';

const absolutePath = (example: string) =>
  z
    .string({ error: `must be an absolute path such as ${example}` })
    .regex(/^\/[^\s]*$/, `must be an absolute path such as ${example}`);

/** Options of `LogsSource.podtail` (the `settings` sections are checked by podtail's own schema at synth). */
export const podtailLogsOptionsSchema = z
  .object({
    image: pinnedImage.optional(),
    resources: kubeResources.optional(),
    settings: z
      .record(z.string(), z.unknown(), {
        error: 'must be an object of podtail config sections (source, cursors, kubernetes, ...)',
      })
      .optional(),
    containerd: z.boolean({ error: 'must be true or false' }).optional(),
    containerdSocket: absolutePath('/run/containerd/containerd.sock').optional(),
  })
  .strict();

/** Options of `LogsSource.filelog`. */
export const filelogLogsOptionsSchema = z
  .object({
    exclude: z
      .array(absolutePath('/var/log/pods/kube-system_*/*/*.log'), {
        error: "must be an array of globs, e.g. ['/var/log/pods/kube-system_*/*/*.log']",
      })
      .optional(),
    startAt: z.enum(['beginning', 'end'], { error: "must be 'beginning' or 'end'" }).optional(),
    checkpointDir: absolutePath('/var/lib/otelcol/file_storage').optional(),
  })
  .strict();

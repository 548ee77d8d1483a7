import { z } from 'zod';
import { Backend } from '../backends/backend';
import { Rendering } from '../model/rendering';
import { collectorTierShape } from '../tiers/tier-props-schemas';
import { dnsLabel, instanceLike, labelMap } from '../validation/prop-schemas';

/** Props of `ReferenceStack` (its own and the cdk8s `ChartProps`). */
export const referenceStackPropsSchema = z
  .object({
    namespace: dnsLabel.optional(),
    labels: labelMap.optional(),
    disableResourceNameHashes: z.boolean({ error: 'must be true or false' }).optional(),
    backends: z
      .array(
        instanceLike<Backend>(
          "a Backend, e.g. Backend.otlp('main', { endpoint: 'otlp.example:4317' })",
          (v) => v instanceof Backend,
        ),
        { error: 'must be an array of backends' },
      )
      .min(1, 'is empty; give at least one backend, or leave backends out for the default two')
      .optional(),
    rendering: instanceLike<Rendering>(
      'a Rendering, e.g. Rendering.plainWorkloads() or Rendering.operator()',
      (v) => v instanceof Rendering,
    ).optional(),
    addons: collectorTierShape.addons,
    alerts: z
      .union([z.literal(false), z.record(z.string(), z.unknown())], {
        error: 'must be false (no alert rules) or the AlertRules props object',
      })
      .optional(),
    monitors: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict();

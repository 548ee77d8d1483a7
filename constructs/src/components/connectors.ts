import { z } from 'zod';
import { CollectorComponent, type Signal } from '../model/component';
import { COMPONENT_TYPES as T } from './component-types';
import { compact, parseOptions } from './parse-options';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "_", "-", "."')
  .optional();
const signal = z.enum(['logs', 'metrics', 'traces']);

const route = z
  .object({
    /** An OTTL condition (`resource.attributes["tenant"] == "a"`). */
    condition: z.string().min(1).optional(),
    /** An OTTL statement (`route() where ...`); give this or `condition`. */
    statement: z.string().min(1).optional(),
    /** OTTL context the condition runs in. @default 'resource' */
    context: z.enum(['resource', 'span', 'metric', 'datapoint', 'log', 'request']).optional(),
    /** Pipeline ids the matching data goes to. */
    pipelines: z.array(z.string().min(1)).min(1),
  })
  .strict()
  .refine((r) => (r.condition ? 1 : 0) + (r.statement ? 1 : 0) === 1, {
    message: 'give exactly one of condition or statement',
  });

/** Options of `Connectors.routing`. */
export const routingOptions = z
  .object({
    name,
    /** The signal it routes (a routing connector joins pipelines of one signal). */
    signal,
    table: z.array(route).min(1),
    /** Pipelines for data no route matches. */
    defaultPipelines: z.array(z.string().min(1)).default([]),
    errorMode: z.enum(['ignore', 'silent', 'propagate']).default('ignore'),
  })
  .strict();

/** Options of `Connectors.forward`. */
export const forwardOptions = z.object({ name, signals: z.array(signal).min(1).optional() }).strict();

/** Typed builders for the connectors the tiers use. */
export class Connectors {
  /** `routing`: routes by OTTL `table` entries to pipelines (`default_pipelines` otherwise). */
  static routing(options: z.input<typeof routingOptions>): CollectorComponent {
    const o = parseOptions('connector routing', routingOptions, options);
    const s: Signal = o.signal;
    return new CollectorComponent({
      kind: 'connector',
      type: T.routing,
      name: o.name,
      signals: [s],
      connects: [{ from: s, to: s }],
      config: compact({
        error_mode: o.errorMode,
        default_pipelines: o.defaultPipelines.length ? o.defaultPipelines : undefined,
        table: o.table.map((r) =>
          compact({
            context: r.context,
            condition: r.condition,
            statement: r.statement,
            pipelines: r.pipelines,
          }),
        ),
      }),
    });
  }

  /** `forward`: passes data from one pipeline to another of the same signal. */
  static forward(options: z.input<typeof forwardOptions> = {}): CollectorComponent {
    const o = parseOptions('connector forward', forwardOptions, options);
    return new CollectorComponent({
      kind: 'connector',
      type: T.forward,
      name: o.name,
      signals: o.signals,
      config: {},
    });
  }
}

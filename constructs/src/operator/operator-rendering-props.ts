import { z } from 'zod';

/** Props of the OpenTelemetry Operator rendering (`Rendering.operator()` uses the defaults). */
export interface OperatorRenderingProps {
  /**
   * `spec.upgradeStrategy`: `none` keeps the pinned collector image and config as rendered;
   * `automatic` lets the operator upgrade them with itself.
   * @default 'none'
   */
  readonly upgradeStrategy?: 'automatic' | 'none';
  /**
   * `spec.managementState`: `unmanaged` makes the operator stop reconciling the resources.
   * @default 'managed'
   */
  readonly managementState?: 'managed' | 'unmanaged';
  /**
   * Also render the tier's Services under their model names (selecting the operator's pods),
   * so endpoints such as the gateway's stay the same as with plain workloads. The operator's
   * own Services are named `<name>-collector`.
   * @default true
   */
  readonly stableServices?: boolean;
  /** Labels added to every `OpenTelemetryCollector` (they propagate to the pods). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

export const operatorRenderingSchema = z
  .object({
    upgradeStrategy: z.enum(['automatic', 'none']).default('none'),
    managementState: z.enum(['managed', 'unmanaged']).default('managed'),
    stableServices: z.boolean().default(true),
    labels: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type ResolvedOperatorRenderingProps = z.output<typeof operatorRenderingSchema>;

/** Validates the props; throws naming the key, the value and the fix. */
export function resolveOperatorRenderingProps(props: OperatorRenderingProps): ResolvedOperatorRenderingProps {
  const parsed = operatorRenderingSchema.safeParse(props);
  if (parsed.success) return parsed.data;
  throw new Error(
    parsed.error.issues
      .map((i) => {
        const key = i.path.join('.');
        const value = (props as Record<string, unknown>)[String(i.path[0])];
        return `operator rendering prop "${key}" = ${JSON.stringify(value)}: ${i.message}`;
      })
      .join('\n'),
  );
}

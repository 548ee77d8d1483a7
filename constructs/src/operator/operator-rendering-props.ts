import { z } from 'zod';
import { parseProps } from '../validation/prop-errors';

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
    upgradeStrategy: z
      .enum(['automatic', 'none'], { error: "must be 'automatic' or 'none'" })
      .default('none'),
    managementState: z
      .enum(['managed', 'unmanaged'], { error: "must be 'managed' or 'unmanaged'" })
      .default('managed'),
    stableServices: z.boolean({ error: 'must be true or false' }).default(true),
    labels: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type ResolvedOperatorRenderingProps = z.output<typeof operatorRenderingSchema>;

/** Validates the props; throws naming the key, the value and the fix (`OperatorRenderer: props.x = ...`). */
export function resolveOperatorRenderingProps(props: OperatorRenderingProps): ResolvedOperatorRenderingProps {
  return parseProps('OperatorRenderer', 'props', operatorRenderingSchema, props);
}

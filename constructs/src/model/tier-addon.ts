import type { Construct } from 'constructs';
import type { CollectorConfig } from './collector-config';
import type { CollectorWorkloadModel, TierKind } from './workload';

/** What an addon sees of a tier: its final model, once validated and rendered. */
export interface TierInfo {
  readonly tierKind: TierKind;
  /** The tier's name (base name of its objects). */
  readonly tierName: string;
  readonly model: CollectorWorkloadModel;
  readonly config: CollectorConfig;
  /** Whether the tier runs the podtail sidecar (and so exposes podtail's `/metrics`). */
  readonly podtail?: { readonly metricsPort: number; readonly containerName: string };
}

/**
 * A hook into a tier: called once at synth, after the tier's model is validated and rendered,
 * with a scope under the tier for the objects it adds (alert rules, PodMonitors, dashboards).
 * Add with the tier prop `addons` or `tier.addAddon(...)`.
 */
export interface ITierAddon {
  /** A short name; also the construct id of the scope given to `apply`. */
  readonly name: string;
  apply(scope: Construct, tier: TierInfo): void;
}

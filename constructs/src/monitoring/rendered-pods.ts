import type { CollectorWorkloadModel } from '../model';
import { COLLECTOR_TELEMETRY_PORT } from '../model';

/**
 * How a renderer labelled and named the pods of a tier, so monitors select the pods that were
 * actually rendered. A renderer that changes pod labels (the operator renderer) records it
 * here; otherwise the model's own selector labels and port names apply.
 */
export interface RenderedPods {
  readonly renderer: string;
  readonly namespace?: string;
  readonly collectorSelector: Readonly<Record<string, string>>;
  readonly collectorContainer?: string;
  /** Container port name serving the collector's own metrics (8888). */
  readonly collectorMetricsPort?: string;
  readonly targetAllocatorSelector?: Readonly<Record<string, string>>;
  readonly targetAllocatorMetricsPort?: string;
}

const rendered = new WeakMap<CollectorWorkloadModel, RenderedPods>();

/** Called by a renderer that labels pods differently from the model. */
export function recordRenderedPods(model: CollectorWorkloadModel, pods: RenderedPods): void {
  rendered.set(model, pods);
}

/** How the pods of `model` were rendered: as recorded, else as the model describes them. */
export function renderedPodsOf(model: CollectorWorkloadModel): RenderedPods {
  const recorded = rendered.get(model);
  if (recorded) return recorded;
  const metrics = model.collector.ports.find((p) => p.containerPort === COLLECTOR_TELEMETRY_PORT);
  return {
    renderer: 'plain',
    namespace: model.namespace,
    collectorSelector: model.selectorLabels,
    collectorMetricsPort: metrics?.name,
    targetAllocatorSelector: model.targetAllocator
      ? { 'app.kubernetes.io/name': model.targetAllocator.name }
      : undefined,
    targetAllocatorMetricsPort: model.targetAllocator ? 'http' : undefined,
  };
}

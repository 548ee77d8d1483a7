import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { type CollectorWorkloadModel, type IWorkloadRenderer, Rendering } from '../model';
import { OperatorIdentity } from './operator-identity';
import {
  OPERATOR_COLLECTOR_CONTAINER,
  OPERATOR_METRICS_PORT_NAME,
  OPERATOR_TARGET_ALLOCATOR_PORT_NAME,
  operatorCollectorSelector,
  operatorTargetAllocatorSelector,
} from './operator-labels';
import { operatorCollectorSpec } from './operator-collector-spec';
import {
  type OperatorRenderingProps,
  type ResolvedOperatorRenderingProps,
  resolveOperatorRenderingProps,
} from './operator-rendering-props';
import { OperatorServices } from './operator-services';
import { recordRenderedPods } from '../monitoring/rendered-pods';

/** apiVersion and kind of the custom resource the operator renderer emits. */
export const OPEN_TELEMETRY_COLLECTOR_GVK = {
  apiVersion: 'opentelemetry.io/v1beta1',
  kind: 'OpenTelemetryCollector',
};

/**
 * Renders a tier as an OpenTelemetry Operator `OpenTelemetryCollector` (opentelemetry.io/v1beta1)
 * from the same model the plain renderer uses: mode, config, image, env, volumes, mounts,
 * tolerations, resources, probes' timings, autoscaler, PDB, the podtail sidecar in
 * `additionalContainers`, and the Target Allocator of a gateway in `spec.targetAllocator`.
 * Beside it: the ServiceAccounts and RBAC the operator does not create, the sidecars'
 * ConfigMaps, and (by default) the tier's Services under their model names.
 */
export class OperatorRenderer implements IWorkloadRenderer {
  readonly name = 'operator';
  private readonly props: ResolvedOperatorRenderingProps;

  constructor(props: OperatorRenderingProps = {}) {
    this.props = resolveOperatorRenderingProps(props);
  }

  render(scope: Construct, model: CollectorWorkloadModel): void {
    const namespace = model.namespace ?? Chart.of(scope).namespace;
    if (!namespace) {
      throw new Error(
        `${model.tierKind} '${model.name}': the operator rendering needs a namespace (its pod selector ` +
          "contains it); set the tier's namespace or the chart's",
      );
    }
    const labels = { ...model.labels };
    new OperatorIdentity(scope, 'Identity', model.identity, namespace, labels);
    for (const cm of model.configMaps) {
      new ApiObject(scope, `ConfigMap-${cm.name}`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: cm.name, namespace, labels },
        data: { ...cm.data },
      });
    }
    new ApiObject(scope, 'OpenTelemetryCollector', {
      ...OPEN_TELEMETRY_COLLECTOR_GVK,
      metadata: { name: model.name, namespace, labels: { ...labels, ...this.props.labels } },
      spec: operatorCollectorSpec(model, this.props),
    });
    const selector = operatorCollectorSelector(namespace, model.name);
    if (this.props.stableServices && model.services.length > 0) {
      new OperatorServices(scope, 'Services', model.services, namespace, labels, selector);
    }
    if (model.targetAllocator) {
      new OperatorIdentity(
        scope,
        'TargetAllocatorIdentity',
        model.targetAllocator.identity,
        namespace,
        labels,
      );
    }
    recordRenderedPods(model, {
      renderer: this.name,
      namespace,
      collectorSelector: selector,
      collectorContainer: OPERATOR_COLLECTOR_CONTAINER,
      collectorMetricsPort: OPERATOR_METRICS_PORT_NAME,
      targetAllocatorSelector: model.targetAllocator
        ? operatorTargetAllocatorSelector(namespace, model.name)
        : undefined,
      targetAllocatorMetricsPort: model.targetAllocator ? OPERATOR_TARGET_ALLOCATOR_PORT_NAME : undefined,
    });
  }
}

/** `Rendering.operator()` and `Rendering.named('operator')` resolve to this. */
Rendering.register('operator', () => new OperatorRenderer());

/** The operator rendering with options (`Rendering.operator()` is this with the defaults). */
export function operatorRendering(props: OperatorRenderingProps = {}): Rendering {
  return Rendering.custom(new OperatorRenderer(props));
}

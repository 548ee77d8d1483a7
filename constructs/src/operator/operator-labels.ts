/**
 * Labels the OpenTelemetry Operator puts on the pods it creates for an `OpenTelemetryCollector`
 * named `name` in `namespace`, and selects them by. Services and monitors of the operator
 * rendering select pods with these, because the operator overwrites `app.kubernetes.io/name`
 * and `app.kubernetes.io/instance` on the pods.
 */
export function operatorCollectorSelector(namespace: string, name: string): Record<string, string> {
  return {
    'app.kubernetes.io/component': 'opentelemetry-collector',
    'app.kubernetes.io/instance': `${namespace}.${name}`,
    'app.kubernetes.io/managed-by': 'opentelemetry-operator',
    'app.kubernetes.io/part-of': 'opentelemetry',
  };
}

/** Labels the operator selects the Target Allocator pods of collector `name` by. */
export function operatorTargetAllocatorSelector(namespace: string, name: string): Record<string, string> {
  return {
    'app.kubernetes.io/component': 'opentelemetry-targetallocator',
    'app.kubernetes.io/instance': `${namespace}.${name}`,
    'app.kubernetes.io/managed-by': 'opentelemetry-operator',
    'app.kubernetes.io/part-of': 'opentelemetry',
  };
}

/** Name of the container the operator runs the collector in. */
export const OPERATOR_COLLECTOR_CONTAINER = 'otc-container';
/** Name of the collector container port the operator adds for the collector's own metrics (8888). */
export const OPERATOR_METRICS_PORT_NAME = 'metrics';
/** Name of the Target Allocator container the operator creates. */
export const OPERATOR_TARGET_ALLOCATOR_CONTAINER = 'ta-container';
/** Name of the Target Allocator container port (8080) the operator creates. */
export const OPERATOR_TARGET_ALLOCATOR_PORT_NAME = 'http';

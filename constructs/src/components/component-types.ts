/**
 * Upstream component type names, in one place. The collector (v0.144+) renamed some types to
 * lower_snake_case and keeps the old names as deprecated aliases (`otlp` -> `otlp_grpc`,
 * `otlphttp` -> `otlp_http`, `kubeletstats` -> `kubelet_stats`, `k8sobjects` -> `k8s_objects`, `k8sattributes` ->
 * `k8s_attributes`, `resourcedetection` -> `resource_detection`).
 * The pinned image (0.158.0) has the new names; we emit them so the collector logs no
 * deprecation warnings.
 */
export const COMPONENT_TYPES = {
  otlpReceiver: 'otlp',
  filelog: 'filelog',
  hostmetrics: 'hostmetrics',
  kubeletstats: 'kubelet_stats',
  prometheus: 'prometheus',
  k8sobjects: 'k8s_objects',
  k8sEvents: 'k8s_events',
  k8sCluster: 'k8s_cluster',
  memoryLimiter: 'memory_limiter',
  batch: 'batch',
  k8sattributes: 'k8s_attributes',
  resourcedetection: 'resource_detection',
  resource: 'resource',
  attributes: 'attributes',
  transform: 'transform',
  filter: 'filter',
  otlpGrpcExporter: 'otlp_grpc',
  otlpHttpExporter: 'otlp_http',
  debug: 'debug',
  loadbalancing: 'loadbalancing',
  routing: 'routing',
  forward: 'forward',
  healthCheck: 'health_check',
  fileStorage: 'file_storage',
  k8sLeaderElector: 'k8s_leader_elector',
} as const;

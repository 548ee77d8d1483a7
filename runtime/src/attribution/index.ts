export * from './container-lookup';
export * from './containerd-adapter';
export * from './disruption';
export * from './extension';
export * from './pod-cache';
export * from './registry-metrics';
export * from './semconv';

export * from './monitor-props';
export * from './rendered-pods';
export * from './telemetry-pod-monitor';
export * from './telemetry-service-monitor';
export * from './tier-monitors';

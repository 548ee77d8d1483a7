/**
 * `podtail/config`: the light entry point shared with the construct library. It depends on
 * zod alone: never import the engine, gRPC or the Kubernetes client from here.
 */
export * from './failure-kinds';
export * from './schema';
export * from './load';
export * from './metric-names';

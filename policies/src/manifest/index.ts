export * from './resource';
export * from './load-manifests';
export * from './workload';
export * from './collector-config';

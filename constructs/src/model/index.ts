export * from './kube-types';
export * from './component';
export * from './collector-config';
export * from './workload';
export * from './rendering';
export * from './tier-addon';
export * from './security-context';

export * from './client';
export * from './pod';
export * from './pod-informer';
export * from './owner-resolver';

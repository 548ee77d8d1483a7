export * from './sources';
export * from './training-resolver';

export * from './extension';
export * from './histogram';
export * from './metric-names';

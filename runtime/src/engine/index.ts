export * from './batch';
export * from './engine';

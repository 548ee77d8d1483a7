export * from './path-info';
export * from './glob';
export * from './scanner';
export * from './dir-watcher';

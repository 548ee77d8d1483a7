export * from './client';
export * from './labels';
export * from './store';
export * from './lifecycle';
export * from './watcher';
export * from './lookup';
export * from './extension';
export * from './ls';

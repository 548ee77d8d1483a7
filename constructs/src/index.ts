export * from './version';
export * from './model';
export * from './components';

export * from './plain-renderer';

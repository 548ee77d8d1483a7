export * from './logger';
export * from './metrics';
export * from './server';
export * from './rate-limited-log';

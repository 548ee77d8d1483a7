export * from './extension';
export * from './severity';

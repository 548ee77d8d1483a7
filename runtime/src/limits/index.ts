export * from './extension';
export * from './token-bucket';

export * from './fingerprint';
export * from './tailed-file';

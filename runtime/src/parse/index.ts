export * from './timestamp';
export * from './cri';
export * from './docker-json';

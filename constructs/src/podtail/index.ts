export * from './podtail-version';
export * from './podtail-sidecar';
export * from './logs-source';

export * from './rbac';
export * from './gateway-ref';
export * from './collector-tier';
export * from './agent-tier';
export * from './cluster-scrape';
export * from './gateway-tier';
export * from './cluster-agent-tier';

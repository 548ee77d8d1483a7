export * from './operator-collector-spec';
export * from './operator-identity';
export * from './operator-labels';
export * from './operator-renderer';
export * from './operator-rendering-props';
export * from './operator-services';

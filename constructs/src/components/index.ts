export * from './component-types';
export * from './receivers';
export * from './processors';
export * from './exporters';
export * from './connectors';
export * from './extensions';

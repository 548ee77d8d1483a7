export * from './config';
export * from './pipeline/record';
export * from './pipeline/extension';
export { Engine, type EngineOptions } from './engine';
export * from './export';
export * from './telemetry';
export { main as cliMain } from './cli';

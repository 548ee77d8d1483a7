export * from './exporter';
export * from './proto-writer';
export * from './otlp-logs-encoder';
export * from './otlphttp-exporter';
export * from './file-exporter';
export * from './stdout-exporter';
export * from './create-exporter';

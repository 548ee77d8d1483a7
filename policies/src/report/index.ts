export * from './format-json';
export * from './format-table';

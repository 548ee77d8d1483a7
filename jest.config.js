// One jest run for every package, as projects. Tests are TypeScript, transpiled by ts-jest
// (type-checking is `npm run typecheck`). `podtail` and `podtail/config` map to the runtime's
// sources so tests never run against a stale build. @kubernetes/client-node 1.x and the
// packages it pulls in are ESM-only: they are transpiled to CommonJS for jest.
const esmOnly = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose', 'jsonpath-plus'];
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];
const transform = {
  '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  '^.+\\.m?js$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
};
const moduleNameMapper = {
  '^podtail$': '<rootDir>/runtime/src/index.ts',
  '^podtail/config$': '<rootDir>/runtime/src/config/index.ts',
  '^@otel-tiers/policies$': '<rootDir>/policies/src/index.ts',
};
const project = (name, testTimeout) => ({
  displayName: name,
  rootDir: __dirname,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns,
  moduleNameMapper,
  testTimeout,
});

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/scripts/jest-global-setup.js',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  projects: [
    project('constructs', 30000),
    project('policies', 30000),
    project('runtime', 60000),
    project('integration', 180000),
  ],
};

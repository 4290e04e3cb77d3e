// One jest config for unit, golden and end-to-end suites. swc strips types (fast on
// 2 cores); `npm run typecheck` is what checks them.
// ESM-only packages (@kubernetes/client-node and its OpenID dependencies) are compiled to
// CommonJS for jest's loader; at runtime Node >= 20.19 require()s them natively.
const esmOnly = ['@kubernetes/client-node', 'openid-client', 'jose', 'oauth4webapi'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper: { '^@tidegate/([^/]+)$': '<rootDir>/packages/$1/src' },
  testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/'],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};

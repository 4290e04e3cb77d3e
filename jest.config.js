// One jest config for unit, golden and end-to-end suites. swc strips types (fast on
// 2 cores); `npm run typecheck` is what checks them.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  moduleNameMapper: { '^@tidegate/([^/]+)$': '<rootDir>/packages/$1/src' },
  testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/'],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};

// Test hosts for e2e tests: backends in network namespaces of the test run (implemented in @tidegate/testkit).
export { createTestHost, type TestHost, type TestHostEcho } from '@tidegate/testkit';

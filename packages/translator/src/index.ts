export * from './envoy';
export * from './gateway-api';

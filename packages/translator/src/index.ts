export * from './envoy';
export * from './gateway-api';
export * from './registry';
export * from './ingress';

export * from './echo-server';
export * from './certificates';
export * from './grpc-echo';
export * from './test-host';
export * from './descriptor-set';

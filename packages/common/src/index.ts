export * from './result';
export * from './errors';
export * from './logger';
export * from './redact';
export * from './topic';
export * from './resources';
export * from './registry-target';
export * from './sorting';

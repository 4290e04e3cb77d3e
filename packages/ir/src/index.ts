export * from './types';
export { validateIR, validateProxyGroup } from './validate';
export { shareUnchanged } from './share';
export type { FeatureChecker, IrFeatureCheck } from './feature-check';
export * from './features';
export * from './envoy-rules';

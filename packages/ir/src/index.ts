export * from './types';
export { validateIR, validateProxyGroup } from './validate';
export { shareUnchanged } from './share';

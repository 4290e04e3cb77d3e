export * from './types';
export { validateIR, validateProxyGroup } from './validate';

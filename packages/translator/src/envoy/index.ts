export type { EnvoyResources } from './resources';
export { translateProxyGroup } from './translate';
export { buildResourceSet } from './resource-set';
export { basicAuthProblems } from './basic-auth';

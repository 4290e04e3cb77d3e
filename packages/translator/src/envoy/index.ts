export type { EnvoyResources } from './resources';
export { translateProxyGroup, type EnvoyTranslateOptions } from './translate';
export { DEFAULT_SCOPED_ROUTES_MIN_HOSTS } from './scoped-routes';
export { buildResourceSet } from './resource-set';
export { basicAuthProblems } from './basic-auth';

// Public API of @tidegate/providers: the provider contract and the file provider.
export type { Provider } from './provider';
export type { ObjectCheck, ObjectVerdict } from './object-check';
export { LastValidObjects } from './last-valid';
export { ProvidersError, type ProvidersErrorCode } from './errors';
export { compareObjects, sortObjects } from './object-order';
export { FileProvider, type FileProviderOptions } from './file/file-provider';
export type { KubeObject, ObjectStatus, ProviderError, ResourceSnapshot, SourcedObject } from '@tidegate/common';
export * from './nacos';
export * from './kubernetes';

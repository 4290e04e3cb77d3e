export { envoyRoot, messageType, protoIncludeDirs } from './proto-root';
export * from './type-urls';
export * from './encode';
export * from './builders';
export { checkMessage } from './strict-check';
export { encodeResourceByParts, encodeResourceCached } from './encode-cached';

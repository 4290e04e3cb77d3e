// Shared building blocks for resources → IR translators (Gateway API now, Ingress later).
export * from './translation-error';
export * from './kind-schema';
export * from './resource-index';
export * from './environment';
export * from './host-order';
export * from './zod-issues';
export * from './conditions';
export * from './duration';
export * from './quantity';
export * from './label-selector';
export * from './namespace';
export * from './secret';
export * from './service';
export * from './endpoint-slice';
export * from './backend-policy-schema';
export * from './backend-policies';
export * from './service-backends';

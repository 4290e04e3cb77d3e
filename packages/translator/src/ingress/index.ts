// Public API of the Ingress translator.
export { translateIngress, INGRESS_KINDS } from './translate';
export { IngressTranslationCache } from './translation-cache';
export { migrationReport, type MigrationReport, type MigrationReportOptions } from './migrate-report';
export { INGRESS_CONTROLLER_NAME } from './types';
export type { IngressTranslateOptions, IngressTranslationResult, AnnotationFinding, SupportLevel, RegistryHosts } from './types';

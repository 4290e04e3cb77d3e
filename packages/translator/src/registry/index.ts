// Public API of the registry translator (Higress McpBridge, Nacos/Dubbo services as routable hosts).
export { translateRegistries, REGISTRY_KINDS, type RegistryTranslation } from './translate';
export { RegistryCatalog, type RegistryServiceEntry } from './registry-catalog';
export {
  REGISTRY_REF_GROUP,
  REGISTRY_REF_KIND,
  registryBackendRefResolver,
  parseHostPort,
  type BackendRefResolver,
  type ExternalBackendRef,
} from './backend-ref';
export type { NacosRegistrySource, NacosCredentials } from './mcp-bridges';
export { DEFAULT_REFRESH_INTERVAL_MS, MIN_REFRESH_INTERVAL_MS } from './mcp-bridges';
export { McpBridgeKind, HIGRESS_GROUP } from './mcp-bridge-schema';
export { RegistryServiceKind, REGISTRY_SERVICE_KIND, type RegistryInstance, type RegistryServiceSpec } from './registry-service-schema';
export { nacosHost, staticHost, dnsHost, parseDubboProvider, isDubboConsumer, NACOS_DEFAULT_GROUP } from './host-names';
export { WEIGHT_SCALE } from './nacos-backends';
export { parseDestinationAnnotation, type Destination, type DestinationResult } from './destination';

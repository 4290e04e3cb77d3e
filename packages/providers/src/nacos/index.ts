// Nacos: the registry provider (services → RegistryService objects) and the configuration provider (configs → objects).
export { NacosProvider, type NacosProviderOptions } from './nacos-provider';
export { NacosHttpClient, type NacosAddress, type NacosCredentials, type NacosInstance, type NacosConfigItem, type InstanceWrite } from './nacos-http';
export type { NacosRegistryTarget, RegistryStatus } from './types';
export { NacosConfigProvider, nacosDataId, DEFAULT_CONFIG_GROUP, type NacosConfigProviderOptions } from './nacos-config-provider';
export { startRnacos, rnacosBinary, RNACOS_VERSION, type RnacosServer, type RnacosOptions } from './rnacos-server';

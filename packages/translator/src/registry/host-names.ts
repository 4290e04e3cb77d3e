// Host names of registry services, exactly as Higress makes them (`<service>.<group>.<namespace>.nacos`, `<name>.static`, `<name>.dns`).

/** Nacos's default group and namespace (the public namespace has the empty id). */
export const NACOS_DEFAULT_GROUP = 'DEFAULT_GROUP';
export const NACOS_PUBLIC_NAMESPACE = 'public';

/** Host names must stay DNS-like: Higress turns `_` into `-` in the group (and namespace) part. */
const dashes = (s: string): string => s.replace(/_/g, '-');

/** `<service>.<group>.<namespace>.nacos`, e.g. `orders.DEFAULT-GROUP.public.nacos`. The service part is kept as registered. */
export function nacosHost(service: string, group: string, namespace: string): string {
  return `${service}.${dashes(group)}.${dashes(namespace || NACOS_PUBLIC_NAMESPACE)}.nacos`;
}

/** The namespace part of Nacos host names: `nacosNamespace`, else `nacosNamespaceId`, else `public`. */
export function nacosHostNamespace(reg: { nacosNamespace?: string | undefined; nacosNamespaceId?: string | undefined }): string {
  return reg.nacosNamespace || reg.nacosNamespaceId || NACOS_PUBLIC_NAMESPACE;
}

export const staticHost = (registryName: string): string => `${registryName}.static`;
export const dnsHost = (registryName: string): string => `${registryName}.dns`;

/** A Dubbo interface-level registration, `providers:<interface>:<version>:<group>`. */
export interface DubboProvider {
  interface: string;
  version: string;
  group: string;
}

/** Parses `providers:<interface>:<version>:<group>` (version and group may be empty). */
export function parseDubboProvider(service: string): DubboProvider | undefined {
  const parts = service.split(':');
  if (parts[0] !== 'providers' || parts.length < 2 || !parts[1]) return undefined;
  return { interface: parts[1], version: parts[2] ?? '', group: parts[3] ?? '' };
}

/** Dubbo consumers register too (`consumers:...`); they are not services anyone routes to. */
export const isDubboConsumer = (service: string): boolean => service.startsWith('consumers:');

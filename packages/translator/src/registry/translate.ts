// The registry translator: McpBridges and discovered RegistryServices in; a catalog of routable hosts, Nacos sources and errors out.
import type { SourcedObject } from '@tidegate/common';
import { ErrorSink, ResourceIndex, SecretKind, type KindSchema, type TranslationError } from '../resources';
import { isDubboConsumer, nacosHost } from './host-names';
import { McpBridgeKind } from './mcp-bridge-schema';
import { readBridges, type NacosRegistrySource } from './mcp-bridges';
import { RegistryCatalog } from './registry-catalog';
import { RegistryServiceKind } from './registry-service-schema';
import type { SecretReader } from './auth-secret';

/** Kinds this translator validates and reports on (Secrets are read, and reported by their own translator). */
export const REGISTRY_KINDS: ReadonlyArray<KindSchema<unknown>> = [McpBridgeKind, RegistryServiceKind];

export interface RegistryTranslation {
  /** Every routable registry host: Nacos services discovered so far, static and DNS services. */
  catalog: RegistryCatalog;
  /** The Nacos registries to watch, fully resolved (credentials included). */
  nacosSources: NacosRegistrySource[];
  /** McpBridge mistakes (unknown or unsupported fields and types, bad domains, missing Secrets, host conflicts). */
  errors: TranslationError[];
}

/** At most this many host-conflict errors per registry, then one summary. */
const MAX_CONFLICTS_REPORTED = 10;

/**
 * Translates McpBridges and the RegistryServices providers discovered through them. Pure:
 * the same objects give the same catalog. RegistryServices of registries no valid McpBridge
 * declares any more (a provider that has not caught up yet) are ignored.
 */
export function translateRegistries(objects: readonly SourcedObject[]): RegistryTranslation {
  const sink = new ErrorSink();
  const index = new ResourceIndex(objects, REGISTRY_KINDS, sink);
  // Secrets are validated (and their mistakes reported) by the Gateway API translator: a private sink avoids doubles.
  const secrets = new ResourceIndex(objects, [SecretKind], new ErrorSink());
  const readSecret: SecretReader = (namespace, name) => {
    const found = secrets.get(SecretKind, namespace, name);
    if (found) return found.body;
    return secrets.lookup(SecretKind, namespace, name) === 'invalid' ? 'invalid' : undefined;
  };
  const reading = readBridges(index, readSecret, sink);
  const catalog = new RegistryCatalog();
  for (const bridge of index.list(McpBridgeKind)) catalog.addBridge(bridge.name);
  const conflicts = new Map<string, number>();
  // `path`: the registry (or discovered service) that lost the host.
  const conflict = (registryKey: string, host: string, at: Parameters<ErrorSink['add']>[0], path: string) => {
    const n = (conflicts.get(registryKey) ?? 0) + 1;
    conflicts.set(registryKey, n);
    if (n <= MAX_CONFLICTS_REPORTED) {
      sink.add(at, path, 'host-conflict', `registry ${registryKey}: host ${host} is already provided by ${catalog.get(host)?.registryKey}; the first one wins`);
    }
  };

  for (const fixed of reading.fixed) {
    if (!catalog.add({ kind: 'fixed', host: fixed.host, registryKey: fixed.registryKey, port: fixed.port, backend: fixed.backend })) {
      conflict(fixed.registryKey, fixed.host, fixed.at, fixed.path);
    }
  }

  const sources = new Map(reading.nacos.map((s) => [s.key, s]));
  for (const svc of index.list(RegistryServiceKind)) {
    const spec = svc.body.spec;
    const source = sources.get(`${svc.namespace}/${spec.bridge}/${spec.registry}`);
    if (!source || spec.nacos.namespaceId !== source.namespaceId || !source.groups.includes(spec.nacos.group)) continue;
    if (isDubboConsumer(spec.nacos.service)) continue;
    const host = nacosHost(spec.nacos.service, spec.nacos.group, source.hostNamespace);
    if (!catalog.add({ kind: 'nacos', host, registryKey: source.key, instances: spec.instances })) {
      const origin = reading.origins.get(source.key);
      conflict(source.key, host, origin?.at ?? svc, origin?.path ?? 'spec.nacos.service');
    }
  }
  for (const [registryKey, n] of conflicts) {
    if (n > MAX_CONFLICTS_REPORTED) {
      const source = sources.get(registryKey);
      const origin = source ? reading.origins.get(registryKey) : undefined;
      if (origin) sink.add(origin.at, origin.path, 'host-conflict', `registry ${registryKey}: ${n - MAX_CONFLICTS_REPORTED} more host conflicts not listed`);
    }
  }
  return { catalog, nacosSources: reading.nacos, errors: sink.sorted() };
}

// Wires service registries: McpBridges from the configuration providers → Nacos provider → RegistryService objects; plus its metrics.
import deepEqual from 'fast-deep-equal';
import { combineLatest, distinctUntilChanged, map, of, type Observable } from 'rxjs';
import { Gauge, type Registry } from 'prom-client';
import { joinLists, type ResourceSnapshot } from '@tidegate/common';
import { NacosProvider, type NacosRegistryTarget, type Provider, type RegistryStatus } from '@tidegate/providers';
import { translateRegistries } from '@tidegate/translator';

/**
 * The Nacos provider for the registries the configuration providers' McpBridges declare.
 * Its targets follow every configuration change; only a change of the resolved registries
 * (address, namespace, groups, interval, credentials) reaches it.
 */
export function createRegistryProvider(configProviders: readonly Provider[]): NacosProvider {
  if (configProviders.length === 0) return new NacosProvider({ targets: of([]) });
  const targets: Observable<NacosRegistryTarget[]> = combineLatest(configProviders.map((p) => p.resources.changes())).pipe(
    map((snapshots: ResourceSnapshot[]) => translateRegistries(joinLists(snapshots.map((s) => s.objects))).nacosSources),
    distinctUntilChanged(deepEqual),
  );
  return new NacosProvider({ targets });
}

/** `tidegate_registry_*` gauges, read from the provider's status at scrape time. */
export function registerRegistryMetrics(registry: Registry, status: () => RegistryStatus[]): void {
  const per = (name: string, help: string, value: (s: RegistryStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['registry'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of status()) this.set({ registry: s.key }, value(s));
      },
    });
  per('tidegate_registry_stale', '1 while a registry cannot be read and its last known endpoints keep serving', (s) => (s.stale ? 1 : 0));
  per('tidegate_registry_push_connected', '1 while a Nacos 2.x gRPC push subscription is up', (s) => (s.mode === 'push' ? 1 : 0));
  per('tidegate_registry_services', 'Services discovered in a registry', (s) => s.services);
  per('tidegate_registry_instances', 'Instances discovered in a registry', (s) => s.instances);
  per('tidegate_registry_refresh_failures', 'Failed registry refreshes since start', (s) => s.failures);
}

// Control-plane metrics beyond the xDS server's own (which registers on the same registry).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  translationSeconds: Histogram<string>;
  systemErrors: Counter<'stage'>;
  configErrors: Gauge<string>;
  proxyGroups: Gauge<string>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tidegate_' });
  return {
    registry,
    translationSeconds: new Histogram({
      name: 'tidegate_translation_duration_seconds',
      help: 'Time to translate resources into IR and encoded Envoy snapshots',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    systemErrors: new Counter({
      name: 'tidegate_system_errors_total',
      help: 'Internal failures that kept the last good snapshot serving',
      labelNames: ['stage'],
      registers: [registry],
    }),
    configErrors: new Gauge({
      name: 'tidegate_config_errors',
      help: 'User configuration errors in the current resources',
      registers: [registry],
    }),
    proxyGroups: new Gauge({
      name: 'tidegate_proxy_groups',
      help: 'Proxy groups (gateways) with a published snapshot',
      registers: [registry],
    }),
  };
}

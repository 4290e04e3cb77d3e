// Prometheus metrics of the xDS server, registered on the caller's registry if given.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { TYPE_SHORT_NAME, isXdsTypeUrl } from '@tidegate/envoy-api';

/** Label value for a type URL: CDS, EDS, ... or the URL itself for other types. */
export const typeLabel = (typeUrl: string): string => (isXdsTypeUrl(typeUrl) ? TYPE_SHORT_NAME[typeUrl] : typeUrl);

export class XdsMetrics {
  readonly pushes: Counter<'type'>;
  readonly pushDuration: Histogram<'type'>;
  readonly connectedProxies: Gauge;
  readonly acks: Counter<'type'>;
  readonly nacks: Counter<'type'>;
  readonly staleNonces: Counter<'type'>;
  readonly orderingTimeouts: Counter;

  /** Without a registry the metrics still count (tests read them) but are not exported. */
  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.pushes = new Counter({
      name: 'tidegate_xds_pushes_total',
      help: 'xDS responses sent, by resource type',
      labelNames: ['type'],
      registers,
    });
    this.pushDuration = new Histogram({
      name: 'tidegate_xds_push_duration_seconds',
      help: 'Time from a snapshot being set to its response being written to a stream',
      labelNames: ['type'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.connectedProxies = new Gauge({
      name: 'tidegate_xds_connected_proxies',
      help: 'Distinct proxy node ids with at least one open xDS stream',
      registers,
    });
    this.acks = new Counter({ name: 'tidegate_xds_acks_total', help: 'xDS responses ACKed by proxies', labelNames: ['type'], registers });
    this.nacks = new Counter({ name: 'tidegate_xds_nacks_total', help: 'xDS responses rejected (NACKed) by proxies', labelNames: ['type'], registers });
    this.staleNonces = new Counter({
      name: 'tidegate_xds_stale_nonces_total',
      help: 'xDS requests ignored because they answered a response that was already superseded',
      labelNames: ['type'],
      registers,
    });
    this.orderingTimeouts = new Counter({
      name: 'tidegate_xds_ordering_timeouts_total',
      help: 'Times an ADS stream pushed held listeners and routes because new or changed clusters did not warm within the ordering timeout',
      registers,
    });
  }
}

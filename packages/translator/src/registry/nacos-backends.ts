// Nacos instances as IR endpoints: weight, health and enabled honoured; the `protocol` metadata picks the upstream protocol.
import type { Backend, Endpoint } from '@tidegate/ir';
import type { RegistryInstance } from './registry-service-schema';

/** Nacos weights are decimals (default 1); Envoy's are whole numbers ≥ 1, so weights are scaled by 100. */
export const WEIGHT_SCALE = 100;

/** Instance metadata `protocol` values and the upstream protocol they mean. */
const PROTOCOLS: Record<string, Backend['protocol'] | 'dubbo'> = {
  tri: 'grpc',
  triple: 'grpc',
  grpc: 'grpc',
  h2c: 'http2',
  http2: 'http2',
  h2: 'http2',
  http: 'http1',
  dubbo: 'dubbo',
};

/** The Envoy weight of a Nacos weight, or 0 for "no traffic". */
export function endpointWeight(nacosWeight: number): number {
  if (!(nacosWeight > 0)) return 0;
  return Math.max(1, Math.round(nacosWeight * WEIGHT_SCALE));
}

/**
 * Endpoints that get traffic: enabled, healthy, weight > 0, and on `port` when one is asked
 * for. Unhealthy and disabled instances are left out rather than marked, so Envoy's panic
 * mode can never send them traffic. Sorted by address and port; repeats count once.
 */
export function instanceEndpoints(instances: readonly RegistryInstance[], port?: number): Endpoint[] {
  const byKey = new Map<string, Endpoint>();
  for (const i of instances) {
    if (!i.enabled || !i.healthy || i.port === 0) continue;
    if (port !== undefined && i.port !== port) continue;
    const weight = endpointWeight(i.weight);
    if (weight === 0) continue;
    const key = `${i.ip}|${i.port}`;
    if (!byKey.has(key)) byKey.set(key, { address: i.ip, port: i.port, weight });
  }
  return [...byKey.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port));
}

/**
 * The upstream protocol the instances announce in `metadata.protocol`: the most common
 * value among all instances (ties go to the first in address order), so the protocol does
 * not flip while instances come and go. `dubbo` (Dubbo 2 / hessian) is not HTTP: such a
 * backend stays HTTP/1.1 to Envoy and is only useful through a TCP route.
 */
export function instanceProtocol(instances: readonly RegistryInstance[]): Backend['protocol'] {
  const counts = new Map<string, number>();
  const sorted = [...instances].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port));
  for (const i of sorted) {
    const p = PROTOCOLS[(i.metadata.protocol ?? '').toLowerCase()];
    if (p) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [p, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = p;
  return best === 'grpc' || best === 'http2' ? best : undefined;
}

/**
 * Backends by instance list (the parsed RegistryService body, the same object while the
 * service is unchanged): one instance change among thousands of services rebuilds one
 * backend. Returned backends are frozen; callers copy to change them.
 */
const built = new WeakMap<readonly RegistryInstance[], Map<string, Backend>>();

/** The IR backend of a Nacos service (all its ports, or one). */
export function nacosBackend(name: string, instances: readonly RegistryInstance[], port?: number): Backend {
  let byKey = built.get(instances);
  if (!byKey) built.set(instances, (byKey = new Map()));
  const key = `${name}\0${port ?? ''}`;
  let backend = byKey.get(key);
  if (!backend) byKey.set(key, (backend = deepFreeze(buildNacosBackend(name, instances, port))));
  return backend;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function buildNacosBackend(name: string, instances: readonly RegistryInstance[], port?: number): Backend {
  const endpoints = instanceEndpoints(instances, port);
  const backend: Backend = { name, discovery: { type: 'static', endpoints } };
  const protocol = instanceProtocol(instances);
  if (protocol) backend.protocol = protocol;
  return backend;
}

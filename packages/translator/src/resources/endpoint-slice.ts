// discovery.k8s.io EndpointSlices: how standalone users (and Kubernetes) list a Service's endpoints.
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Endpoint } from '@tidegate/ir';
import { defineKind } from './kind-schema';
import type { Resource, ResourceIndex } from './resource-index';

const ignored = z.unknown().optional();

export const EndpointSliceKind = defineKind({
  group: 'discovery.k8s.io',
  kind: 'EndpointSlice',
  versions: ['v1'],
  body: z.strictObject({
    addressType: z.enum(['IPv4', 'IPv6', 'FQDN']),
    endpoints: z
      .array(
        z.strictObject({
          addresses: z.array(z.string().min(1)).min(1),
          conditions: z
            .strictObject({ ready: z.boolean().nullish(), serving: z.boolean().nullish(), terminating: z.boolean().nullish() })
            .optional(),
          zone: z.string().optional(),
          hostname: ignored,
          nodeName: ignored,
          targetRef: ignored,
          hints: ignored,
          deprecatedTopology: ignored,
        }),
      )
      .nullish(),
    ports: z
      .array(
        z.strictObject({
          name: z.string().nullish(),
          port: z.number().int().min(1).max(65535).nullish(),
          protocol: z.enum(['TCP', 'UDP', 'SCTP']).nullish(),
          appProtocol: z.string().nullish(),
        }),
      )
      .nullish(),
  })
    // An IPv4/IPv6 slice lists IP addresses; Envoy refuses anything else in a static cluster.
    .superRefine((slice, ctx) => {
      if (slice.addressType === 'FQDN') return;
      const family = slice.addressType === 'IPv4' ? 4 : 6;
      slice.endpoints?.forEach((ep, i) =>
        ep.addresses.forEach((address, j) => {
          if (isIP(address) !== family) {
            ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'addresses', j], message: `${JSON.stringify(address.slice(0, 64))} is not an ${slice.addressType} address` });
          }
        }),
      );
    }),
});

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * Endpoints of one Service port across all of the Service's slices. A slice's
 * port is the one with the Service port's name, or its only port when that
 * port or the Service port is unnamed. IP slices
 * only: FQDN slices name hosts, which static endpoints cannot.
 */
export function endpointsForServicePort(
  index: ResourceIndex,
  namespace: string,
  service: string,
  portName: string | undefined,
): Endpoint[] {
  const out: Endpoint[] = [];
  const seen = new Set<string>();
  for (const slice of slicesByService(index).get(`${namespace}/${service}`) ?? []) {
    if (slice.body.addressType === 'FQDN') continue;
    const ports = slice.body.ports ?? [];
    const only = ports.length === 1 ? ports[0] : undefined;
    // The only port stands in when one side has no name; two different names never match.
    const port = ports.find((p) => (p.name ?? '') === (portName ?? '')) ?? (only && (!only.name || !portName) ? only : undefined);
    if (!port?.port) continue;
    for (const ep of slice.body.endpoints ?? []) {
      const health = endpointHealth(ep.conditions ?? {});
      for (const address of ep.addresses) {
        const key = `${address}:${port.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const endpoint: Endpoint = { address, port: port.port };
        if (health !== 'healthy') endpoint.health = health;
        if (ep.zone) endpoint.zone = ep.zone;
        out.push(endpoint);
      }
    }
  }
  return out;
}

type SliceResource = Resource<z.output<typeof EndpointSliceKind.body>>;

const byServiceCache = new WeakMap<ResourceIndex, Map<string, SliceResource[]>>();

/** Slices grouped by `namespace/service`, built once per index (large clusters have many). */
function slicesByService(index: ResourceIndex): Map<string, SliceResource[]> {
  let map = byServiceCache.get(index);
  if (!map) {
    map = new Map();
    for (const slice of index.list(EndpointSliceKind)) {
      const service = slice.object.metadata.labels?.[SERVICE_NAME_LABEL];
      if (!service) continue;
      const key = `${slice.namespace}/${service}`;
      const list = map.get(key) ?? [];
      list.push(slice);
      map.set(key, list);
    }
    byServiceCache.set(index, map);
  }
  return map;
}

/**
 * Kubernetes semantics: an unset `ready`/`serving` counts as true; a
 * terminating endpoint that still serves drains, one that does not is down.
 */
function endpointHealth(c: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null }): NonNullable<Endpoint['health']> {
  const ready = c.ready ?? true;
  const serving = c.serving ?? ready;
  if (c.terminating) return serving ? 'draining' : 'unhealthy';
  return ready ? 'healthy' : 'unhealthy';
}

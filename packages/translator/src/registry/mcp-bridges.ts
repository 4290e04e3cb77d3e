// Reads McpBridge registries: Nacos sources for the provider, static and DNS services for the catalog, and every problem.
import { isIP } from 'node:net';
import type { NacosCredentials, NacosRegistryTarget } from '@tidegate/common';
import type { Backend, Endpoint } from '@tidegate/ir';
import type { ErrorSink, Resource, ResourceIndex } from '../resources';
import { dnsHost, nacosHostNamespace, NACOS_DEFAULT_GROUP, staticHost } from './host-names';
import {
  McpBridgeKind,
  SUPPORTED_REGISTRY_TYPES,
  UNSUPPORTED_REGISTRY_FIELDS,
  UNSUPPORTED_REGISTRY_TYPES,
  type RegistrySpec,
  type RegistryType,
} from './mcp-bridge-schema';
import { readAuthSecret, type SecretReader } from './auth-secret';

/** One Nacos registry to watch: what the Nacos provider needs, fully resolved (the type is shared with it). */
export type NacosRegistrySource = NacosRegistryTarget;
export type { NacosCredentials };

/** A registry service defined by the McpBridge itself (static or DNS). */
export interface FixedRegistryService {
  host: string;
  registryKey: string;
  /** The service port of the host name (references may name it or leave it out). */
  port: number;
  backend: Backend;
  at: Resource<unknown>;
  /** The registry's field in the McpBridge, e.g. `spec.registries[2]`. */
  path: string;
}

export interface BridgeReading {
  nacos: NacosRegistrySource[];
  fixed: FixedRegistryService[];
  /** Which McpBridge resource and registry field each Nacos source came from (for error locations). */
  origins: Map<string, { at: Resource<unknown>; path: string }>;
}

/** Higress's default refresh interval: 30 s. */
export const DEFAULT_REFRESH_INTERVAL_MS = 30_000;
/** Polling faster than this would hammer the registry. */
export const MIN_REFRESH_INTERVAL_MS = 100;
const NACOS_DEFAULT_PORT = 8848;
const NACOS_ONLY_FIELDS = ['nacosNamespaceId', 'nacosNamespace', 'nacosGroups', 'nacosRefreshInterval', 'nacosAccessKey', 'nacosSecretKey', 'authSecretName'] as const;
const STATIC_DNS_ONLY_FIELDS = ['protocol', 'sni'] as const;

/** Every valid McpBridge's registries, in namespace/name then list order. */
export function readBridges(index: ResourceIndex, secrets: SecretReader, sink: ErrorSink): BridgeReading {
  const out: BridgeReading = { nacos: [], fixed: [], origins: new Map() };
  for (const bridge of index.list(McpBridgeKind)) {
    (bridge.body.spec.registries ?? []).forEach((reg, i) => {
      const path = `spec.registries[${i}]`;
      if (!supported(bridge, reg, path, sink)) return;
      const type = reg.type as RegistryType;
      if (type === 'nacos' || type === 'nacos2') {
        for (const f of STATIC_DNS_ONLY_FIELDS) if (reg[f] !== undefined) ignored(bridge, `${path}.${f}`, f, type, sink);
        const source = nacosSource(bridge, reg, type, path, secrets, sink);
        if (source) {
          out.nacos.push(source);
          out.origins.set(source.key, { at: bridge, path });
        }
        return;
      }
      for (const f of NACOS_ONLY_FIELDS) if (reg[f] !== undefined) ignored(bridge, `${path}.${f}`, f, type, sink);
      const fixed = type === 'static' ? staticService(bridge, reg, path, sink) : dnsService(bridge, reg, path, sink);
      if (fixed) out.fixed.push(fixed);
    });
  }
  return out;
}

/** Type and fields Tidegate implements; otherwise the registry is reported and left out. */
function supported(bridge: Resource<unknown>, reg: RegistrySpec, path: string, sink: ErrorSink): boolean {
  if (!(SUPPORTED_REGISTRY_TYPES as readonly string[]).includes(reg.type)) {
    const known = (UNSUPPORTED_REGISTRY_TYPES as readonly string[]).includes(reg.type);
    sink.add(
      bridge,
      `${path}.type`,
      known ? 'unsupported-value' : 'invalid-value',
      `registry type "${reg.type}" is ${known ? 'not supported by Tidegate' : 'unknown'}; use ${SUPPORTED_REGISTRY_TYPES.join(', ')}; registry ${reg.name} is left out`,
    );
    return false;
  }
  const present = UNSUPPORTED_REGISTRY_FIELDS.filter((f) => reg[f] !== undefined);
  for (const f of present) {
    sink.add(bridge, `${path}.${f}`, 'unsupported-field', `field "${f}" is not supported by Tidegate; registry ${reg.name} is left out`);
  }
  return present.length === 0;
}

function ignored(bridge: Resource<unknown>, path: string, field: string, type: string, sink: ErrorSink): void {
  sink.add(bridge, path, 'ignored-field', `field "${field}" has no effect for registry type ${type}`);
}

function nacosSource(
  bridge: Resource<unknown>,
  reg: RegistrySpec,
  type: 'nacos' | 'nacos2',
  path: string,
  secrets: SecretReader,
  sink: ErrorSink,
): NacosRegistrySource | undefined {
  const host = reg.domain.trim();
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(host) || host.includes('://')) {
    sink.add(bridge, `${path}.domain`, 'invalid-value', `"${reg.domain}" is not a host name or IP address (no scheme, port or list)`);
    return undefined;
  }
  const port = reg.port ?? NACOS_DEFAULT_PORT;
  let refreshIntervalMs = DEFAULT_REFRESH_INTERVAL_MS;
  if (reg.nacosRefreshInterval !== undefined) {
    refreshIntervalMs = Math.round(reg.nacosRefreshInterval / 1e6);
    if (refreshIntervalMs < MIN_REFRESH_INTERVAL_MS) {
      sink.add(
        bridge,
        `${path}.nacosRefreshInterval`,
        'out-of-range',
        `${reg.nacosRefreshInterval} ns is below the minimum of ${MIN_REFRESH_INTERVAL_MS} ms (the value is in nanoseconds); using ${MIN_REFRESH_INTERVAL_MS} ms`,
      );
      refreshIntervalMs = MIN_REFRESH_INTERVAL_MS;
    }
  }
  const credentials: NacosCredentials = {};
  if (reg.nacosAccessKey) credentials.accessKey = reg.nacosAccessKey;
  if (reg.nacosSecretKey) credentials.secretKey = reg.nacosSecretKey;
  if (reg.authSecretName) {
    const fromSecret = readAuthSecret(secrets, bridge.namespace, reg.authSecretName);
    if (!fromSecret.ok) {
      sink.add(bridge, `${path}.authSecretName`, 'invalid-reference', `${fromSecret.message}; registry ${reg.name} is left out`);
      return undefined;
    }
    Object.assign(credentials, fromSecret.credentials);
  }
  if ((credentials.accessKey === undefined) !== (credentials.secretKey === undefined)) {
    sink.add(bridge, path, 'invalid-value', `an access key needs its secret key (and the other way round); registry ${reg.name} is left out`);
    return undefined;
  }
  const source: NacosRegistrySource = {
    key: `${bridge.namespace}/${bridge.name}/${reg.name}`,
    namespace: bridge.namespace,
    bridge: bridge.name,
    registry: reg.name,
    type,
    address: { host: host.replace(/^\[|\]$/g, ''), port },
    grpcPort: port + 1000,
    namespaceId: reg.nacosNamespaceId ?? '',
    hostNamespace: nacosHostNamespace(reg),
    groups: reg.nacosGroups?.length ? [...new Set(reg.nacosGroups)] : [NACOS_DEFAULT_GROUP],
    refreshIntervalMs,
  };
  if (Object.keys(credentials).length > 0) source.credentials = credentials;
  return source;
}

/** `domain: "10.0.0.1:8080,10.0.0.2"` → endpoints (a missing port is the registry port). */
function staticService(bridge: Resource<unknown>, reg: RegistrySpec, path: string, sink: ErrorSink): FixedRegistryService | undefined {
  const servicePort = reg.port ?? 80;
  const endpoints: Endpoint[] = [];
  const seen = new Set<string>();
  for (const raw of reg.domain.split(',').map((s) => s.trim()).filter(Boolean)) {
    const parsed = splitHostPort(raw);
    if (!parsed || isIP(parsed.host) === 0) {
      sink.add(bridge, `${path}.domain`, 'invalid-value', `"${raw}" is not an IP address with an optional port; registry ${reg.name} is left out`);
      return undefined;
    }
    const port = parsed.port ?? servicePort;
    const key = `${parsed.host}:${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    endpoints.push({ address: parsed.host, port });
  }
  const host = staticHost(reg.name);
  const backend: Backend = { name: host, discovery: { type: 'static', endpoints } };
  applyProtocol(backend, reg, undefined);
  return { host, registryKey: `${bridge.namespace}/${bridge.name}/${reg.name}`, port: servicePort, backend, at: bridge, path };
}

/** `domain: "api.example.com"` → a DNS backend Envoy resolves itself. */
function dnsService(bridge: Resource<unknown>, reg: RegistrySpec, path: string, sink: ErrorSink): FixedRegistryService | undefined {
  const names = reg.domain.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length !== 1 || !/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/.test(names[0]!)) {
    sink.add(bridge, `${path}.domain`, 'invalid-value', `"${reg.domain}" must be one domain name; registry ${reg.name} is left out`);
    return undefined;
  }
  const tls = reg.protocol === 'HTTPS' || reg.protocol === 'GRPCS';
  const servicePort = reg.port ?? (tls ? 443 : 80);
  const host = dnsHost(reg.name);
  const backend: Backend = { name: host, discovery: { type: 'dns', mode: 'strict', hostname: names[0]!, port: servicePort } };
  applyProtocol(backend, reg, names[0]);
  return { host, registryKey: `${bridge.namespace}/${bridge.name}/${reg.name}`, port: servicePort, backend, at: bridge, path };
}

/** GRPC(S) speaks HTTP/2; HTTPS and GRPCS add TLS with `sni` (DNS registries default to the domain). */
function applyProtocol(backend: Backend, reg: RegistrySpec, defaultSni: string | undefined): void {
  if (reg.protocol === 'GRPC' || reg.protocol === 'GRPCS') backend.protocol = 'grpc';
  if (reg.protocol === 'HTTPS' || reg.protocol === 'GRPCS') {
    const sni = reg.sni ?? defaultSni;
    backend.tls = sni ? { sni } : {};
  }
}

function splitHostPort(s: string): { host: string; port?: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed) return withPort(bracketed[1]!, bracketed[2]);
  if (isIP(s) === 6) return { host: s };
  const colon = s.lastIndexOf(':');
  if (colon < 0) return { host: s };
  return withPort(s.slice(0, colon), s.slice(colon + 1));
}

function withPort(host: string, port: string | undefined): { host: string; port?: number } | undefined {
  if (port === undefined) return { host };
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) return undefined;
  return { host, port: n };
}

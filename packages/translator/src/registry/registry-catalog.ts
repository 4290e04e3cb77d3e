// Every registry service by host name, resolved to IR backends on demand (only referenced ones are built).
import type { Backend } from '@tidegate/ir';
import type { BackendResolution } from '../resources';
import { nacosBackend } from './nacos-backends';
import type { RegistryInstance } from './registry-service-schema';

/** Where a host name comes from. */
export type RegistryServiceEntry =
  | { kind: 'nacos'; host: string; registryKey: string; instances: readonly RegistryInstance[] }
  | { kind: 'fixed'; host: string; registryKey: string; port: number; backend: Backend };

/** Host names of every discovered and declared registry service, looked up without regard to case. */
export class RegistryCatalog {
  private readonly entries = new Map<string, RegistryServiceEntry>();
  private readonly built = new Map<string, BackendResolution>();
  /** Names of valid McpBridges (an Ingress resource backend names one without a namespace). */
  private readonly bridges = new Set<string>();

  /** Records a valid McpBridge (any namespace). */
  addBridge(name: string): void {
    this.bridges.add(name);
  }

  /** Whether a valid McpBridge of this name exists in some namespace. */
  hasBridge(name: string): boolean {
    return this.bridges.has(name);
  }

  /** Adds an entry; false (and no change) when the host name is taken. */
  add(entry: RegistryServiceEntry): boolean {
    const key = entry.host.toLowerCase();
    if (this.entries.has(key)) return false;
    this.entries.set(key, entry);
    return true;
  }

  get(host: string): RegistryServiceEntry | undefined {
    return this.entries.get(host.toLowerCase());
  }

  /** Every host name, sorted. */
  hosts(): string[] {
    return [...this.entries.values()].map((e) => e.host).sort();
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The backend for `host` (and `port`): a Nacos service's instances on that port (all
   * ports when absent; backend `host:port` or `host`), or a static/DNS service, whose port
   * must be its registry's port when given.
   */
  resolve(host: string, port?: number): BackendResolution {
    const entry = this.get(host);
    if (!entry) return { ok: false, problem: { reason: 'BackendNotFound', message: `registry service ${host} not found` } };
    const name = entry.kind === 'nacos' && port !== undefined ? `${entry.host}:${port}` : entry.host;
    const cacheKey = `${name}|${port ?? ''}`;
    let r = this.built.get(cacheKey);
    if (r) return r;
    if (entry.kind === 'fixed') {
      r =
        port === undefined || port === entry.port
          ? { ok: true, backend: entry.backend, secrets: [], hashPolicy: [] }
          : { ok: false, problem: { reason: 'BackendNotFound', message: `registry service ${entry.host} has port ${entry.port}, not ${port}` } };
    } else {
      r = { ok: true, backend: nacosBackend(name, entry.instances, port), secrets: [], hashPolicy: [] };
    }
    this.built.set(cacheKey, r);
    return r;
  }
}

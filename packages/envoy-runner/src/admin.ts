// Client for Envoy's admin API over node:http: readiness, config dump, clusters, listeners, stats, drain.
import * as http from 'node:http';
import { EnvoyRunnerError } from './errors';

/** Envoy's server state as `/ready` and `/server_info` report it. */
export type EnvoyServerState = 'LIVE' | 'DRAINING' | 'PRE_INITIALIZING' | 'INITIALIZING' | (string & {});

/** One entry of `/clusters?format=json` (only the fields we rely on are typed). */
export interface ClusterStatus {
  name: string;
  added_via_api?: boolean;
  host_statuses?: Array<{ address?: unknown; health_status?: Record<string, unknown>; [k: string]: unknown }>;
  [k: string]: unknown;
}

/** One entry of `/listeners?format=json`. */
export interface ListenerStatus {
  name: string;
  local_address?: { socket_address?: { address?: string; port_value?: number } };
  [k: string]: unknown;
}

/** `/config_dump`: one entry per config tracker (bootstrap, clusters, listeners, routes, secrets, ...). */
export interface ConfigDump {
  configs: Array<{ '@type': string; [k: string]: unknown }>;
}

export interface ConfigDumpQuery {
  /** Dump only this repeated field, e.g. `dynamic_active_clusters`. */
  resource?: string;
  /** Field mask applied to each entry. */
  mask?: string;
  /** Only resources whose name matches this regular expression. */
  nameRegex?: string;
  /** Also dump EDS assignments (off by default in Envoy). */
  includeEds?: boolean;
}

/** A raw admin response. */
export interface AdminResponse {
  status: number;
  body: string;
}

/** Parses `host:port` or `[v6]:port` (the format of `--admin-address-path`). */
export function parseHostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!m) throw new EnvoyRunnerError('admin-request-failed', `not an admin address: "${address}"`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Talks to one Envoy's admin listener. Stateless: cheap to create per call site. */
export class EnvoyAdmin {
  readonly host: string;
  readonly port: number;
  private readonly timeoutMs: number;

  /** `address` is `host:port` or `{ host, port }`; each request times out after `timeoutMs` (default 5 s). */
  constructor(address: string | { host: string; port: number }, options: { timeoutMs?: number } = {}) {
    const { host, port } = typeof address === 'string' ? parseHostPort(address) : address;
    this.host = host;
    this.port = port;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** `host:port` (bracketed for IPv6). */
  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  /** The server state from `/ready`: `LIVE` once initialised, else e.g. `PRE_INITIALIZING` or `DRAINING`. */
  async ready(): Promise<EnvoyServerState> {
    const r = await this.request('GET', '/ready');
    if (r.status !== 200 && r.status !== 503) throw this.unexpected('/ready', r);
    return r.body.trim();
  }

  /** `/server_info`: version, state, uptime, command line options. */
  serverInfo(): Promise<{ version: string; state: EnvoyServerState; [k: string]: unknown }> {
    return this.getJson('/server_info');
  }

  /** `/config_dump` as JSON. */
  configDump(query: ConfigDumpQuery = {}): Promise<ConfigDump> {
    const params = new URLSearchParams();
    if (query.resource) params.set('resource', query.resource);
    if (query.mask) params.set('mask', query.mask);
    if (query.nameRegex) params.set('name_regex', query.nameRegex);
    if (query.includeEds) params.set('include_eds', '');
    const qs = params.toString();
    return this.getJson(`/config_dump${qs ? `?${qs}` : ''}`);
  }

  /** `/clusters?format=json`: every cluster with its hosts and their health. */
  async clusters(): Promise<ClusterStatus[]> {
    const json = await this.getJson<{ cluster_statuses?: ClusterStatus[] }>('/clusters?format=json');
    return json.cluster_statuses ?? [];
  }

  /** `/listeners?format=json`: active listeners and the addresses they are bound to. */
  async listeners(): Promise<ListenerStatus[]> {
    const json = await this.getJson<{ listener_statuses?: ListenerStatus[] }>('/listeners?format=json');
    return json.listener_statuses ?? [];
  }

  /**
   * Counters and gauges from `/stats?format=json` by full name; `filter` is a regular
   * expression Envoy applies to the names. Histograms are left out.
   */
  async stats(filter?: string): Promise<Map<string, number>> {
    const qs = new URLSearchParams({ format: 'json' });
    if (filter) qs.set('filter', filter);
    const json = await this.getJson<{ stats?: Array<{ name?: string; value?: number }> }>(`/stats?${qs.toString()}`);
    const out = new Map<string, number>();
    for (const s of json.stats ?? []) if (typeof s.name === 'string' && typeof s.value === 'number') out.set(s.name, s.value);
    return out;
  }

  /** Makes `/ready` and health checks fail, so load balancers stop sending new traffic. */
  async healthcheckFail(): Promise<void> {
    await this.post('/healthcheck/fail');
  }

  /** Starts draining listeners; `graceful` uses the `--drain-time-s` window before closing them. */
  async drainListeners(options: { graceful?: boolean; inboundOnly?: boolean } = {}): Promise<void> {
    const flags = [options.graceful ? 'graceful' : '', options.inboundOnly ? 'inboundonly' : ''].filter(Boolean);
    await this.post(`/drain_listeners${flags.length ? `?${flags.join('&')}` : ''}`);
  }

  /**
   * Polls `probe` every `intervalMs` until it returns a truthy value, which is returned.
   * A probe that throws counts as "not yet"; its last error is named when time runs out.
   */
  async waitFor<T>(
    probe: (admin: EnvoyAdmin) => T | Promise<T>,
    timeoutMs: number,
    intervalMs = 100,
  ): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = await probe(this);
        if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() + intervalMs > deadline) {
        const why = lastError ? ` (last error: ${(lastError as Error).message})` : '';
        throw new EnvoyRunnerError('wait-timeout', `condition not met within ${timeoutMs} ms on Envoy admin ${this.address}${why}`, {
          cause: lastError,
        });
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  /** One request; resolves with any status, rejects only on network errors and timeouts. */
  request(method: 'GET' | 'POST', path: string): Promise<AdminResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.host, port: this.port, method, path, agent: false, timeout: this.timeoutMs },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)));
      req.on('error', (err) =>
        reject(new EnvoyRunnerError('admin-request-failed', `${method} ${path} on Envoy admin ${this.address}: ${err.message}`, { cause: err })),
      );
      req.end();
    });
  }

  private async getJson<T>(path: string): Promise<T> {
    const r = await this.request('GET', path);
    if (r.status !== 200) throw this.unexpected(path, r);
    try {
      return JSON.parse(r.body) as T;
    } catch (err) {
      throw new EnvoyRunnerError('admin-request-failed', `${path} on ${this.address} did not return JSON`, { cause: err });
    }
  }

  private async post(path: string): Promise<void> {
    const r = await this.request('POST', path);
    if (r.status !== 200) throw this.unexpected(path, r);
  }

  private unexpected(path: string, r: AdminResponse): EnvoyRunnerError {
    return new EnvoyRunnerError('admin-request-failed', `${path} on Envoy admin ${this.address} returned ${r.status}: ${r.body.trim().slice(0, 200)}`);
  }
}

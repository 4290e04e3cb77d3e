// Shared helpers for the real-Envoy tests: bootstraps, a recording logger, free ports, pid checks.
import * as net from 'node:net';
import type { EventEmitter } from 'node:events';
import { buildBootstrap, type EnvoyBootstrap } from '../bootstrap';
import type { EnvoyLogSink } from '../envoy-log';

/** A port that was free a moment ago (bound, then released): nothing listens on it. */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A bootstrap whose ADS points at a dead port; a short initial fetch timeout lets Envoy go LIVE anyway. */
export async function lonelyBootstrap(nodeId: string): Promise<EnvoyBootstrap> {
  return buildBootstrap({
    nodeId,
    cluster: 'test',
    xds: { host: '127.0.0.1', port: await unusedPort() },
    protocol: 'delta',
    adminPort: 0,
    initialFetchTimeoutMs: 250,
  });
}

/** Adds a static HTTP listener on 127.0.0.1:0 answering 200, so there is something to drain. */
export function withListener(b: EnvoyBootstrap): EnvoyBootstrap {
  const statics = b.static_resources as { clusters: unknown[] };
  const hcm = {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    stat_prefix: 'test',
    route_config: {
      virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200 } }] }],
    },
    http_filters: [{ name: 'router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
  };
  return {
    ...b,
    static_resources: {
      ...statics,
      listeners: [
        {
          name: 'test-http',
          address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
          filter_chains: [{ filters: [{ name: 'hcm', typed_config: hcm }] }],
        },
      ],
    },
  };
}

export interface LogEntry {
  level: keyof EnvoyLogSink;
  fields: Record<string, unknown>;
  msg: string;
}

/** A logger that records what it is given. */
export function recordingLogger(): EnvoyLogSink & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: keyof EnvoyLogSink) =>
    (fields: unknown, msg?: unknown): void => {
      entries.push({ level, fields: (fields ?? {}) as Record<string, unknown>, msg: String(msg ?? '') });
    };
  return {
    entries,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
  } as unknown as EnvoyLogSink & { entries: LogEntry[] };
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The next `event` from `emitter`, or a rejection after `timeoutMs`. */
export function nextEvent<T>(emitter: EventEmitter, event: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    function onEvent(value: T): void {
      clearTimeout(timer);
      resolve(value);
    }
    emitter.once(event, onEvent);
  });
}

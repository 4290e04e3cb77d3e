// A proxy group with one HTTP listener, one virtual host and one route to backend `b`, for validation tests.
import type { Backend, ProxyGroup, Route } from '../types';

const plainBackend: Backend = { name: 'b', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: 8080 }] } };

/** The group, with `route`'s fields over a prefix-`/` route forwarding to `b`. */
export function routeGroup(route: Partial<Route>, opts: { domains?: string[]; backend?: Backend } = {}): ProxyGroup {
  return {
    name: 'g',
    httpListeners: [
      {
        name: 'http',
        address: '127.0.0.1',
        port: 8080,
        virtualHosts: [
          {
            name: 'vh',
            domains: opts.domains ?? ['*'],
            routes: [{ name: 'r', match: { path: { type: 'prefix', value: '/' } }, action: { kind: 'forward', backends: [{ backend: 'b', weight: 1 }] }, ...route }],
          },
        ],
      },
    ],
    tcpListeners: [],
    grpcApiListeners: [],
    backends: [opts.backend ?? plainBackend],
    secrets: [],
  };
}

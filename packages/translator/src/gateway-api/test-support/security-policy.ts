// Fixtures of the SecurityPolicy unit tests: a Gateway with listeners a (80) and b (81), HTTPRoute r (rule "one" and an unnamed one), policies, translation.
import type { KubeObject, SourcedObject } from '@tidegate/common';
import type { Route } from '@tidegate/ir';
import { translateGatewayApi } from '../translate';

const options = { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '127.0.0.1' };

const base: Array<Record<string, unknown>> = [
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tg' }, spec: { controllerName: options.controllerName } },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'default' },
    spec: { gatewayClassName: 'tg', listeners: [{ name: 'a', port: 80, protocol: 'HTTP' }, { name: 'b', port: 81, protocol: 'HTTP' }] },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'default' }, spec: { ports: [{ port: 80 }] } },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'r', namespace: 'default' },
    spec: {
      parentRefs: [{ name: 'gw' }],
      rules: [
        { name: 'one', matches: [{ path: { value: '/one' } }], backendRefs: [{ name: 'svc', port: 80 }] },
        { backendRefs: [{ name: 'svc', port: 80 }] },
      ],
    },
  },
];

let age = 0;

/** A SecurityPolicy in `default`, each one younger than the one before. */
export const policy = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'tidegate.io/v1alpha1',
  kind: 'SecurityPolicy',
  metadata: { name, namespace: 'default', creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, age++)).toISOString() },
  spec,
});

/** The fixture plus `extra`, translated: the IR routes by `<port> <rule>` (`80 one`, `81 1`) and each policy's Accepted condition. */
export function translatePolicies(...extra: Array<Record<string, unknown>>) {
  const objects: SourcedObject[] = [...base, ...extra].map((object) => ({ object: object as KubeObject }));
  const result = translateGatewayApi(objects, options);
  const routes = new Map<string, Route>();
  for (const l of result.proxyGroups[0]?.httpListeners ?? []) {
    for (const vh of l.virtualHosts) for (const r of vh.routes) routes.set(`${l.port} ${r.name.replace('httproute/default/r/rule/', '').replace('/match/0', '')}`, r);
  }
  const accepted = (name: string) =>
    (result.statuses.find((s) => s.kind === 'SecurityPolicy' && s.name === name)?.status as { conditions: Array<{ status: string; reason: string; message: string }> } | undefined)
      ?.conditions[0];
  return { result, routes, accepted };
}

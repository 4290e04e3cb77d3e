// Runs the shared provider contract against KubernetesProvider on a real kube-apiserver (one per file).
import type { KubeObject } from '@tidegate/common';
import { defaultContractObject, describeProviderContract, type ObjectRef } from '../test-support/provider-contract';
import { KubernetesProvider } from './kubernetes-provider';
import { startKubeApiServer, type KubeApiServer } from './local-api-server';
import { WATCHED_KINDS } from './watched-kinds';

jest.setTimeout(60_000);

let api: KubeApiServer;
beforeAll(async () => {
  api = await startKubeApiServer({ tidegateCrds: false });
  await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
}, 120_000);
afterAll(() => api?.stop());

// The contract counts every published object, so the provider watches only the kinds the suite stores.
const kinds = WATCHED_KINDS.filter((k) => ['GatewayClass', 'Gateway', 'HTTPRoute'].includes(k.kind));

/** The suite's objects as the API server stores them (with its schema defaults), so specs compare equal. */
function makeObject(ref: ObjectRef, revision: number): KubeObject {
  const o = defaultContractObject(ref, revision);
  if (ref.kind === 'HTTPRoute') {
    o.spec = { ...(o.spec as object), rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }] };
  }
  if (ref.kind === 'Gateway') {
    const spec = o.spec as { listeners: Array<Record<string, unknown>> };
    o.spec = { ...spec, listeners: spec.listeners.map((l) => ({ ...l, allowedRoutes: { namespaces: { from: 'Same' } } })) };
  }
  return o;
}

describeProviderContract('kubernetes', {
  async setup() {
    const made = new Map<string, KubeObject>();
    const key = (r: ObjectRef) => `${r.kind}/${r.namespace ?? ''}/${r.name}`;
    const put = async (o: KubeObject): Promise<void> => {
      made.set(key({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }), o);
      await api.apply(o as unknown as Record<string, unknown>);
    };
    const del = async (r: ObjectRef): Promise<void> => {
      await api.remove({ apiVersion: 'gateway.networking.k8s.io/v1', kind: r.kind, metadata: { name: r.name, namespace: r.namespace } });
    };
    return {
      createProvider: (check) =>
        new KubernetesProvider({ kubeconfig: api.kubeConfig(), kinds, leaderElection: false, reflector: { backoff: { initialMs: 50, maxMs: 1000 } }, ...(check ? { check } : {}) }),
      create: put,
      update: put,
      delete: async (r) => {
        made.delete(key(r));
        await del(r);
      },
      async cleanup() {
        for (const o of made.values()) await del({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
      },
    };
  },
  makeObject,
  timeoutMs: 15_000,
  quietMs: 500,
});

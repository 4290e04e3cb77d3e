// Service ports as IR Backends: endpoints from EndpointSlices, DNS for ExternalName, BackendPolicy applied.
import type { Backend, HashPolicy, Secret } from '@tidegate/ir';
import type { BackendPolicies } from './backend-policies';
import type { Problem } from './conditions';
import { endpointsForServicePort } from './endpoint-slice';
import type { ResourceIndex } from './resource-index';
import { ServiceKind, type ServicePort } from './service';

/** A resolved backend plus the secrets and hash policies that come with it, or why it failed. */
export type BackendResolution =
  | { ok: true; backend: Backend; secrets: Secret[]; hashPolicy: HashPolicy[] }
  | { ok: false; problem: Problem };

/** IR name of the backend for one Service port. */
export const serviceBackendName = (namespace: string, service: string, port: number): string =>
  `k8s/${namespace}/${service}/${port}`;

/** Backend protocols implied by a Service port's `appProtocol`. */
const APP_PROTOCOL: Record<string, Backend['protocol']> = {
  'kubernetes.io/h2c': 'http2',
  grpc: 'grpc',
};

/** Resolves (and memoises) Service ports as Backends. */
export class ServiceBackends {
  private readonly cache = new Map<string, BackendResolution>();

  constructor(
    private readonly index: ResourceIndex,
    private readonly policies: BackendPolicies,
  ) {}

  resolve(namespace: string, service: string, port: number): BackendResolution {
    const key = serviceBackendName(namespace, service, port);
    let r = this.cache.get(key);
    if (!r) {
      r = this.build(namespace, service, port);
      this.cache.set(key, r);
    }
    return r;
  }

  private build(namespace: string, name: string, port: number): BackendResolution {
    const svc = this.index.get(ServiceKind, namespace, name);
    if (!svc) {
      const state = this.index.lookup(ServiceKind, namespace, name);
      return notFound(`Service ${namespace}/${name} ${state === 'invalid' ? 'is invalid' : 'not found'}`);
    }
    const spec = svc.body.spec;
    const svcPort: ServicePort | undefined = (spec.ports ?? []).find((p) => p.port === port);
    const backend: Backend = { name: serviceBackendName(namespace, name, port), discovery: { type: 'static', endpoints: [] } };
    if (spec.type === 'ExternalName') {
      if (!spec.externalName) return notFound(`Service ${namespace}/${name} is ExternalName but has no externalName`);
      backend.discovery = { type: 'dns', mode: 'strict', hostname: spec.externalName, port };
    } else {
      if (!svcPort) return notFound(`Service ${namespace}/${name} has no port ${port}`);
      backend.discovery = { type: 'static', endpoints: endpointsForServicePort(this.index, namespace, name, svcPort.name) };
    }
    const implied = svcPort?.appProtocol ? APP_PROTOCOL[svcPort.appProtocol] : undefined;
    if (implied) backend.protocol = implied;
    const policy = this.policies.forServicePort(namespace, name, svcPort?.name);
    if (!policy) return { ok: true, backend, secrets: [], hashPolicy: [] };
    if (!policy.effect.ok) return { ok: false, problem: policy.effect.problem };
    policy.effect.apply(backend);
    return { ok: true, backend, secrets: policy.effect.secrets, hashPolicy: policy.effect.hashPolicy };
  }
}

const notFound = (message: string): BackendResolution => ({ ok: false, problem: { reason: 'BackendNotFound', message } });

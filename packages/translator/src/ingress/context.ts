// State shared by the stages of one Ingress translation, and the lookups annotations use.
import { isIP } from 'node:net';
import type { Backend, Secret } from '@tidegate/ir';
import { ConfigMapKind } from '../resources/config-map';
import { readSecretData } from '../resources/secret-data';
import { ServiceKind, type ErrorSink, type ResourceIndex, type ServiceBackends } from '../resources';
import type { Lookups } from './annotations/annotation';
import type { IngressTranslateOptions, RegistryHosts } from './types';

export interface IngressContext {
  index: ResourceIndex;
  sink: ErrorSink;
  options: IngressTranslateOptions;
  services: ServiceBackends;
  lookups: Lookups;
  /** Registry hosts for McpBridge resource backends. */
  registries: RegistryHosts;
}

type BackendLookup = { ok: true; backend: Backend; secrets: Secret[] } | { ok: false; message: string };

/** `svc.ns.svc` or `svc.ns.svc.cluster.local`: a Service, which standalone cannot resolve by DNS. */
const SERVICE_HOST = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?\.?$/;

export function createLookups(index: ResourceIndex, services: ServiceBackends): Lookups {
  const serviceBackend = (namespace: string, name: string, port: number): BackendLookup => {
    let p = port;
    if (p === 0) {
      const svc = index.get(ServiceKind, namespace, name);
      const first = svc?.body.spec.ports?.[0]?.port;
      if (!svc) return { ok: false, message: `Service ${namespace}/${name} ${index.lookup(ServiceKind, namespace, name) === 'invalid' ? 'is invalid' : 'not found'}` };
      if (first === undefined) return { ok: false, message: `Service ${namespace}/${name} has no ports; name one` };
      p = first;
    }
    const r = services.resolve(namespace, name, p);
    return r.ok ? { ok: true, backend: r.backend, secrets: r.secrets } : { ok: false, message: r.problem.message };
  };
  return {
    secretData: (namespace, name) => readSecretData(index, namespace, name),
    configMapData(namespace, name) {
      const cm = index.get(ConfigMapKind, namespace, name);
      if (cm) return { ok: true, data: { ...(cm.body.data ?? {}) } };
      return { ok: false, message: `ConfigMap ${namespace}/${name} ${index.lookup(ConfigMapKind, namespace, name) === 'invalid' ? 'is invalid' : 'not found'}` };
    },
    serviceBackend,
    hostBackend(host, port, tls) {
      const lower = host.toLowerCase();
      const svc = SERVICE_HOST.exec(lower);
      let backend: Backend;
      const secrets: Secret[] = [];
      if (svc && index.get(ServiceKind, svc[2] as string, svc[1] as string)) {
        const r = serviceBackend(svc[2] as string, svc[1] as string, port);
        if (!r.ok) return r;
        backend = structuredClone(r.backend);
        secrets.push(...r.secrets);
        backend.name = `${backend.name}${tls ? '/tls' : ''}`;
      } else {
        const name = `ingress-host/${lower}:${port}${tls ? '/tls' : ''}`;
        backend = isIP(lower)
          ? { name, discovery: { type: 'static', endpoints: [{ address: lower, port }] } }
          : { name, discovery: { type: 'dns', mode: 'strict', hostname: lower, port } };
      }
      if (tls) backend.tls = isIP(lower) ? {} : { sni: lower };
      return { ok: true, backend, secrets };
    },
  };
}

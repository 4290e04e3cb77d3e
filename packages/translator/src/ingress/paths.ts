// An Ingress's rules as path entries: host, path, path type and backend, each with the field it came from.
import type { IngressContext } from './context';
import type { ParsedIngress } from './ingress-settings';
import type { IngressBackendSpec } from './schema';

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface PathEntry {
  ingress: ParsedIngress;
  /** Lowercase host, `*.example.com`, or `*` for rules without a host. */
  host: string;
  path: string;
  pathType: PathType;
  backend: IngressBackendSpec;
  /** Field path of the entry, e.g. `spec.rules[0].http.paths[1]`. */
  field: string;
  /** Route name, unique within its virtual host. */
  routeName: string;
  /**
   * `spec.defaultBackend`: served at `/` for rules without a host and, when a host of the
   * Ingress has no `/` path, there too (the latter is `fallback` and never conflicts).
   */
  fallback?: boolean;
}

const HOST = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Every path of the Ingress; rules with a bad host or path are reported and left out. */
export function pathEntries(p: ParsedIngress, ctx: IngressContext): PathEntry[] {
  const res = p.res;
  const spec = res.body.spec ?? {};
  const base = `ingress/${res.namespace}/${res.name}`;
  const out: PathEntry[] = [];
  const hosts: string[] = [];
  (spec.rules ?? []).forEach((rule, i) => {
    const host = (rule.host ?? '').toLowerCase() || '*';
    if (host !== '*' && !HOST.test(host)) {
      ctx.sink.add(res, `spec.rules[${i}].host`, 'invalid-host', `"${rule.host}" is not a host name or *.wildcard`);
      return;
    }
    if (!hosts.includes(host)) hosts.push(host);
    (rule.http?.paths ?? []).forEach((path, j) => {
      const field = `spec.rules[${i}].http.paths[${j}]`;
      const value = path.path ?? '';
      if (path.pathType !== 'ImplementationSpecific' && !value.startsWith('/')) {
        ctx.sink.add(res, `${field}.path`, 'invalid-path', `a ${path.pathType} path must start with "/"`);
        return;
      }
      out.push({ ingress: p, host, path: value || '/', pathType: path.pathType, backend: path.backend, field, routeName: `${base}/rules/${i}/paths/${j}` });
    });
  });
  if (spec.defaultBackend) {
    const entry = { ingress: p, path: '/', pathType: 'Prefix' as const, backend: spec.defaultBackend, field: 'spec.defaultBackend', routeName: `${base}/default-backend` };
    out.push({ ...entry, host: '*' });
    for (const host of hosts.filter((h) => h !== '*')) out.push({ ...entry, host, fallback: true });
  }
  return out;
}

// Request mirroring: a copy of the Ingress's requests goes to another Service or host; its answers are dropped.
import type { Mirror } from '@tidegate/ir';
import { annotation, type AnnotationGroup, type Lookups } from './annotation';
import { decimal, integer, onOff, read, serviceRef } from './values';

const TARGET_SERVICE = annotation('mirror-target-service', 'supported', '`[namespace/]service[:port]` receives a copy of each request (default port: the Service\'s first); Envoy adds "-shadow" to the copy\'s Host');
const PERCENTAGE = annotation('mirror-percentage', 'supported', 'share of requests mirrored, 0-100 (default 100)');
const TARGET_FQDN = annotation('mirror-target-fqdn', 'supported', 'a host name (resolved by DNS) receives the copies instead of a Service');
const TARGET_FQDN_PORT = annotation('mirror-target-fqdn-port', 'supported', 'port for mirror-target-fqdn (default 80)');
const TARGET = annotation('mirror-target', 'partly', 'an ingress-nginx mirror URL `http(s)://host[:port]$request_uri`: copies go to that host', {
  limits: 'only URLs whose path is empty or `$request_uri` (the copy keeps the original path)',
});
const REQUEST_BODY = annotation('mirror-request-body', 'supported', '"on" (default)', { limits: '"off" (partly supported) is ignored: Envoy always mirrors the body' });
const MIRROR_HOST = annotation('mirror-host', 'unsupported', 'Envoy mirrors with the original Host plus "-shadow"; the IR cannot set another');

export const mirrorGroup: AnnotationGroup<Mirror[]> = {
  id: 'mirror',
  annotations: [TARGET_SERVICE, PERCENTAGE, TARGET_FQDN, TARGET_FQDN_PORT, TARGET, REQUEST_BODY, MIRROR_HOST],
  parse(a, ctx) {
    const percent = read(a, PERCENTAGE, ctx, decimal(0, 100)) ?? 100;
    const body = a.get(REQUEST_BODY);
    if (body && read(a, REQUEST_BODY, ctx, onOff) === false) ctx.remark(body.key, '"off" is ignored', true);
    const fqdn = read(a, TARGET_FQDN, ctx, (t) => (/^[A-Za-z0-9.-]+$/.test(t.trim()) ? { ok: true, value: t.trim() } : { ok: false, message: 'must be a host name' }));
    const fqdnPort = read(a, TARGET_FQDN_PORT, ctx, integer(1, 65535)) ?? 80;
    const service = read(a, TARGET_SERVICE, ctx, serviceRef(ctx.namespace));
    const url = read(a, TARGET, ctx, (t) => {
      const m = /^(https?):\/\/([A-Za-z0-9.-]+)(?::(\d+))?(\$request_uri)?$/.exec(t.trim());
      if (!m) return { ok: false, message: 'must be "http(s)://host[:port]$request_uri" (other paths and variables are not supported)' };
      return { ok: true, value: { tls: m[1] === 'https', host: m[2] as string, port: m[3] ? Number(m[3]) : m[1] === 'https' ? 443 : 80 } };
    });
    let resolved: ReturnType<Lookups['serviceBackend']> | undefined;
    let key: string | undefined;
    if (fqdn) {
      key = a.get(TARGET_FQDN)?.key;
      resolved = ctx.lookups.hostBackend(fqdn, fqdnPort, false);
    } else if (service) {
      key = a.get(TARGET_SERVICE)?.key;
      resolved = ctx.lookups.serviceBackend(service.namespace, service.name, service.port);
    } else if (url) {
      key = a.get(TARGET)?.key;
      resolved = ctx.lookups.hostBackend(url.host, url.port, url.tls);
    }
    if (!resolved || !key) return undefined;
    if (!resolved.ok) {
      ctx.broken(key, resolved.message);
      return undefined;
    }
    ctx.need({ backend: resolved.backend });
    for (const secret of resolved.secrets) ctx.need({ secret });
    return [{ backend: resolved.backend.name, percent }];
  },
  route(mirrors, route) {
    route.mirrors = mirrors;
  },
};

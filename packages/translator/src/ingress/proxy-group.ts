// The default gateway's ProxyGroup from translated hosts: virtual hosts per listener, http→https redirects, listener-wide settings.
import type { Backend, HttpListener, ProxyGroup, Route, Secret, VirtualHost } from '@tidegate/ir';
import { redirectGroup } from './annotations/redirect';
import { ANNOTATION_GROUPS } from './annotations/registry';
import type { Claim, HostResult } from './host-routes';
import { settingsOf, type ParsedIngress } from './ingress-settings';
import { hostHasTls, type IngressCertificates } from './tls-certificates';
import type { IngressTranslateOptions } from './types';

/** Annotation groups with listener-wide settings. */
const LISTENER_GROUPS = ANNOTATION_GROUPS.filter((g) => g.listener);

/** Whether an Ingress has settings that apply to whole listeners. */
export const hasListenerSettings = (p: ParsedIngress): boolean => LISTENER_GROUPS.some((g) => p.settings.has(g));

export interface GroupParts {
  /** Hosts with routes, in virtual host order (see compareHosts). */
  hosts: readonly string[];
  hostResults: ReadonlyMap<string, HostResult>;
  appRoots: ReadonlyMap<string, Route>;
  certs: IngressCertificates;
  /** Ingresses that serve something and have listener-wide settings, oldest first. */
  listenerSettings: readonly ParsedIngress[];
  /** Sorted by name. */
  backends: Backend[];
  secrets: Secret[];
}

/** The group; `parts.hosts` with neither routes nor an app-root are left out. */
export function buildGroup(parts: GroupParts, options: IngressTranslateOptions): ProxyGroup {
  const { hostResults, appRoots, certs } = parts;
  const { gateway } = options;
  const hosts = parts.hosts.filter((h) => appRoots.has(h) || hostResults.get(h)?.claims.length);
  // Without a usable certificate there is no HTTPS listener: a redirect there would reach a dead port.
  const https = certs.refs.length > 0;
  const vhost = (host: string, routes: Route[]): VirtualHost => ({ name: host, domains: [host], routes });
  const httpHosts: VirtualHost[] = [];
  const httpsHosts: VirtualHost[] = [];
  for (const host of hosts) {
    const root = appRoots.get(host);
    const result = hostResults.get(host);
    const tls = hostHasTls(host, certs);
    // Claims are the host result's own, kept while the host's Ingresses are unchanged; the
    // virtual hosts are kept with them while what else they depend on is the same (an
    // app-root route is rebuilt on every translation, so it is compared by content).
    const rootKey = root ? JSON.stringify(root) : '';
    let built = result?.vhosts;
    if (!built || built.rootKey !== rootKey || built.tls !== tls || built.https !== https) {
      const list = result?.claims ?? [];
      const head = root ? [root] : [];
      const secure = [...head, ...list.flatMap((c) => c.routes)];
      const plain = [...head, ...list.flatMap((c) => (https && redirectsToHttps(c, tls) ? [httpsRedirect(c.routes[c.routes.length - 1] as Route, gateway.httpsPort)] : c.routes))];
      built = { rootKey, tls, https, httpVhost: vhost(host, plain), httpsVhost: vhost(host, secure) };
      if (result) result.vhosts = built;
    }
    httpHosts.push(built.httpVhost);
    httpsHosts.push(built.httpsVhost);
  }
  const listeners: HttpListener[] = [{ name: 'http', address: gateway.address, port: gateway.httpPort, virtualHosts: httpHosts }];
  if (https) {
    listeners.push({ name: 'https', address: gateway.address, port: gateway.httpsPort, tls: { certificates: certs.refs }, virtualHosts: httpsHosts });
  }
  for (const p of parts.listenerSettings) {
    for (const group of LISTENER_GROUPS) {
      const s = p.settings.get(group);
      if (s !== undefined) for (const l of listeners) group.listener?.(s, l);
    }
  }
  return {
    name: gateway.name,
    // Settings first, the long list of virtual hosts last: easier to read in dumps and goldens.
    httpListeners: listeners.map(({ virtualHosts, ...settings }) => ({ ...settings, virtualHosts })),
    tcpListeners: [],
    grpcApiListeners: [],
    backends: parts.backends,
    secrets: parts.secrets,
  };
}

/** ingress-nginx: TLS hosts redirect http → https unless ssl-redirect is "false"; force-ssl-redirect does it anyway. */
function redirectsToHttps(c: Claim, hostHasCertificate: boolean): boolean {
  const primary = c.routes[c.routes.length - 1];
  if (!primary || primary.action.kind === 'redirect') return false;
  const s = settingsOf(c.entry.ingress, redirectGroup);
  return s?.forceSslRedirect === true || (s?.sslRedirect !== false && hostHasCertificate);
}

function httpsRedirect(r: Route, httpsPort: number): Route {
  return { name: r.name, match: r.match, action: { kind: 'redirect', scheme: 'https', port: httpsPort, statusCode: 308 } };
}

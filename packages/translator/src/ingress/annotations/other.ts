// ingress-nginx annotations that fit no other group and that Tidegate cannot express, each with the reason.
import { annotation, type AnnotationGroup } from './annotation';

const SNIPPET = 'raw nginx configuration cannot be translated to Envoy';

export const otherGroup: AnnotationGroup<never> = {
  id: 'other',
  annotations: [
    annotation('configuration-snippet', 'unsupported', SNIPPET),
    annotation('server-snippet', 'unsupported', SNIPPET),
    annotation('stream-snippet', 'unsupported', SNIPPET),
    annotation('modsecurity-snippet', 'unsupported', SNIPPET),
    annotation('enable-modsecurity', 'unsupported', 'Envoy has no ModSecurity WAF'),
    annotation('enable-owasp-core-rules', 'unsupported', 'Envoy has no ModSecurity WAF'),
    annotation('modsecurity-transaction-id', 'unsupported', 'Envoy has no ModSecurity WAF'),
    annotation('server-alias', 'unsupported', 'not yet: add the names as Ingress rules'),
    annotation('from-to-www-redirect', 'unsupported', 'not yet: add a rule for the www name with permanent-redirect'),
    annotation('preserve-trailing-slash', 'unsupported', 'redirects keep the path as sent'),
    annotation('use-port-in-redirects', 'unsupported', 'redirects use the default gateway\'s ports'),
    annotation('proxy-buffering', 'unsupported', 'Envoy streams responses; buffering is not configurable in the IR'),
    annotation('proxy-buffers-number', 'unsupported', 'Envoy streams responses; buffering is not configurable in the IR'),
    annotation('proxy-buffer-size', 'unsupported', 'Envoy streams responses; buffering is not configurable in the IR'),
    annotation('proxy-max-temp-file-size', 'unsupported', 'Envoy never buffers to disk'),
    annotation('proxy-request-buffering', 'unsupported', 'Envoy streams requests; buffering is not configurable in the IR'),
    annotation('client-body-buffer-size', 'unsupported', 'Envoy streams requests; buffering is not configurable in the IR'),
    annotation('proxy-cookie-domain', 'unsupported', 'the IR cannot rewrite Set-Cookie'),
    annotation('proxy-cookie-path', 'unsupported', 'the IR cannot rewrite Set-Cookie'),
    annotation('proxy-redirect-from', 'unsupported', 'the IR cannot rewrite Location headers'),
    annotation('proxy-redirect-to', 'unsupported', 'the IR cannot rewrite Location headers'),
    annotation('enable-access-log', 'unsupported', 'access logs are set per listener (ClientTrafficPolicy), not per Ingress'),
    annotation('enable-rewrite-log', 'unsupported', 'nginx debugging only'),
    annotation('enable-opentelemetry', 'unsupported', 'tracing is not in the IR yet'),
    annotation('opentelemetry-trust-incoming-span', 'unsupported', 'tracing is not in the IR yet'),
    annotation('satisfy', 'unsupported', 'auth methods always all apply'),
    annotation('http2-push-preload', 'unsupported', 'HTTP/2 server push is obsolete and not in Envoy'),
    annotation('global-rate-limit', 'unsupported', 'only local (per gateway instance) rate limits'),
    annotation('global-rate-limit-window', 'unsupported', 'only local (per gateway instance) rate limits'),
    annotation('global-rate-limit-key', 'unsupported', 'only local (per gateway instance) rate limits'),
    annotation('global-rate-limit-ignored-cidrs', 'unsupported', 'only local (per gateway instance) rate limits'),
  ],
  parse: () => undefined,
};

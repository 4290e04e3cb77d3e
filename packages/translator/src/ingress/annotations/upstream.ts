// Upstreams: backend protocol, TLS to the backend, load balancing, consistent hashing and cookie affinity.
import type { Backend, HashPolicy, LoadBalancer, UpstreamTls } from '@tidegate/ir';
import { caFromData, keyPairFromData } from '../../resources/secret-data';
import { annotation, type AnnotationGroup } from './annotation';
import { integer, objectRef, onOff, read, type Parsed } from './values';

export interface UpstreamSettings {
  protocol?: Backend['protocol'];
  tls?: UpstreamTls;
  loadBalancer?: LoadBalancer;
  hashPolicy?: HashPolicy[];
  /** Cookie affinity; its path defaults to the Ingress path. */
  affinity?: { name: string; ttlSeconds: number; path?: string };
}

const PROTOCOL = annotation('backend-protocol', 'supported', 'HTTP (default), HTTPS (TLS, unverified unless proxy-ssl-verify), HTTP2 (h2c), GRPC (HTTP/2), GRPCS (HTTP/2 over TLS)', {
  limits: 'AUTO_HTTP, FCGI and AJP are not supported (the value is an error and the backend stays HTTP)',
});
const SSL_SECRET = annotation('proxy-ssl-secret', 'supported', '`namespace/name` Secret: tls.crt + tls.key become the client certificate, ca.crt the CA that proxy-ssl-verify uses');
const SSL_VERIFY = annotation('proxy-ssl-verify', 'supported', '"on" verifies the backend certificate against proxy-ssl-secret\'s ca.crt (and proxy-ssl-name)');
const SSL_NAME = annotation('proxy-ssl-name', 'supported', 'name the backend certificate must carry when verified, and the SNI with proxy-ssl-server-name');
const SSL_SERVER_NAME = annotation('proxy-ssl-server-name', 'supported', '"on" sends proxy-ssl-name as SNI');
const SSL_CIPHERS = annotation('proxy-ssl-ciphers', 'unsupported', 'the IR has no upstream cipher list');
const SSL_PROTOCOLS = annotation('proxy-ssl-protocols', 'unsupported', 'the IR has no upstream TLS versions');
const SSL_DEPTH = annotation('proxy-ssl-verify-depth', 'unsupported', 'Envoy has no chain depth limit');
const LOAD_BALANCE = annotation('load-balance', 'supported', 'round_robin → round robin, least_conn → least request, random → random', {
  limits: 'ewma (partly supported) becomes least request: Envoy has no EWMA balancer',
});
const HASH_BY = annotation('upstream-hash-by', 'supported', 'ring-hash balancing with hash inputs: $remote_addr → client IP, $request_uri/$uri → :path, $host → :authority, $http_<h> → header, $arg_<a> → query parameter, $cookie_<c> → cookie; several variables are combined', {
  limits: '$uri (partly supported) hashes the path with its query string; literal text between variables is not supported',
});
const HASH_SUBSET = annotation('upstream-hash-by-subset', 'unsupported', 'Envoy\'s ring hash has no endpoint subsets');
const AFFINITY = annotation('affinity', 'partly', '"cookie": ring-hash balancing on the session cookie, which Envoy sets when missing', {
  limits: 'consistent hashing (like ingress-nginx\'s balanced mode): when endpoints change some clients move',
});
const AFFINITY_MODE = annotation('affinity-mode', 'supported', 'balanced (the default)', { limits: 'persistent (partly supported) is treated as balanced' });
const COOKIE_NAME = annotation('session-cookie-name', 'supported', 'affinity cookie name (default INGRESSCOOKIE)');
const COOKIE_PATH = annotation('session-cookie-path', 'supported', 'path of the affinity cookie (default the Ingress path, `/` for regex paths)');
const COOKIE_MAX_AGE = annotation('session-cookie-max-age', 'supported', 'lifetime of the affinity cookie in seconds (default a session cookie)');
const COOKIE_EXPIRES = annotation('session-cookie-expires', 'supported', 'lifetime of the affinity cookie in seconds when session-cookie-max-age is not set');
const COOKIE_UNSUPPORTED = ['session-cookie-samesite', 'session-cookie-secure', 'session-cookie-domain', 'session-cookie-conditional-samesite-none', 'session-cookie-change-on-failure'].map((n) =>
  annotation(n, 'unsupported', 'Envoy\'s hash cookie carries only name, path and lifetime'),
);
const OTHER_UNSUPPORTED = [
  annotation('service-upstream', 'unsupported', 'Tidegate always balances over the Service\'s endpoints'),
  annotation('proxy-http-version', 'unsupported', 'upstream HTTP/1.0 is not available; HTTP/1.1 is used'),
  annotation('upstream-keepalive-connections', 'unsupported', 'Envoy manages upstream connection pools itself'),
  annotation('upstream-keepalive-timeout', 'unsupported', 'Envoy manages upstream connection pools itself'),
  annotation('upstream-keepalive-requests', 'unsupported', 'Envoy manages upstream connection pools itself'),
];

const LB: Record<string, LoadBalancer['policy']> = { round_robin: 'round-robin', least_conn: 'least-request', ewma: 'least-request', random: 'random' };

function hashInputs(text: string): Parsed<HashPolicy[]> {
  const t = text.trim();
  const vars = [...t.matchAll(/\$([A-Za-z0-9_-]+)/g)];
  if (vars.length === 0 || vars.map((v) => v[0]).join('') !== t) return { ok: false, message: 'must be one or more nginx variables such as "$remote_addr", "$http_x_user" or "$arg_id", without other text' };
  const out: HashPolicy[] = [];
  for (const [, name] of vars) {
    const v = name as string;
    if (v === 'remote_addr' || v === 'binary_remote_addr') out.push({ type: 'source-ip' });
    else if (v === 'request_uri' || v === 'uri') out.push({ type: 'header', name: ':path' });
    else if (v === 'host') out.push({ type: 'header', name: ':authority' });
    else if (v.startsWith('http_') && v.length > 5) out.push({ type: 'header', name: v.slice(5).replace(/_/g, '-').toLowerCase() });
    else if (v.startsWith('arg_') && v.length > 4) out.push({ type: 'query', name: v.slice(4) });
    else if (v.startsWith('cookie_') && v.length > 7) out.push({ type: 'cookie', name: v.slice(7) });
    else return { ok: false, message: `$${v} is not supported (use $remote_addr, $request_uri, $uri, $host, $http_<header>, $arg_<name>, $cookie_<name>)` };
  }
  return { ok: true, value: out };
}

export const upstreamGroup: AnnotationGroup<UpstreamSettings> = {
  id: 'upstream',
  annotations: [PROTOCOL, SSL_SECRET, SSL_VERIFY, SSL_NAME, SSL_SERVER_NAME, SSL_CIPHERS, SSL_PROTOCOLS, SSL_DEPTH, LOAD_BALANCE, HASH_BY, HASH_SUBSET, AFFINITY, AFFINITY_MODE, COOKIE_NAME, COOKIE_PATH, COOKIE_MAX_AGE, COOKIE_EXPIRES, ...COOKIE_UNSUPPORTED, ...OTHER_UNSUPPORTED],
  parse(a, ctx) {
    const s: UpstreamSettings = {};
    const protocol = read(a, PROTOCOL, ctx, (t) => {
      const p = t.trim().toUpperCase();
      return ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPCS'].includes(p) ? { ok: true, value: p } : { ok: false, message: `${t} is not supported (HTTP, HTTPS, HTTP2, GRPC, GRPCS)` };
    });
    if (protocol === 'HTTP2') s.protocol = 'http2';
    if (protocol === 'GRPC' || protocol === 'GRPCS') s.protocol = 'grpc';
    if (protocol === 'HTTPS' || protocol === 'GRPCS') s.tls = protocol === 'GRPCS' ? { alpn: ['h2'] } : {};

    const verify = read(a, SSL_VERIFY, ctx, onOff) === true;
    const serverName = read(a, SSL_SERVER_NAME, ctx, onOff) === true;
    const name = read(a, SSL_NAME, ctx, (t) => (/^[A-Za-z0-9.*-]+$/.test(t.trim()) ? { ok: true, value: t.trim() } : { ok: false, message: 'must be a host name' }));
    const ref = read(a, SSL_SECRET, ctx, objectRef(ctx.namespace));
    const secretFound = a.get(SSL_SECRET);
    let ca: string | undefined;
    if (ref && secretFound) {
      const data = ctx.lookups.secretData(ref.namespace, ref.name);
      if (!data.ok) ctx.broken(secretFound.key, data.message);
      else {
        const pair = keyPairFromData(ref.namespace, ref.name, data.data);
        const caPem = caFromData(ref.namespace, ref.name, data.data, ['ca.crt']);
        const problem = pair.problem ?? caPem.problem;
        if (problem) ctx.broken(secretFound.key, problem);
        else {
          s.tls ??= {};
          if (pair.secret) {
            ctx.need({ secret: pair.secret });
            s.tls.clientCertificateSecret = pair.secret.name;
          }
          if (caPem.secret) {
            ctx.need({ secret: caPem.secret });
            ca = caPem.secret.name;
          }
        }
      }
    }
    if (verify) {
      const found = a.get(SSL_VERIFY);
      if (!ca && found) ctx.broken(found.key, 'needs proxy-ssl-secret with a ca.crt to verify against');
      else if (ca) {
        s.tls ??= {};
        s.tls.caSecret = ca;
        // An explicit empty list: without proxy-ssl-name only the chain is checked, as nginx does.
        s.tls.subjectAltNames = name ? [name] : [];
      }
    }
    if (s.tls && name && serverName) s.tls.sni = name;

    const lb = read(a, LOAD_BALANCE, ctx, (t) => {
      const p = LB[t.trim()];
      return p ? { ok: true, value: p } : { ok: false, message: 'must be round_robin, least_conn, ewma or random' };
    });
    if (lb) s.loadBalancer = { policy: lb };
    const lbFound = a.get(LOAD_BALANCE);
    if (lbFound?.value.trim() === 'ewma') ctx.remark(lbFound.key, 'ewma runs as least request', true);
    const hash = read(a, HASH_BY, ctx, hashInputs);
    const hashFound = a.get(HASH_BY);
    if (hash && hashFound && /\$uri(?![a-z_])/.test(hashFound.value)) ctx.remark(hashFound.key, '$uri hashes the query string too', true);
    if (hash) {
      s.hashPolicy = hash;
      s.loadBalancer = { policy: 'ring-hash' };
    }
    const affinity = read(a, AFFINITY, ctx, (t) => (t.trim() === 'cookie' ? { ok: true, value: 'cookie' } : { ok: false, message: 'only "cookie" is supported' }));
    const mode = read(a, AFFINITY_MODE, ctx, (t) => (['balanced', 'persistent'].includes(t.trim()) ? { ok: true, value: t.trim() } : { ok: false, message: 'must be balanced or persistent' }));
    if (mode === 'persistent') ctx.remark((a.get(AFFINITY_MODE) as { key: string }).key, 'persistent runs as balanced', true);
    if (affinity) {
      const maxAge = read(a, COOKIE_MAX_AGE, ctx, integer(0, 2 ** 31 - 1));
      const expires = read(a, COOKIE_EXPIRES, ctx, integer(0, 2 ** 31 - 1));
      s.affinity = { name: a.get(COOKIE_NAME)?.value.trim() || 'INGRESSCOOKIE', ttlSeconds: maxAge ?? expires ?? 0 };
      const path = a.get(COOKIE_PATH)?.value.trim();
      if (path) s.affinity.path = path;
      s.loadBalancer = { policy: 'ring-hash' };
    }
    return Object.keys(s).length ? s : undefined;
  },
  backend(s, backend) {
    if (s.protocol) backend.protocol = s.protocol;
    if (s.tls) backend.tls = structuredClone(s.tls);
    if (s.loadBalancer) backend.loadBalancer = { ...s.loadBalancer };
  },
  route(s, route, rc) {
    const hash: HashPolicy[] = [...(s.hashPolicy ?? [])];
    if (s.affinity) {
      const path = s.affinity.path ?? (rc.regex ? '/' : rc.path);
      hash.push({ type: 'cookie', name: s.affinity.name, ttlSeconds: s.affinity.ttlSeconds, path });
    }
    if (hash.length) route.hashPolicy = hash;
  },
};

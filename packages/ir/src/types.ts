// Tidegate's own model of what a proxy group should do. Plain, serialisable data:
// no Kubernetes or Envoy types leak in, so an IR value is also a test input.

/** Everything the control plane serves, one entry per proxy group (a Gateway). */
export interface IR {
  proxyGroups: ProxyGroup[];
}

/** The configuration one set of Envoys (a Gateway's pods, or the default gateway) receives. */
export interface ProxyGroup {
  /** Node cluster name Envoys of this group present, e.g. `default/web-gateway`. */
  name: string;
  httpListeners: HttpListener[];
  tcpListeners: TcpListener[];
  /** gRPC targets served to proxyless gRPC clients (xDS API listeners). */
  grpcApiListeners: GrpcApiListener[];
  backends: Backend[];
  secrets: Secret[];
}

// ───────────────────────── listeners ─────────────────────────

export interface HttpListener {
  /** Unique within the group; also the Envoy listener and route-configuration name. */
  name: string;
  address: string;
  port: number;
  /** When present the listener terminates TLS; each certificate serves its SNI hostnames. */
  tls?: DownstreamTls;
  /** Accept HAProxy PROXY protocol v1/v2 before anything else (opt-in). */
  proxyProtocol?: boolean;
  /** Allow HTTP/2 (h2c on plaintext; via ALPN with TLS). Default true. */
  http2?: boolean;
  /** Number of trusted proxies in front of Envoy, for X-Forwarded-For (default 0). */
  xffNumTrustedHops?: number;
  timeouts?: ListenerTimeouts;
  /** Response compression, opt-in. */
  compression?: Array<'gzip' | 'brotli'>;
  accessLog?: AccessLog;
  /** Largest request body accepted (413 above it); unset means no limit. */
  maxRequestBodyBytes?: number;
  /** Most downstream connections open at once on this listener. */
  connectionLimit?: number;
  virtualHosts: VirtualHost[];
}

export interface ListenerTimeouts {
  /** Idle timeout for a downstream connection. */
  idleMs?: number;
  /** Idle timeout for one stream (request) with no activity. */
  streamIdleMs?: number;
  /** Time allowed to receive the request headers. */
  requestHeadersMs?: number;
}

export interface AccessLog {
  /** `stdout` or a file path. */
  path: string;
  format: 'json' | 'text';
}

export interface DownstreamTls {
  certificates: TlsCertificateRef[];
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  ciphers?: string[];
  /** Require and verify client certificates against this CA secret. */
  clientCaSecret?: string;
  /**
   * With a client CA: still accept clients that present no certificate or one that fails
   * verification (Gateway API `AllowInsecureFallback`; the backend then decides). Default false.
   */
  clientCertificateFallback?: boolean;
  /** ALPN offered; defaults to h2 + http/1.1 when http2 is on. */
  alpn?: string[];
}

export type TlsVersion = '1.0' | '1.1' | '1.2' | '1.3';

export interface TlsCertificateRef {
  /** SNI names this certificate serves; empty means the default chain. */
  hostnames: string[];
  /** Name of a `Secret` of kind `certificate` in this group. */
  secretName: string;
  /** Per-host overrides of the listener's settings (ingress-nginx sets these per Ingress host). */
  clientCaSecret?: string;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  ciphers?: string[];
}

export interface VirtualHost {
  /** Unique within its listener. */
  name: string;
  /** Exact names or a leading-wildcard `*.example.com`; `*` matches any host. */
  domains: string[];
  routes: Route[];
  cors?: CorsPolicy;
}

export interface CorsPolicy {
  /** Exact origins, `*`, or `*.example.com` suffix wildcards. */
  allowOrigins: string[];
  /** `['*']` with `allowCredentials`: a preflight is answered with the method it asked for. */
  allowMethods?: string[];
  /** `['*']` with `allowCredentials`: a preflight is answered with the headers it asked for. */
  allowHeaders?: string[];
  exposeHeaders?: string[];
  allowCredentials?: boolean;
  maxAgeSeconds?: number;
}

// ───────────────────────── routes ─────────────────────────

export interface Route {
  /** Unique within its virtual host; shows up in Envoy stats and config dumps. */
  name: string;
  match: RouteMatch;
  action: RouteAction;
  /** Path rewrite before forwarding (forward actions only). */
  rewrite?: PathRewrite;
  /** Replace the Host/:authority sent upstream. */
  hostRewrite?: string;
  requestHeaders?: HeaderMutation;
  responseHeaders?: HeaderMutation;
  /** Whole-request timeout, including retries. 0 disables Envoy's default 15 s. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  mirrors?: Mirror[];
  /** Consistent-hash inputs, used when the backend balances by ring hash or maglev. */
  hashPolicy?: HashPolicy[];
  /** Sticky sessions: later requests of a session go to the endpoint that served its first (forward actions only). */
  sessionPersistence?: SessionPersistence;
  cors?: CorsPolicy;
  /** Close the upstream stream after this long without activity (ingress-nginx `proxy-read-timeout`). */
  idleTimeoutMs?: number;
  /** Largest request body for this route (413 above it); overrides the listener's. */
  maxRequestBodyBytes?: number;
  /** Client IP allow and deny lists. */
  ipAccess?: IpAccess;
  /** Local rate limit (429 when exceeded). */
  rateLimit?: RateLimit;
  basicAuth?: BasicAuth;
  externalAuth?: ExternalAuth;
  /** JWT authentication (Envoy's jwt_authn): a valid token from one of the providers, or 401. */
  jwt?: JwtAuthn;
  /** API-key authentication (Envoy's api_key_auth): a known key, else 401; a consumer outside `allow`, 403. */
  apiKey?: ApiKeyAuth;
  /** Answer these upstream status codes from another backend (ingress-nginx `custom-http-errors`). */
  customErrors?: CustomErrors;
  /** Serve the backends' gRPC methods to HTTP/JSON clients too (forward actions only). */
  grpcJsonTranscoder?: GrpcJsonTranscoder;
}

// ───────────────────────── security and limits ─────────────────────────

export interface IpAccess {
  /** CIDRs (or single IPs); when non-empty, only these clients get through (403 otherwise). */
  allow?: string[];
  /** CIDRs (or single IPs) refused with 403; deny wins over allow. */
  deny?: string[];
}

export interface RateLimit {
  /** Requests admitted per `per`. */
  requests: number;
  per: 'second' | 'minute';
  /** Bucket size: how many requests may arrive at once (default `requests`). */
  burst?: number;
  /** One bucket per client IP rather than one for the whole route. */
  perClient?: boolean;
}

export interface BasicAuth {
  /** htpasswd file content (`user:hash` lines). */
  htpasswd: string;
  realm?: string;
}

export interface ExternalAuth {
  /** Backend that answers the auth check (2xx allows, anything else is returned to the client). */
  backend: string;
  /** Path prefix of the auth request (the original path is appended); default the original path. */
  pathPrefix?: string;
  timeoutMs?: number;
  /** Headers of the auth response copied onto the upstream request. */
  responseHeadersToUpstream?: string[];
  /** Request headers sent to the auth service (besides the defaults Envoy sends). */
  allowedRequestHeaders?: string[];
}

/** JWT authentication on a route: any one of `providers` may vouch for the token. */
export interface JwtAuthn {
  providers: JwtProvider[];
  /** A request without a token passes; a token that fails verification is still refused (401). */
  optional?: boolean;
  /** Top-level claims the verified token must carry with exactly these string values (403 otherwise); not with `optional`. */
  requiredClaims?: Array<{ claim: string; value: string }>;
}

/** API keys on a route: consumers and their keys, where the key is read, who may pass, and the header naming the consumer upstream. */
export interface ApiKeyAuth {
  /** One per key; `key` is secret (redacted in /debug output, see @tidegate/common redact.ts). Keys are unique. */
  credentials: Array<{ client: string; key: string }>;
  /** Where the key is read, in this order; the first one present is the one checked. */
  sources: Array<{ header: string } | { query: string }>;
  /** Consumers let through (403 for the others); absent: every consumer with a valid key. */
  allow?: string[];
  /** Request header set to the consumer's name before forwarding (a client's own value is replaced). */
  forwardClientHeader?: string;
}

export interface JwtProvider {
  /** Unique within the proxy group (two routes naming the same provider share it). */
  name: string;
  /** The `iss` the token must carry; absent: any. */
  issuer?: string;
  /** One of these must be in the token's `aud`; absent: any. */
  audiences?: string[];
  jwks: JwtJwks;
  /** Where the token is looked for; all absent: `Authorization: Bearer <token>`. */
  fromHeaders?: Array<{ name: string; prefix?: string }>;
  fromParams?: string[];
  fromCookies?: string[];
  /** Claims copied onto the upstream request as headers. */
  claimToHeaders?: Array<{ claim: string; header: string }>;
}

/** The keys: fetched from `uri` through `backend` (cached `cacheDurationMs`), or given inline as JWKS JSON. */
export type JwtJwks = { kind: 'remote'; uri: string; backend: string; cacheDurationMs?: number } | { kind: 'local'; json: string };

export interface CustomErrors {
  statusCodes: number[];
  /** Backend that renders the error page; it receives the original path and `x-code`. */
  backend: string;
}

/**
 * Envoy's gRPC-JSON transcoder on one route: HTTP/JSON requests for the listed services become
 * gRPC calls to the route's backends (which must speak HTTP/2) and the replies become JSON.
 * Requests that are already gRPC pass through unchanged.
 */
export interface GrpcJsonTranscoder {
  /**
   * base64 of a serialised `google.protobuf.FileDescriptorSet` holding the services and every
   * file they import, each file after its imports (what `protoc --include_imports` writes).
   */
  descriptorSet: string;
  /** Fully qualified names (`package.Service`) of the services to transcode; at least one. */
  services: string[];
  /** `POST /<package.Service>/<Method>` with a JSON body calls that method even without `google.api.http` options (default true). */
  autoMapping?: boolean;
  /** Answer gRPC errors with a JSON `google.rpc.Status` body (the HTTP status follows the gRPC code either way). */
  convertGrpcStatus?: boolean;
  printOptions?: GrpcJsonPrintOptions;
}

/** How replies are written as JSON (protobuf's JSON printer options). */
export interface GrpcJsonPrintOptions {
  addWhitespace?: boolean;
  alwaysPrintPrimitiveFields?: boolean;
  alwaysPrintEnumsAsInts?: boolean;
  preserveProtoFieldNames?: boolean;
}

export interface RouteMatch {
  path: PathMatch;
  /** Path comparisons ignore case. */
  caseInsensitive?: boolean;
  headers?: HeaderMatch[];
  queryParams?: QueryMatch[];
  method?: string;
}

/**
 * `prefix` matches whole path segments (`/api` matches `/api` and `/api/x`, not `/apix`),
 * as Gateway API and Ingress `Prefix` define it; `string-prefix` is a plain string prefix
 * (ingress-nginx `ImplementationSpecific`).
 */
export type PathMatch =
  | { type: 'exact'; value: string }
  | { type: 'prefix'; value: string }
  | { type: 'string-prefix'; value: string }
  | { type: 'regex'; value: string };

export interface HeaderMatch {
  name: string;
  type: 'exact' | 'prefix' | 'regex' | 'present';
  value?: string;
  /** Match when the header does NOT match. */
  invert?: boolean;
}

export interface QueryMatch {
  name: string;
  type: 'exact' | 'prefix' | 'regex' | 'present';
  value?: string;
}

export type RouteAction = ForwardAction | RedirectAction | DirectResponseAction;

export interface ForwardAction {
  kind: 'forward';
  /** Weighted backends; a weight of 0 receives nothing. Empty (or all weights 0) → 500. */
  backends: WeightedBackend[];
  /**
   * Weight of traffic that must fail with 500 because the backend it was meant for is
   * invalid (Gateway API: an unresolvable backendRef keeps its share and answers 500).
   */
  invalidWeight?: number;
  /**
   * Status the invalid share answers (default 500). 503 for gRPC routes: Envoy turns it into
   * a trailers-only reply with `grpc-status: 14` (UNAVAILABLE), as GRPCRoute asks.
   */
  invalidStatus?: 500 | 503;
  /** Allow WebSocket upgrades (default true). */
  websocket?: boolean;
}

export interface WeightedBackend {
  /** Name of a `Backend` in the same proxy group. */
  backend: string;
  weight: number;
  requestHeaders?: HeaderMutation;
  responseHeaders?: HeaderMutation;
}

export interface RedirectAction {
  kind: 'redirect';
  scheme?: 'http' | 'https';
  host?: string;
  port?: number;
  /** Replace the whole path, or only the matched prefix. */
  path?: { type: 'full'; value: string } | { type: 'prefix'; value: string };
  statusCode: 301 | 302 | 303 | 307 | 308;
}

export interface DirectResponseAction {
  kind: 'direct';
  status: number;
  body?: string;
  contentType?: string;
}

export type PathRewrite =
  | { type: 'prefix'; value: string }
  | { type: 'full'; value: string }
  | { type: 'regex'; pattern: string; substitution: string };

export interface HeaderMutation {
  /** Appended to any existing value. */
  add?: Array<{ name: string; value: string }>;
  /** Replaces any existing value. */
  set?: Array<{ name: string; value: string }>;
  remove?: string[];
}

export interface RetryPolicy {
  attempts: number;
  /** Envoy retry_on conditions, e.g. `5xx`, `connect-failure`, `retriable-status-codes`. */
  on: string[];
  /** With `retriable-status-codes`. */
  statusCodes?: number[];
  perTryTimeoutMs?: number;
  backoffBaseMs?: number;
}

export interface Mirror {
  backend: string;
  /** 0–100, fractions allowed. */
  percent: number;
}

/**
 * A session kept on one endpoint by a cookie the gateway sets: it names the endpoint that
 * served the session's first request, and later requests carrying it go there while it is
 * available (else the load balancer picks again and the cookie is replaced). The endpoint is
 * one of the chosen backend's: with several weighted backends a request may still land on another.
 */
export interface SessionPersistence {
  cookie: {
    name: string;
    /** Cookie lifetime (Max-Age, also enforced by the gateway); absent: a session cookie. */
    ttlMs?: number;
    /** Cookie Path attribute; absent: the browser's default (the request path's directory). */
    path?: string;
  };
}

export type HashPolicy =
  | { type: 'header'; name: string }
  | { type: 'cookie'; name: string; ttlSeconds?: number; path?: string }
  | { type: 'source-ip' }
  | { type: 'query'; name: string };

// ───────────────────────── TCP / TLS passthrough ─────────────────────────

export interface TcpListener {
  name: string;
  address: string;
  port: number;
  proxyProtocol?: boolean;
  /** Terminate TLS (certificates chosen by SNI) and proxy the decrypted stream. */
  tls?: DownstreamTls;
  /** Routes by SNI (TLS passthrough) when `sniHostnames` are set, else one catch-all route. */
  routes: TcpRoute[];
}

export interface TcpRoute {
  name: string;
  /** TLS passthrough: the SNI names this route takes; absent for plain TCP. */
  sniHostnames?: string[];
  backends: WeightedBackend[];
  /**
   * Weight of connections that must be refused (closed) because the backend they were meant
   * for is invalid (Gateway API TCPRoute/TLSRoute: rejections respect weight).
   */
  invalidWeight?: number;
}

// ───────────────────────── proxyless gRPC ─────────────────────────

export interface GrpcApiListener {
  /** The target name clients dial as `xds:///<name>`. */
  name: string;
  virtualHosts: VirtualHost[];
}

// ───────────────────────── backends ─────────────────────────

export interface Backend {
  /** Unique within the proxy group; the Envoy cluster name. */
  name: string;
  discovery: BackendDiscovery;
  protocol?: 'http1' | 'http2' | 'grpc';
  loadBalancer?: LoadBalancer;
  tls?: UpstreamTls;
  connectTimeoutMs?: number;
  circuitBreaker?: CircuitBreaker;
  outlierDetection?: OutlierDetection;
  healthCheck?: HealthCheck;
}

/** Endpoints Tidegate knows (sent by EDS), or a DNS name Envoy resolves itself. */
export type BackendDiscovery =
  | { type: 'static'; endpoints: Endpoint[] }
  | { type: 'dns'; mode: 'strict' | 'logical'; hostname: string; port: number; respectDnsTtl?: boolean };

export interface Endpoint {
  address: string;
  port: number;
  /** Relative load-balancing weight (1–128 in Envoy terms; default 1). */
  weight?: number;
  /** Unhealthy endpoints get no traffic; `draining` ones finish existing work only. */
  health?: 'healthy' | 'unhealthy' | 'draining';
  zone?: string;
}

export interface LoadBalancer {
  policy: 'round-robin' | 'least-request' | 'random' | 'ring-hash' | 'maglev';
}

export interface UpstreamTls {
  /** SNI to send; defaults to none. */
  sni?: string;
  /** Verify the server against this CA secret; absent means no verification. */
  caSecret?: string;
  /**
   * DNS names the server certificate may carry; it must carry one of these or of
   * `uriSubjectAltNames`. Both absent: it must carry `sni`.
   */
  subjectAltNames?: string[];
  /** URI names (e.g. SPIFFE IDs) the server certificate may carry instead of a DNS name. */
  uriSubjectAltNames?: string[];
  /** Client certificate for mTLS to the backend. */
  clientCertificateSecret?: string;
  alpn?: string[];
}

export interface CircuitBreaker {
  maxConnections?: number;
  maxPendingRequests?: number;
  maxRequests?: number;
  maxRetries?: number;
}

export interface OutlierDetection {
  consecutive5xx?: number;
  intervalMs?: number;
  baseEjectionTimeMs?: number;
  maxEjectionPercent?: number;
}

export interface HealthCheck {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
  /** Status ranges considered healthy, default [200, 399]. */
  expectedStatuses?: Array<[number, number]>;
  host?: string;
}

// ───────────────────────── secrets ─────────────────────────

export type Secret =
  | { name: string; type: 'certificate'; certificateChain: string; privateKey: string }
  | { name: string; type: 'ca'; caCertificate: string };

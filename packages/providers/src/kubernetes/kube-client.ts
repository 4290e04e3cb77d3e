// A small JSON client for the Kubernetes API: requests, paginated lists and watches, authenticated by a KubeConfig.
import * as http from 'node:http';
import * as https from 'node:https';
import { ProvidersError } from '../errors';
import { clientNode, type KubeConfig } from './client-node';

/** The API server answered with an error status (`status` is the HTTP code, `reason` the Status reason). */
export class KubeApiError extends ProvidersError {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('kube-api', message, options);
  }
}

/** HTTP status (or 0 for a network error) of anything a client call threw. */
export function errorStatus(err: unknown): number {
  if (err instanceof KubeApiError) return err.status;
  const e = err as { statusCode?: unknown; code?: unknown } | undefined;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  if (typeof e?.code === 'number') return e.code;
  return 0;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** e.g. `application/merge-patch+json`; JSON by default. */
  contentType?: string;
  timeoutMs?: number;
}

/** One page of a list: raw JSON items (no `apiVersion`/`kind` on them) and the list's resourceVersion. */
export interface ListResult {
  items: Array<Record<string, unknown>>;
  resourceVersion: string;
}

/** A watch event as the API server sends it. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

const PAGE_SIZE = 500;
const MAX_PAGES = 10_000;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Raw JSON in and out: objects stay exactly as the API server serves them (the
 * generated typed clients turn timestamps into Dates and drop unknown fields).
 */
export class KubeClient {
  /** One keep-alive agent per TLS identity, so bursts of requests (status writes) reuse connections. */
  private agent?: { key: string; agent: https.Agent };

  constructor(readonly config: KubeConfig) {}

  /** Closes idle connections. */
  close(): void {
    this.agent?.agent.destroy();
    this.agent = undefined;
  }

  /** The API server's base URL. */
  get server(): string {
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new ProvidersError('kube-config-invalid', 'kubeconfig has no current cluster');
    return cluster.server.replace(/\/+$/, '');
  }

  /** Sends one request; resolves with the decoded JSON body, rejects with a KubeApiError on a non-2xx answer. */
  async request<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { status, text } = await this.send(method, path, options);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (status < 200 || status > 299) {
      const s = (json ?? {}) as { reason?: string; message?: string };
      throw new KubeApiError(status, s.reason ?? '', `${method} ${path}: ${status} ${s.message ?? text.slice(0, 200)}`);
    }
    if (json === undefined) throw new KubeApiError(status, 'BadResponse', `${method} ${path}: answer is not JSON`);
    return json as T;
  }

  /** HTTP status of a GET (e.g. `/readyz`), or 0 when the server cannot be reached. */
  async probe(path: string, timeoutMs = 5000): Promise<number> {
    try {
      return (await this.send('GET', path, { timeoutMs })).status;
    } catch {
      return 0;
    }
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<{ status: number; text: string }> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: https.RequestOptions = { method, headers: {} };
    await this.config.applyToHTTPSOptions(opts);
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    opts.headers = {
      ...(opts.headers as Record<string, string>),
      accept: 'application/json',
      ...(body ? { 'content-type': options.contentType ?? 'application/json', 'content-length': String(body.length) } : {}),
    };
    opts.timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const send = url.protocol === 'http:' ? http.request : https.request;
    const oneOff = opts.agent as http.Agent | undefined;
    if (url.protocol === 'https:' && oneOff instanceof https.Agent && !this.config.getCurrentCluster()?.proxyUrl) {
      // The library made a fresh agent for this request; keep one alive instead, rebuilt if the TLS material changes.
      const key = JSON.stringify([opts.ca, opts.cert, opts.key, opts.rejectUnauthorized, opts.servername].map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)));
      if (this.agent?.key !== key) {
        this.agent?.agent.destroy();
        const tls = { ca: opts.ca, cert: opts.cert, key: opts.key, servername: opts.servername, ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }) };
        this.agent = { key, agent: new https.Agent({ ...tls, keepAlive: true, maxSockets: 16 }) };
      }
      oneOff.destroy();
      opts.agent = this.agent.agent;
    }
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = send(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out after ${opts.timeout} ms`)));
      req.on('error', reject);
      req.end(body);
    }).finally(() => {
      if (opts.agent !== this.agent?.agent) (opts.agent as http.Agent | undefined)?.destroy();
    });
  }

  /** Lists every object at `path`, page by page; a continue token that expired starts the list over. */
  async list(path: string, query: Record<string, string | undefined> = {}): Promise<ListResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.listOnce(path, query);
      } catch (err) {
        // 410 mid-pagination: the snapshot we were paging through was compacted away.
        if (errorStatus(err) !== 410 || attempt >= 2) throw err;
      }
    }
  }

  private async listOnce(path: string, query: Record<string, string | undefined>): Promise<ListResult> {
    const items: Array<Record<string, unknown>> = [];
    let cont: string | undefined;
    let resourceVersion = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = await this.request<{ items?: Array<Record<string, unknown>> | null; metadata?: { resourceVersion?: string; continue?: string } }>(
        'GET',
        path,
        { query: { ...query, limit: PAGE_SIZE, continue: cont }, timeoutMs: 60_000 },
      );
      items.push(...(list.items ?? []));
      // The first page's version is the one the whole list is consistent at.
      if (page === 0) resourceVersion = list.metadata?.resourceVersion ?? '';
      cont = list.metadata?.continue || undefined;
      if (!cont) return { items, resourceVersion };
    }
    throw new KubeApiError(0, 'TooManyPages', `GET ${path}: more than ${MAX_PAGES} pages`);
  }

  /**
   * Starts a watch; `onEvent` gets each event, `onDone` is called once when the
   * stream ends (null) or fails (an error with `statusCode` for an HTTP error).
   * Abort the returned controller to stop it.
   */
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (event: WatchEvent) => void,
    onDone: (err: unknown) => void,
  ): Promise<AbortController> {
    const watcher = new (clientNode().Watch)(this.config);
    return watcher.watch(
      path,
      query,
      (type: string, object: Record<string, unknown>) => onEvent({ type: type as WatchEvent['type'], object }),
      onDone,
    );
  }
}

/**
 * Loads a kubeconfig file, or the in-cluster service account when `path` is
 * absent and the process runs in a pod; otherwise the default locations
 * (`KUBECONFIG`, `~/.kube/config`).
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new (clientNode().KubeConfig)();
  try {
    if (path) kc.loadFromFile(path);
    else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (err) {
    throw new ProvidersError('kube-config-invalid', `cannot load kubeconfig${path ? ` ${path}` : ''}: ${(err as Error).message}`, { cause: err });
  }
  if (!kc.getCurrentCluster()) {
    throw new ProvidersError('kube-config-invalid', `kubeconfig${path ? ` ${path}` : ''} names no current cluster`);
  }
  return kc;
}

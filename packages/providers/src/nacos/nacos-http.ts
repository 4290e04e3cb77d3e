// A small client for the Nacos 1.x HTTP OpenAPI (naming and config), with login and access-key signing.
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { NacosCredentials } from '@tidegate/common';
import { ProvidersError } from '../errors';

/** Where a Nacos server's HTTP API listens. */
export interface NacosAddress {
  host: string;
  port: number;
}

export type { NacosCredentials };

/** One instance as the naming API returns it. */
export interface NacosInstance {
  ip: string;
  port: number;
  weight: number;
  healthy: boolean;
  enabled: boolean;
  ephemeral: boolean;
  clusterName?: string;
  metadata: Record<string, string>;
}

/** One configuration item (data id + group) with its content. */
export interface NacosConfigItem {
  dataId: string;
  group: string;
  content: string;
  md5?: string;
}

export interface NacosHttpClientOptions {
  address: NacosAddress;
  credentials?: NacosCredentials;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Most requests in flight at once (sockets kept alive; default 16). */
  maxSockets?: number;
}

type Params = Record<string, string | number | boolean | undefined>;

const SERVICE_PAGE_SIZE = 1000;
const CONFIG_PAGE_SIZE = 500;
/** Log in again this long before the token expires. */
const TOKEN_MARGIN_MS = 30_000;

/**
 * Nacos 1.x OpenAPI over keep-alive HTTP. Every failure is a `ProvidersError` whose code
 * says whether the server was unreachable, refused, or answered an HTTP error.
 */
export class NacosHttpClient {
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private token?: { value: string; expiresAt: number };
  private login?: Promise<string>;

  constructor(private readonly options: NacosHttpClientOptions) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16 });
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  get address(): NacosAddress {
    return this.options.address;
  }

  /** A current login token (logging in when needed), or undefined without a username; the gRPC channel sends it too. */
  loginToken(): Promise<string | undefined> {
    return this.accessToken();
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  // ───────────── naming ─────────────

  /** Every service name of a group in a namespace (all pages). */
  async listServices(namespaceId: string, group: string): Promise<string[]> {
    const names: string[] = [];
    for (let pageNo = 1; pageNo <= 10_000; pageNo++) {
      const page = await this.json<{ count?: number; doms?: string[] }>('GET', '/nacos/v1/ns/service/list', {
        pageNo,
        pageSize: SERVICE_PAGE_SIZE,
        namespaceId,
        groupName: group,
      });
      const doms = Array.isArray(page.doms) ? page.doms : [];
      names.push(...doms);
      if (doms.length < SERVICE_PAGE_SIZE || names.length >= (page.count ?? 0)) break;
    }
    return names;
  }

  /** All instances of a service, healthy or not (callers decide what gets traffic). */
  async listInstances(namespaceId: string, group: string, service: string): Promise<NacosInstance[]> {
    const body = await this.json<{ hosts?: unknown[] }>(
      'GET',
      '/nacos/v1/ns/instance/list',
      { serviceName: `${group}@@${service}`, groupName: group, namespaceId, healthyOnly: false },
      `${group}@@${service}`,
    );
    if (!Array.isArray(body.hosts)) throw new ProvidersError('nacos-bad-response', `instance list of ${group}@@${service} has no hosts array`);
    return body.hosts.map(toInstance);
  }

  /** Registers (or re-registers) an instance. */
  async registerInstance(i: InstanceWrite): Promise<void> {
    await this.text('POST', '/nacos/v1/ns/instance', instanceParams(i), `${i.group ?? 'DEFAULT_GROUP'}@@${i.service}`);
  }

  /** Updates weight, enabled, metadata of an existing instance. */
  async updateInstance(i: InstanceWrite): Promise<void> {
    await this.text('PUT', '/nacos/v1/ns/instance', instanceParams(i), `${i.group ?? 'DEFAULT_GROUP'}@@${i.service}`);
  }

  async deregisterInstance(i: InstanceWrite): Promise<void> {
    await this.text('DELETE', '/nacos/v1/ns/instance', instanceParams(i), `${i.group ?? 'DEFAULT_GROUP'}@@${i.service}`);
  }

  /** Heartbeat for an ephemeral instance registered over HTTP (without beats it turns unhealthy). */
  async beat(i: InstanceWrite): Promise<void> {
    const group = i.group ?? 'DEFAULT_GROUP';
    const beat = JSON.stringify({ ip: i.ip, port: i.port, serviceName: `${group}@@${i.service}`, cluster: 'DEFAULT', weight: i.weight ?? 1 });
    await this.text('PUT', '/nacos/v1/ns/instance/beat', {
      serviceName: `${group}@@${i.service}`,
      groupName: group,
      namespaceId: i.namespaceId,
      ip: i.ip,
      port: i.port,
      ephemeral: true,
      beat,
    }, `${group}@@${i.service}`);
  }

  // ───────────── config ─────────────

  /** Every configuration of a group in a namespace, with content (all pages). */
  async listConfigs(namespaceId: string, group: string): Promise<NacosConfigItem[]> {
    const items: NacosConfigItem[] = [];
    for (let pageNo = 1; pageNo <= 10_000; pageNo++) {
      const page = await this.json<{ totalCount?: number; pageItems?: unknown[] }>(
        'GET',
        '/nacos/v1/cs/configs',
        { search: 'accurate', dataId: '', group, tenant: namespaceId, pageNo, pageSize: CONFIG_PAGE_SIZE },
        undefined,
        { namespaceId, group },
      );
      const list = Array.isArray(page.pageItems) ? page.pageItems : [];
      for (const raw of list) items.push(toConfigItem(raw));
      if (list.length < CONFIG_PAGE_SIZE || items.length >= (page.totalCount ?? 0)) break;
    }
    return items;
  }

  async publishConfig(namespaceId: string, group: string, dataId: string, content: string): Promise<void> {
    const result = await this.text('POST', '/nacos/v1/cs/configs', { tenant: namespaceId, group, dataId, content, type: 'yaml' }, undefined, {
      namespaceId,
      group,
    });
    if (result.trim() !== 'true') throw new ProvidersError('nacos-bad-response', `publishing ${group}/${dataId} answered ${result.slice(0, 200)}`);
  }

  async deleteConfig(namespaceId: string, group: string, dataId: string): Promise<void> {
    await this.text('DELETE', '/nacos/v1/cs/configs', { tenant: namespaceId, group, dataId }, undefined, { namespaceId, group });
  }

  // ───────────── transport ─────────────

  private async json<T>(method: string, path: string, params: Params, signedService?: string, config?: ConfigScope): Promise<T> {
    const text = await this.text(method, path, params, signedService, config);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ProvidersError('nacos-bad-response', `${method} ${path} did not answer JSON: ${text.slice(0, 200)}`);
    }
  }

  /** One request; a 403 with credentials triggers one fresh login and one retry. */
  private async text(method: string, path: string, params: Params, signedService?: string, config?: ConfigScope): Promise<string> {
    try {
      return await this.send(method, path, params, signedService, config);
    } catch (err) {
      if (err instanceof ProvidersError && err.code === 'nacos-http-status' && /\b403\b/.test(err.message) && this.options.credentials?.username) {
        this.token = undefined;
        return this.send(method, path, params, signedService, config);
      }
      throw err;
    }
  }

  private async send(method: string, path: string, params: Params, signedService?: string, config?: ConfigScope): Promise<string> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
    const token = await this.accessToken();
    if (token) query.set('accessToken', token);
    const headers: Record<string, string> = { ...signingHeaders(this.options.credentials, signedService, config) };
    // Writes go as a form body (Nacos reads both); reads keep everything in the query string.
    let body: string | undefined;
    let target = `${path}?${query.toString()}`;
    if (method === 'POST' || method === 'PUT') {
      body = query.toString();
      target = token ? `${path}?accessToken=${encodeURIComponent(token)}` : path;
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return this.raw(method, target, headers, body);
  }

  private raw(method: string, target: string, headers: Record<string, string>, body?: string): Promise<string> {
    const { host, port } = this.options.address;
    return new Promise<string>((resolve, reject) => {
      const req = http.request({ host, port, method, path: target, headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new ProvidersError('nacos-unreachable', `Nacos ${host}:${port}: ${err.message}`, { cause: err })));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(text);
          else reject(new ProvidersError('nacos-http-status', `Nacos ${host}:${port} answered ${status} to ${method} ${target.split('?')[0]}: ${text.slice(0, 200)}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(new ProvidersError('nacos-unreachable', `Nacos ${host}:${port}: ${err.message}`, { cause: err })));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** A valid login token when a username is configured (shared by concurrent requests). */
  private async accessToken(): Promise<string | undefined> {
    const creds = this.options.credentials;
    if (!creds?.username) return undefined;
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    this.login ??= this.doLogin(creds.username, creds.password ?? '').finally(() => {
      this.login = undefined;
    });
    return this.login;
  }

  private async doLogin(username: string, password: string): Promise<string> {
    const body = new URLSearchParams({ username, password }).toString();
    let text: string;
    try {
      text = await this.raw('POST', '/nacos/v1/auth/login', {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      }, body);
    } catch (err) {
      if (err instanceof ProvidersError && err.code === 'nacos-http-status') {
        throw new ProvidersError('nacos-auth-failed', `Nacos login as ${username} failed: ${err.message}`, { cause: err });
      }
      throw err;
    }
    let parsed: { accessToken?: string; tokenTtl?: number };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new ProvidersError('nacos-auth-failed', `Nacos login as ${username} answered ${text.slice(0, 200)}`);
    }
    if (!parsed.accessToken) throw new ProvidersError('nacos-auth-failed', `Nacos login as ${username} returned no accessToken`);
    const ttlMs = (parsed.tokenTtl ?? 18_000) * 1000;
    this.token = { value: parsed.accessToken, expiresAt: Date.now() + Math.max(1000, ttlMs - TOKEN_MARGIN_MS) };
    return parsed.accessToken;
  }
}

/** An instance to write (register, update, deregister, beat). */
export interface InstanceWrite {
  namespaceId?: string;
  group?: string;
  service: string;
  ip: string;
  port: number;
  weight?: number;
  enabled?: boolean;
  ephemeral?: boolean;
  metadata?: Record<string, string>;
}

interface ConfigScope {
  namespaceId: string;
  group: string;
}

function instanceParams(i: InstanceWrite): Params {
  const group = i.group ?? 'DEFAULT_GROUP';
  return {
    serviceName: `${group}@@${i.service}`,
    groupName: group,
    namespaceId: i.namespaceId,
    ip: i.ip,
    port: i.port,
    weight: i.weight,
    enabled: i.enabled,
    ephemeral: i.ephemeral,
    metadata: i.metadata ? JSON.stringify(i.metadata) : undefined,
  };
}

/**
 * Access-key signing as Nacos clients do it: naming requests sign `<timestamp>@@<group@@service>`
 * (`ak`/`data`/`signature` headers), config requests sign `<tenant>+<group>+<timestamp>`
 * (`Spas-*` headers), both HMAC-SHA1 with the secret key, base64.
 */
function signingHeaders(creds: NacosCredentials | undefined, service?: string, config?: ConfigScope): Record<string, string> {
  if (!creds?.accessKey || !creds.secretKey) return {};
  const timestamp = String(Date.now());
  const sign = (data: string): string => createHmac('sha1', creds.secretKey!).update(data).digest('base64');
  if (config) {
    const data = config.namespaceId ? `${config.namespaceId}+${config.group}+${timestamp}` : `${config.group}+${timestamp}`;
    return { 'Spas-AccessKey': creds.accessKey, Timestamp: timestamp, 'Spas-Signature': sign(data) };
  }
  const data = service ? `${timestamp}@@${service}` : timestamp;
  return { ak: creds.accessKey, data, signature: sign(data) };
}

function toInstance(raw: unknown): NacosInstance {
  const r = (raw ?? {}) as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  if (r.metadata && typeof r.metadata === 'object') {
    for (const [k, v] of Object.entries(r.metadata as Record<string, unknown>)) metadata[k] = String(v);
  }
  const out: NacosInstance = {
    ip: String(r.ip ?? ''),
    port: Number(r.port ?? 0),
    weight: typeof r.weight === 'number' ? r.weight : 1,
    healthy: r.healthy !== false,
    enabled: r.enabled !== false,
    ephemeral: r.ephemeral !== false,
    metadata,
  };
  if (typeof r.clusterName === 'string' && r.clusterName) out.clusterName = r.clusterName;
  return out;
}

function toConfigItem(raw: unknown): NacosConfigItem {
  const r = (raw ?? {}) as Record<string, unknown>;
  const item: NacosConfigItem = { dataId: String(r.dataId ?? ''), group: String(r.group ?? ''), content: String(r.content ?? '') };
  if (typeof r.md5 === 'string') item.md5 = r.md5;
  return item;
}

// Standalone configuration from Nacos instead of a directory: one config (same YAML as a file) per resource, polled.
import { Topic, getLogger, objectKey, type Logger, type ObjectStatus, type ProviderError, type ResourceSnapshot } from '@tidegate/common';
import { ProvidersError } from '../errors';
import { mergeFiles, type FileContribution } from '../file/merge-files';
import { parseConfigFile, type LoadedObject, type ParsedFile } from '../file/parse-file';
import { StatusStore } from '../file/status-store';
import { LastValidObjects } from '../last-valid';
import type { ObjectCheck } from '../object-check';
import type { Provider } from '../provider';
import { NacosHttpClient, type NacosAddress, type NacosCredentials } from './nacos-http';

/** Default Nacos group holding Tidegate's resources. */
export const DEFAULT_CONFIG_GROUP = 'tidegate';

export interface NacosConfigProviderOptions {
  address: NacosAddress;
  /** Nacos namespace id (`''` = public, the default). */
  namespaceId?: string;
  /** Group whose configs are the resources (default `tidegate`). */
  group?: string;
  credentials?: NacosCredentials;
  /** How often the group is listed (default 1000 ms). */
  pollIntervalMs?: number;
  /** Longest `start()` keeps trying to read the group before it fails (default 30 s). */
  startTimeoutMs?: number;
  /** The translators' check: an object whose new version fails it keeps serving its last version that passed (see `LastValidObjects`). */
  check?: ObjectCheck;
  logger?: Logger;
}

/**
 * The data id Tidegate documents for an object: `<kinds>.<namespace>.<name>`, or
 * `<kinds>.<name>` for cluster-scoped kinds (`httproutes.default.web`, `gatewayclasses.tidegate`,
 * `mcpbridges.higress-system.default`). The provider reads every config of the group whatever
 * its data id; the content alone says what the object is.
 */
export function nacosDataId(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const plural = pluralKind(o.kind);
  return o.metadata.namespace ? `${plural}.${o.metadata.namespace}.${o.metadata.name}` : `${plural}.${o.metadata.name}`;
}

function pluralKind(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

interface ConfigState {
  content: string;
  parsed: ParsedFile;
  /** Objects of the last version that was valid YAML throughout. */
  lastGood?: LoadedObject[];
}

/**
 * Reads every config of one Nacos group as multi-document YAML, exactly as the file provider
 * reads files (a config is a "file" named `nacos:<group>/<dataId>` in errors), and publishes
 * the whole state after any change. Polls the group listing (contents included), so it works
 * with every Nacos-compatible server. A config that stops parsing keeps serving its last good
 * version; Nacos being unreachable keeps the last state and is retried at the poll interval.
 */
export class NacosConfigProvider implements Provider {
  readonly name = 'nacos-config';
  readonly resources = new Topic<ResourceSnapshot>('resources:nacos-config');
  private readonly client: NacosHttpClient;
  private readonly log: Logger;
  private readonly namespaceId: string;
  private readonly group: string;
  private readonly configs = new Map<string, ConfigState>();
  private readonly statusStore = new StatusStore();
  private readonly lastValid?: LastValidObjects;
  private timer?: NodeJS.Timeout;
  private starting?: Promise<void>;
  private stopped = false;
  private polling?: Promise<void>;
  private unreachable = false;

  constructor(private readonly options: NacosConfigProviderOptions) {
    this.client = new NacosHttpClient({ address: options.address, credentials: options.credentials, timeoutMs: 5000, maxSockets: 2 });
    this.log = options.logger ?? getLogger('nacos-config-provider');
    this.namespaceId = options.namespaceId ?? '';
    this.group = options.group ?? DEFAULT_CONFIG_GROUP;
    if (options.check) this.lastValid = new LastValidObjects(options.check);
  }

  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
    for (;;) {
      try {
        await this.pollOnce();
        break;
      } catch (err) {
        if (this.stopped) return;
        if (Date.now() > deadline) {
          throw new ProvidersError('nacos-unreachable', `cannot read Nacos configs of group ${this.group} at ${this.where()}: ${(err as Error).message}`, { cause: err });
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    if (this.stopped) return;
    this.log.info({ nacos: this.where(), group: this.group, objects: this.resources.value?.objects.length }, 'nacos config provider started');
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
    this.client.close();
  }

  /** Statuses stay in memory (as with the file provider): `tidegate status` and `/debug/status` show them. */
  async writeStatus(statuses: ObjectStatus[]): Promise<void> {
    const keys = new Set((this.resources.value?.objects ?? []).map(({ object }) => objectKey(object)));
    this.statusStore.replace(statuses, (key) => keys.has(key));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.pollOnce()
        .then(() => {
          if (this.unreachable) this.log.info({ nacos: this.where() }, 'Nacos reachable again');
          this.unreachable = false;
        })
        .catch((err: unknown) => {
          if (!this.unreachable) this.log.warn({ err: (err as Error).message, nacos: this.where() }, 'cannot read Nacos configs; keeping the last state');
          this.unreachable = true;
        })
        .finally(() => {
          this.polling = undefined;
          this.schedule();
        });
    }, this.options.pollIntervalMs ?? 1000);
  }

  private async pollOnce(): Promise<void> {
    const items = await this.client.listConfigs(this.namespaceId, this.group);
    if (this.stopped) return;
    const present = new Set<string>();
    for (const item of items) {
      present.add(item.dataId);
      const prev = this.configs.get(item.dataId);
      if (prev && prev.content === item.content) continue;
      const parsed = parseConfigFile(this.fileName(item.dataId), item.content);
      const lastGood = parsed.syntaxErrors.length === 0 ? parsed.objects : prev?.lastGood;
      this.configs.set(item.dataId, lastGood ? { content: item.content, parsed, lastGood } : { content: item.content, parsed });
    }
    for (const dataId of [...this.configs.keys()]) if (!present.has(dataId)) this.configs.delete(dataId);
    const contributions = [...this.configs.keys()].sort().map((dataId) => contribution(this.fileName(dataId), this.configs.get(dataId)!));
    const merged = mergeFiles(contributions);
    const snapshot = this.lastValid ? this.lastValid.applyTo(merged) : merged;
    const before = this.resources.value;
    this.resources.publish(snapshot);
    if (this.resources.value !== before) {
      this.log.info({ objects: snapshot.objects.length, errors: snapshot.errors.length }, 'configuration loaded from Nacos');
    }
  }

  private fileName(dataId: string): string {
    return `nacos:${this.group}/${dataId}`;
  }

  private where(): string {
    return `${this.options.address.host}:${this.options.address.port}${this.namespaceId ? ` namespace ${this.namespaceId}` : ''}`;
  }
}

/** A config's share of the snapshot: its objects, or its last good ones while it does not parse. */
function contribution(file: string, state: ConfigState): FileContribution {
  const parsed = state.parsed;
  const servingLastGood = parsed.syntaxErrors.length > 0 && state.lastGood !== undefined;
  const syntaxErrors: ProviderError[] = servingLastGood
    ? parsed.syntaxErrors.map((e) => ({ ...e, message: `${e.message} (serving the last version of ${file} that parsed)` }))
    : parsed.syntaxErrors;
  return { objects: servingLastGood ? (state.lastGood ?? []) : parsed.objects, errors: [...syntaxErrors, ...parsed.objectErrors] };
}

// Memory between Ingress translations: with 10,000 Ingresses, one change should cost its
// own Ingress and the hosts it touches, not a translation of everything.
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { ErrorSink, TranslationEnvironment, type TranslationError } from '../resources';
import type { IngressContext } from './context';
import type { ParsedIngress } from './ingress-settings';
import type { PathEntry } from './paths';
import type { IngressTranslateOptions } from './types';

/** A value with the errors that computing it reported (replayed on every reuse). */
interface Recorded<T> {
  value: T;
  errors: TranslationError[];
}

/** A host's path entries (in translation order) and what translating them gave. */
interface HostMemo<R> {
  primaries: PathEntry[];
  canaries: PathEntry[];
  result: R;
}

/**
 * Keeps per-Ingress and per-host results between translations. Everything an Ingress's
 * translation reads besides the Ingresses (Services, EndpointSlices, Secrets, classes,
 * McpBridges, options) is the "environment": while it is unchanged (same objects, by
 * identity, as providers hand over unchanged objects), an unchanged Ingress reuses its
 * parse and path entries, and a host whose entries are all unchanged reuses its routes.
 * Any change to the environment starts afresh. Results are identical to a translation
 * without the cache (a test checks it); only the time differs.
 */
export class IngressTranslationCache {
  private readonly environment = new TranslationEnvironment();
  private parsed = new WeakMap<KubeObject, Recorded<ParsedIngress>>();
  private entries = new WeakMap<ParsedIngress, Recorded<PathEntry[]>>();
  private hosts = new Map<string, HostMemo<unknown>>();
  private nextHosts = new Map<string, HostMemo<unknown>>();

  /** Starts one translation; forgets everything when the environment changed. */
  begin(objects: readonly SourcedObject[], options: IngressTranslateOptions): void {
    const { cache: _cache, registries: _registries, ...settings } = options;
    if (!this.environment.update(objects, (o) => o.kind !== 'Ingress', settings)) {
      this.parsed = new WeakMap();
      this.entries = new WeakMap();
      this.hosts = new Map();
    }
    this.nextHosts = new Map();
  }

  /** Ends a translation: hosts not seen in it are forgotten. */
  end(): void {
    this.hosts = this.nextHosts;
    this.nextHosts = new Map();
  }

  parse(object: KubeObject, ctx: IngressContext, compute: (ctx: IngressContext) => ParsedIngress): ParsedIngress {
    return remembered(this.parsed, object, ctx, compute);
  }

  pathEntries(p: ParsedIngress, ctx: IngressContext, compute: (ctx: IngressContext) => PathEntry[]): PathEntry[] {
    return remembered(this.entries, p, ctx, compute);
  }

  /** The host's earlier result when its entries are the same objects in the same order. */
  host<R>(host: string, primaries: PathEntry[], canaries: PathEntry[], compute: () => R): R {
    const memo = this.hosts.get(host) as HostMemo<R> | undefined;
    const result = memo && sameList(memo.primaries, primaries) && sameList(memo.canaries, canaries) ? memo.result : compute();
    this.nextHosts.set(host, { primaries, canaries, result });
    return result;
  }
}

function remembered<K extends object, T>(map: WeakMap<K, Recorded<T>>, key: K, ctx: IngressContext, compute: (ctx: IngressContext) => T): T {
  let recorded = map.get(key);
  if (!recorded) {
    const sink = new ErrorSink();
    recorded = { value: compute({ ...ctx, sink }), errors: sink.errors };
    map.set(key, recorded);
  }
  ctx.sink.errors.push(...recorded.errors);
  return recorded.value;
}

const sameList = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

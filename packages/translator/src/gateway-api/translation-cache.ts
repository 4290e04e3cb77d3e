// Memory between Gateway API translations: with 1,000 HTTPRoutes, one changed route should
// cost its own rules, not the rules of every route again.
import deepEqual from 'fast-deep-equal';
import type { KubeObject, SourcedObject } from '@tidegate/common';
import type { BackendRefResolver, ExternalBackendRef } from '../registry';
import { ErrorSink, TranslationEnvironment, type BackendResolution, type TranslationError } from '../resources';
import type { Context } from './context';
import type { RuleResult } from './route-rule';
import type { TranslateOptions } from './types';

/** Route kinds whose rules are remembered; everything else is their environment. */
const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute']);
/**
 * Kinds the Gateway API translator never reads (their changes keep what is remembered).
 * RegistryService objects are read only through backend resolvers, whose answers each
 * route's memory records and checks again instead (an instance change among thousands of
 * registry services then re-translates only the routes that reach that service).
 */
const UNREAD_KINDS = new Set(['Ingress', 'IngressClass', 'RegistryService']);

/** One question a route's rules asked a backend resolver, and the answer. */
interface ResolverCall {
  resolver: number;
  ref: ExternalBackendRef;
  fromNamespace: string;
  answer: BackendResolution;
}

interface Remembered {
  results: RuleResult[];
  errors: TranslationError[];
  calls: ResolverCall[];
}

/**
 * Keeps each HTTPRoute's and GRPCRoute's translated rules (routes, backends, problems and
 * the errors they reported) between translations. A rule's translation reads the route and
 * its environment (Services, EndpointSlices, Gateways, ReferenceGrants, policies, filters,
 * Secrets, registries, options); while the environment is the same objects, an unchanged
 * route (the same object, as providers hand over unchanged objects) reuses its rules; any
 * change to the environment starts afresh. Attachment and status are still worked out on
 * every translation. Results equal a translation without the cache (a test checks it).
 */
export class GatewayTranslationCache {
  private readonly environment = new TranslationEnvironment();
  private rules = new WeakMap<KubeObject, Remembered>();
  /** Errors handed on in the current translation. */
  private replayed = new Set<string>();

  /** Starts one translation; forgets everything when the environment changed. */
  begin(objects: readonly SourcedObject[], options: TranslateOptions): void {
    const { cache: _cache, backendRefResolvers: _resolvers, ...settings } = options;
    const read = (o: KubeObject) => !ROUTE_KINDS.has(o.kind) && !UNREAD_KINDS.has(o.kind);
    if (!this.environment.update(objects, read, settings)) this.rules = new WeakMap();
    this.replayed = new Set();
  }

  /**
   * A route's rule results, from memory when the route object was translated in this
   * environment and every resolver it asked still answers the same.
   */
  rulesOf(route: KubeObject, ctx: Context, compute: (ctx: Context) => RuleResult[]): RuleResult[] {
    const resolvers = ctx.options.backendRefResolvers ?? [];
    let recorded = this.rules.get(route);
    if (!recorded || !sameAnswers(recorded.calls, resolvers)) {
      const sink = new ErrorSink();
      const calls: ResolverCall[] = [];
      const asking = resolvers.map(
        (r, i): BackendRefResolver => ({
          group: r.group,
          kind: r.kind,
          resolve(ref, fromNamespace) {
            const answer = r.resolve(ref, fromNamespace);
            calls.push({ resolver: i, ref: { ...ref }, fromNamespace, answer });
            return answer;
          },
        }),
      );
      const results = compute({ ...ctx, sink, options: { ...ctx.options, backendRefResolvers: asking } });
      recorded = { results, errors: sink.errors, calls };
      this.rules.set(route, recorded);
    }
    // A shared object's problem (an HTTPRouteFilter's, say) is in the errors of every route
    // that met it; a translation reports it once.
    for (const e of recorded.errors) {
      const key = errorKey(e);
      if (this.replayed.has(key)) continue;
      this.replayed.add(key);
      ctx.sink.errors.push(e);
    }
    return recorded.results;
  }
}

/** Whether the current resolvers answer every recorded question as before (backends compared by value). */
function sameAnswers(calls: readonly ResolverCall[], resolvers: readonly BackendRefResolver[]): boolean {
  return calls.every((c) => {
    const r = resolvers[c.resolver];
    return r !== undefined && deepEqual(r.resolve(c.ref, c.fromNamespace), c.answer);
  });
}

const errorKey = (e: TranslationError): string => JSON.stringify([e.object, e.path, e.code, e.message]);

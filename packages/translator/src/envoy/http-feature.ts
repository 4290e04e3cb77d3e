// The contract every HTTP-filter feature fulfils: its phase, listener filters, route and host parts, IR check, references, golden cases.
import type { HttpListener, IrFeatureCheck, Route, VirtualHost } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';

/**
 * The phases of the HTTP filter chain, in chain order (the router comes after the last).
 * A feature's filters go where its phase is; features sharing a phase keep registry order.
 *
 * - `error-pages`: custom error pages first, so on the way back they see every answer, local
 *   replies of later filters included.
 * - `cors`: preflights are answered before any check.
 * - `rate-limit`, `client-ip`, `authn`, `authz`: the checks, in ingress-nginx's order (rate
 *   limit, client IP, then authentication, then authorisation of who authenticated).
 * - `waf`: request inspection, once the caller is known.
 * - `buffer`: request body limits, once the request is admitted.
 * - `upstream`: choices about the upstream endpoint (sticky sessions).
 * - `encoding`: response compression.
 * - `transform`: protocol transforms next to the router (gRPC-JSON), so every filter before
 *   sees the client's request and the compressor gets the transformed (JSON) reply.
 */
export const FILTER_PHASES = ['error-pages', 'cors', 'rate-limit', 'client-ip', 'authn', 'authz', 'waf', 'buffer', 'upstream', 'encoding', 'transform'] as const;

export type FilterPhase = (typeof FILTER_PHASES)[number];

/** One filter a feature wants in the chain. */
export interface HttpFilterPart {
  filter: EnvoyObject;
  /** Leave it out of WebSocket (upgraded) streams, e.g. a filter that waits for the end of the body. */
  skipOnUpgrade?: boolean;
}

/** A part the feature does not have, and why (an explicit answer, so nothing is forgotten). */
export interface NoPart {
  none: string;
}

/** A name some Envoy config of the feature points at, relative to that config. */
export interface FeatureReference {
  kind: 'cluster' | 'secret';
  name: unknown;
  /** Field path inside the typed config, e.g. `http_service.server_uri.cluster`. */
  path: string;
}

/** Where a feature's Envoy configs name clusters or secrets: the config type and how to read them. */
export interface FeatureReferences {
  /** Full protobuf name of the typed config (listener filter or per-route) carrying the names. */
  configType: string;
  refs(config: Record<string, unknown>): FeatureReference[];
}

/** What a feature adds to each virtual host (Envoy target only). */
export interface VirtualHostPart {
  /** `typed_per_filter_config` entries of the virtual host. */
  perFilterConfig?(vh: VirtualHost): EnvoyObject | undefined;
  /** Routes put first in the virtual host (ahead of the IR's routes). */
  routes?(vh: VirtualHost): EnvoyObject[];
}

/**
 * One HTTP-filter feature: everything about it in one module, registered once in
 * http-feature-registry.ts. A registry test fails when any part is missing.
 */
export interface HttpFeature {
  /** Short name used in test names and messages (kebab-case, like the module). */
  readonly name: string;
  /** Where its filters go in the chain. */
  readonly phase: FilterPhase;
  /** The filters it puts in a listener's chain (none when nothing on the listener uses it). */
  listenerFilters(l: HttpListener): HttpFilterPart[];
  /** Its `typed_per_filter_config` entries on one route (real Envoy only: proxyless gRPC clients NACK unknown filters). */
  readonly perRoute: ((r: Route) => EnvoyObject | undefined) | NoPart;
  /** Its per-virtual-host part (real Envoy only). */
  readonly perVirtualHost: VirtualHostPart | NoPart;
  /** The IR check of its fields, registered in @tidegate/ir so `validateProxyGroup` runs it. */
  readonly validation: IrFeatureCheck | NoPart;
  /** Clusters and secrets its Envoy configs name, for the reference check. */
  readonly references: readonly FeatureReferences[] | NoPart;
  /** Envoy golden cases (testdata/<case>.in.yaml) that exercise it. */
  readonly goldenCases: readonly string[];
}

/** Whether a contract part is an explicit "none". */
export const isNone = (part: unknown): part is NoPart => typeof part === 'object' && part !== null && 'none' in part;

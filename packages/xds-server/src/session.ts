// One xDS stream: identity, snapshot watch, push loop, ACK/NACK bookkeeping and cleanup.
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { getLogger, type Logger } from '@tidegate/common';
import { TypeUrl } from '@tidegate/envoy-api';
import { edsNameOf } from './cluster-eds';
import type { AckEvents } from './events';
import { typeLabel, type XdsMetrics } from './metrics';
import { HELD_WHILE_WARMING, KEPT_WHILE_NONE, REMOVAL_WAITS_FOR, RESEND_AFTER, inPushOrder } from './ordering';
import type { PeerIdentity } from './peer-identity';
import type { ErrorDetail } from './requests';
import type { Snapshot, SnapshotCache } from './snapshot-cache';
import { type HeldResource, type Plan, type TypeState } from './type-state';
import type { GroupOf, SyncStatusEntry, XdsAckEvent, XdsNode, XdsProtocol } from './types';
import { WarmingGate } from './warming-gate';

/** What a session needs from its server. */
export interface SessionContext {
  readonly cache: SnapshotCache;
  readonly metrics: XdsMetrics;
  readonly acks: AckEvents;
  readonly nacks: AckEvents;
  readonly groupOf: GroupOf;
  /** Longest time an ADS stream holds listeners and routes while new clusters warm. */
  readonly orderingTimeoutMs: number;
  /** The stream's first request named its node. */
  onIdentified(session: Session): void;
  /** The stream ended; called exactly once. */
  onClosed(session: Session): void;
}

/** The fields both request kinds share. */
export interface BaseRequest {
  node?: XdsNode;
  type_url: string;
  response_nonce: string;
  error_detail?: ErrorDetail;
}

/** How a request relates to the responses sent on its type. */
export type ReplyKind = 'none' | 'ack' | 'nack' | 'stale';

const MAX_OUTSTANDING = 32;

/**
 * The machinery shared by SotW and Delta streams. Subclasses decide how a request changes
 * subscriptions (`handle`), what a type needs now (`plan`, free of side effects) and how a
 * plan becomes bytes (`commit`); this class owns the rest.
 */
export abstract class Session<Req extends BaseRequest = BaseRequest> {
  abstract readonly protocol: XdsProtocol;
  node?: XdsNode;
  group?: string;
  /** Per-type state, keyed by type URL. */
  protected readonly types = new Map<string, TypeState>();
  protected snapshot?: Snapshot;
  protected log: Logger;
  /** SotW: a new response makes replies to older ones stale. Delta: each response stands alone. */
  protected abstract readonly supersedes: boolean;
  private nonces = 0;
  private unwatch?: () => void;
  /** The stream's buffer is full: evaluate again on 'drain' instead of queueing more. */
  private blocked = false;
  private dirty = false;
  private dirtyPushedBy?: Snapshot;
  private closed = false;
  /** Set while added or changed clusters warm: HELD_WHILE_WARMING types wait (ADS streams only). */
  private warming?: WarmingGate;
  private warmingTimer?: NodeJS.Timeout;

  constructor(
    readonly id: number,
    protected readonly call: grpc.ServerDuplexStream<Req, Buffer>,
    protected readonly ctx: SessionContext,
    /** Per-type services serve only this type; undefined on ADS. */
    readonly onlyType?: string,
    /** From the client certificate (TLS port): the only group this stream may be served. */
    readonly identity?: PeerIdentity,
  ) {
    this.log = getLogger('xds-server').child({ streamId: id, ...(identity ? { identity: identity.id } : {}) });
  }

  /** Starts reading the stream. */
  start(): void {
    this.call.on('data', (req: Req) => this.onRequest(req));
    this.call.on('end', () => {
      // The client half-closed: finish the call with OK.
      this.finish('client closed');
      this.call.end();
    });
    this.call.on('cancelled', () => this.finish('cancelled'));
    this.call.on('error', (err: Error) => this.finish(`error: ${err.message}`));
    this.call.on('close', () => this.finish('closed'));
  }

  /** Ends the stream gracefully (server shutdown). */
  end(): void {
    if (this.closed) return;
    this.finish('server closing');
    this.call.end();
  }

  /** Sync status rows for the types this stream subscribed. */
  status(): SyncStatusEntry[] {
    if (!this.node || this.group === undefined) return [];
    const rows: SyncStatusEntry[] = [];
    for (const typeUrl of inPushOrder(this.types.keys())) {
      const st = this.types.get(typeUrl)!;
      rows.push({
        nodeId: this.node.id,
        group: this.group,
        streamId: this.id,
        protocol: this.protocol,
        type: typeLabel(typeUrl),
        versionSent: st.versionSent,
        versionAcked: st.versionAcked,
        pending: st.outstanding.size > 0,
        ...(st.lastNack ? { lastNack: { ...st.lastNack } } : {}),
      });
    }
    return rows;
  }

  /** Type URLs this stream has asked for, in push order. */
  subscribedTypes(): string[] {
    return inPushOrder(this.types.keys());
  }

  protected abstract handle(typeUrl: string, req: Req): void;
  /** The response `st` needs now, or undefined if the proxy has what it should. Must not change state. */
  protected abstract plan(st: TypeState, force: boolean): Plan | undefined;
  /** Records `plan` as sent on `st` and returns the encoded response. */
  protected abstract commit(st: TypeState, plan: Plan, nonce: string): Buffer;

  private onRequest(req: Req): void {
    if (this.closed) return;
    try {
      if (!this.node && !this.identify(req)) return;
      const typeUrl = req.type_url || this.onlyType;
      if (!typeUrl) {
        this.log.warn('request without type_url on an aggregated stream; ignored');
        return;
      }
      if (this.onlyType && typeUrl !== this.onlyType) {
        this.log.warn({ typeUrl, serves: this.onlyType }, 'request for another type on a per-type stream; ignored');
        return;
      }
      this.handle(typeUrl, req);
    } catch (err) {
      this.log.error({ err }, 'xDS request handling failed');
      this.fail(grpc.status.INTERNAL, 'internal error');
    }
  }

  /** Only the first request must carry `node` (set_node_on_first_message_only): remember it. */
  private identify(req: Req): boolean {
    if (!req.node) {
      this.fail(grpc.status.INVALID_ARGUMENT, 'the first request of a stream must carry node');
      return false;
    }
    const group = this.ctx.groupOf(req.node);
    if (this.identity && group !== this.identity.group) {
      // The certificate decides; a node naming another group gets nothing, not even an empty snapshot.
      this.log.warn(
        { nodeId: req.node.id, claimedGroup: group, certificateGroup: this.identity.group },
        'xDS stream refused: the node claims a proxy group its client certificate does not identify',
      );
      this.fail(
        grpc.status.PERMISSION_DENIED,
        `node "${req.node.id}" claims proxy group "${group}" but its client certificate identifies "${this.identity.group}"`,
      );
      return false;
    }
    this.node = req.node;
    this.group = group;
    this.log = this.log.child({ nodeId: req.node.id, group: this.group });
    this.ctx.onIdentified(this);
    this.snapshot = this.ctx.cache.snapshot(this.group);
    this.unwatch = this.ctx.cache.watch(this.group, (snapshot) => {
      this.snapshot = snapshot;
      this.evaluate(snapshot);
    });
    this.log.debug({ protocol: this.protocol, onlyType: this.onlyType }, 'xDS stream opened');
    return true;
  }

  /**
   * Classifies a request's `response_nonce` and records an ACK or NACK. `applied` is the
   * version the proxy reports as applied (SotW `version_info`); Delta has none.
   */
  protected recordReply(st: TypeState, nonce: string, errorDetail: ErrorDetail | undefined, applied?: string): ReplyKind {
    // A nonce from before anything was sent on this type (e.g. a previous stream) is not stale.
    if (!nonce || !st.nonce) return 'none';
    const version = st.outstanding.get(nonce);
    if (version === undefined) {
      if (nonce === st.nonce) return 'none'; // a later request on an answered nonce: a subscription change
      this.ctx.metrics.staleNonces.inc({ type: typeLabel(st.typeUrl) });
      this.log.debug({ typeUrl: st.typeUrl, nonce, latest: st.nonce }, 'stale nonce');
      return 'stale';
    }
    st.outstanding.delete(nonce);
    this.warming?.replied(st.typeUrl, nonce, errorDetail ? 'nack' : 'ack');
    const event: XdsAckEvent = {
      nodeId: this.node?.id ?? '',
      group: this.group ?? '',
      typeUrl: st.typeUrl,
      version,
      streamId: this.id,
      protocol: this.protocol,
    };
    if (applied !== undefined) st.versionAcked = applied;
    if (errorDetail) {
      // Detected by error_detail alone. The rejected version is not sent again: only a snapshot change sends.
      st.lastNack = { version, message: errorDetail.message, at: new Date() };
      st.lastNackNonce = nonce;
      this.ctx.metrics.nacks.inc({ type: typeLabel(st.typeUrl) });
      this.log.warn({ typeUrl: st.typeUrl, version, error: errorDetail.message }, 'proxy rejected configuration (NACK)');
      this.ctx.nacks.emit({ ...event, message: errorDetail.message });
      return 'nack';
    }
    if (applied === undefined) st.versionAcked = version;
    this.ctx.metrics.acks.inc({ type: typeLabel(st.typeUrl) });
    this.ctx.acks.emit(event);
    return 'ack';
  }

  /**
   * Pushes every type whose plan says so, in push order. `pushedBy` is the snapshot whose
   * `set` caused this pass (for the push-duration metric); requests pass nothing.
   */
  protected evaluate(pushedBy?: Snapshot): void {
    if (this.closed || !this.snapshot) return;
    if (this.blocked) {
      this.dirty = true;
      this.dirtyPushedBy = pushedBy ?? this.dirtyPushedBy;
      return;
    }
    // Held types go out with the snapshot that is current when warming ends (the latest wins).
    const released = this.warming && this.warmed() ? this.releaseHeld('warm') : undefined;
    const forced = new Set<string>();
    for (const typeUrl of inPushOrder(this.types.keys())) {
      if (this.warming && HELD_WHILE_WARMING.has(typeUrl)) continue;
      const st = this.types.get(typeUrl)!;
      const force = forced.has(typeUrl) || (typeUrl === TypeUrl.ClusterLoadAssignment && this.warmingNeedsEds(st));
      const plan = this.plan(st, force);
      if (!plan) continue;
      const warms = typeUrl === TypeUrl.Cluster ? this.clustersToWarm(st, plan) : undefined;
      this.send(st, plan, pushedBy ?? (HELD_WHILE_WARMING.has(typeUrl) ? released : undefined));
      if (warms) this.holdForWarming(warms);
      const then = RESEND_AFTER.get(typeUrl);
      if (then) forced.add(then);
    }
  }

  /**
   * The EDS names to wait for when a CDS plan adds or changes clusters the proxy holds
   * (Envoy re-creates and re-warms any changed cluster), or undefined when it does not
   * (nothing, or removals only). Per-type streams return undefined: a CDS-only stream cannot
   * hold another stream's listeners and routes, so they are not coordinated.
   */
  private clustersToWarm(st: TypeState, plan: Plan): string[] | undefined {
    if (this.onlyType !== undefined) return undefined;
    const changed = plan.resources.filter((r) => st.held.get(r.name)?.version !== r.version);
    if (changed.length === 0) return undefined;
    const names: string[] = [];
    for (const r of changed) {
      const eds = edsNameOf(r);
      if (eds !== undefined) names.push(eds);
    }
    return names;
  }

  /** Starts holding (or extends the hold) after a CDS push that makes clusters warm. */
  private holdForWarming(edsNames: readonly string[]): void {
    if (!this.warming) {
      this.warming = new WarmingGate();
      // The deadline is not moved by later CDS pushes: a stream of cluster changes must not starve routes.
      this.warmingTimer = setTimeout(() => this.onWarmingTimeout(), this.ctx.orderingTimeoutMs);
      this.warmingTimer.unref();
    }
    this.warming.clustersSent(edsNames);
    this.log.debug({ edsClusters: edsNames.length }, 'clusters warming: holding listeners and routes');
  }

  /** Ends the hold; returns the snapshot the held types are now pushed for. */
  private releaseHeld(why: 'warm' | 'timeout'): Snapshot | undefined {
    const gate = this.warming;
    if (!gate) return undefined;
    this.warming = undefined;
    clearTimeout(this.warmingTimer);
    this.warmingTimer = undefined;
    if (gate.cdsNacked) {
      this.log.warn('a CDS response was rejected while clusters warmed; pushing held listeners and routes anyway');
    }
    this.log.debug({ why, heldMs: Date.now() - gate.since }, 'clusters warm: releasing listeners and routes');
    return this.snapshot;
  }

  private onWarmingTimeout(): void {
    const gate = this.warming;
    if (!gate || this.closed) return;
    const exists = this.edsExists;
    this.ctx.metrics.orderingTimeouts.inc();
    this.log.warn(
      { timeoutMs: this.ctx.orderingTimeoutMs, cdsSettled: this.cdsSettled(), waitingFor: gate.waitingFor(exists) },
      'clusters did not warm in time; pushing held listeners and routes anyway',
    );
    this.evaluate(this.releaseHeld('timeout'));
  }

  /** Whether EDS must go again, unchanged, because a warming cluster's assignment was not sent since its CDS push. */
  private warmingNeedsEds(st: TypeState): boolean {
    if (!this.warming) return false;
    const current = this.snapshot!.of(st.typeUrl);
    return this.warming.needsResend(st.names, (name) => {
      const version = current.get(name)?.version;
      return version !== undefined && st.held.get(name)?.version === version;
    });
  }

  private warmed(): boolean {
    return this.warming!.warm(this.cdsSettled(), this.edsExists);
  }

  private cdsSettled(): boolean {
    return (this.types.get(TypeUrl.Cluster)?.outstanding.size ?? 0) === 0;
  }

  private readonly edsExists = (name: string): boolean => this.snapshot?.of(TypeUrl.ClusterLoadAssignment).has(name) ?? false;

  /**
   * The resources `st` may offer: the snapshot's, plus — while a type this one's removals
   * wait for is not in sync — the ones the proxy holds that the snapshot dropped; for a
   * KEPT_WHILE_NONE type whose snapshot has none, everything the proxy holds.
   */
  protected available(st: TypeState): ReadonlyMap<string, HeldResource> {
    const current = this.snapshot!.of(st.typeUrl);
    if (current.size === 0 && KEPT_WHILE_NONE.has(st.typeUrl)) return st.held;
    const waitFor = REMOVAL_WAITS_FOR.get(st.typeUrl);
    if (!waitFor || waitFor.every((t) => this.inSync(t))) return current;
    let merged: Map<string, HeldResource> | undefined;
    for (const [name, held] of st.held) {
      if (!current.has(name)) (merged ??= new Map<string, HeldResource>(current)).set(name, held);
    }
    return merged ?? current;
  }

  /** Whether the proxy has accepted the current snapshot's version of a type (or never asked for it). */
  private inSync(typeUrl: string): boolean {
    const st = this.types.get(typeUrl);
    if (!st) return true;
    if (st.outstanding.size > 0) return false;
    if (st.lastNackNonce !== '' && st.lastNackNonce === st.nonce) return false;
    return this.plan(st, false) === undefined;
  }

  private send(st: TypeState, plan: Plan, pushedBy: Snapshot | undefined): void {
    const nonce = `${this.id.toString(36)}.${(++this.nonces).toString(36)}`;
    const bytes = this.commit(st, plan, nonce);
    if (this.supersedes) st.outstanding.clear();
    st.outstanding.set(nonce, plan.version);
    if (st.outstanding.size > MAX_OUTSTANDING) st.outstanding.delete(st.outstanding.keys().next().value!);
    st.nonce = nonce;
    st.versionSent = plan.version;
    st.mustAnswer = false;
    this.warming?.sent(st.typeUrl, nonce, plan.resources.map((r) => r.name));
    const type = typeLabel(st.typeUrl);
    this.ctx.metrics.pushes.inc({ type });
    this.log.debug({ typeUrl: st.typeUrl, version: plan.version, nonce, resources: plan.resources.length, removed: plan.removed.length }, 'push');
    // write() never waits for other streams; its callback runs once grpc handed the bytes to HTTP/2.
    const written = this.call.write(
      bytes,
      pushedBy ? () => this.ctx.metrics.pushDuration.observe({ type }, (performance.now() - pushedBy.setAt) / 1000) : undefined,
    );
    if (!written && !this.blocked) {
      this.blocked = true;
      this.call.once('drain', this.onDrain);
    }
  }

  // A slow proxy gets the latest state once it catches up, not every intermediate one.
  private readonly onDrain = (): void => {
    this.blocked = false;
    if (!this.dirty) return;
    const pushedBy = this.dirtyPushedBy;
    this.dirty = false;
    this.dirtyPushedBy = undefined;
    this.evaluate(pushedBy);
  };

  private fail(code: grpc.status, details: string): void {
    if (this.closed) return;
    this.log.warn({ code, details }, 'ending xDS stream with an error');
    this.finish(details);
    // grpc-js turns an 'error' on a server stream into the call's status.
    this.call.emit('error', Object.assign(new Error(details), { code, details }));
  }

  /** Frees the watch and every listener; runs once however the stream ends. */
  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch?.();
    this.unwatch = undefined;
    clearTimeout(this.warmingTimer);
    this.warmingTimer = undefined;
    this.warming = undefined;
    this.call.off('drain', this.onDrain);
    this.types.clear();
    this.snapshot = undefined;
    this.log.debug({ reason }, 'xDS stream ended');
    this.ctx.onClosed(this);
  }
}

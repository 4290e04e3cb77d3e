// Envoy's NACKs, traced to the objects whose change was rejected: those are held at their last accepted version, the rest flows.
import { TYPE_SHORT_NAME, isXdsTypeUrl } from '@tidegate/envoy-api';
import { getLogger, objectKey, type ObjectStatus, type ResourceSnapshot, type SourcedObject } from '@tidegate/common';
import type { TranslationError } from '@tidegate/translator';
import type { SyncStatusEntry, XdsAckEvent, XdsServer } from '@tidegate/xds-server';
import type { HeldObjects, HoldReason } from './held-objects';

const log = getLogger('rejections');

export const ENVOY_REJECTED_CODE = 'envoy-rejected';

/** What the tracker needs of the control plane. */
export interface RejectionHost {
  /** The snapshot last translated and published (held objects substituted), and its statuses. */
  current(): { translated: ResourceSnapshot; statuses: readonly ObjectStatus[] } | undefined;
  /** Translates and publishes the providers' current state again (after holds changed). */
  reapply(): void;
}

/** Objects that changed together and were rejected together, re-admitted a batch at a time. */
interface Probe {
  group: string;
  /** Batches still to re-admit, each held until its turn. */
  queue: SourcedObject[][];
  /** The batch released now, awaiting the proxies' verdict. */
  trying?: SourcedObject[];
}

/** While a search runs, settlement is also checked on a timer (a proxy that disconnects sends no reply). */
const PROBE_CHECK_MS = 1000;

/**
 * A NACK is put on the objects whose change went into the rejected version: those whose
 * version differs from the last configuration every connected proxy accepted. One such
 * object is held at once (at that accepted version, or left out when it never was). Several
 * are all held, then re-admitted a batch at a time, halving a rejected batch until the
 * culprit is alone, so no innocent change stays out. The held object's status names Envoy's
 * message; everything else keeps flowing, and a proxy that (re)connects gets only accepted
 * configuration. A NACK no change explains (e.g. a port taken by another process) stays on
 * the proxy group, as before, until a later version of that type is accepted.
 */
export class RejectionTracker {
  private readonly unexplained = new Map<string, TranslationError>();
  /** The last NACK per proxy and type, until that type is acknowledged again. */
  private readonly lastNacks = new Map<string, XdsAckEvent>();
  private probe?: Probe;
  /** Suspect sets a search already failed on: the same NACK again is not searched again. */
  private readonly exhausted = new Set<string>();
  private timer?: NodeJS.Timeout;
  private reapplyQueued = false;
  private checkQueued = false;
  private closed = false;

  constructor(
    private readonly xds: XdsServer,
    private readonly held: HeldObjects,
    private readonly host: RejectionHost,
  ) {
    xds.onNack((e) => {
      this.lastNacks.set(key(e), e);
      this.nacked(e);
    });
    xds.onAck((e) => {
      this.lastNacks.delete(key(e));
      this.unexplained.delete(key(e));
      this.scheduleCheck();
    });
  }

  /** NACKs no object could be blamed for, on their proxy group. */
  errors(): TranslationError[] {
    return [...this.unexplained.values()];
  }

  /**
   * Called after every publish. A stream still showing a NACK with nothing sent after it got
   * no new version from the republish: the holds do not touch what it rejected, so no change
   * explains that NACK and it stays on the proxy group.
   */
  published(): void {
    if (this.reapplyQueued) return; // the republish that follows is the one to judge
    const rows = this.xds.syncStatus();
    const busy = new Set(rows.filter((r) => r.pending).map((r) => r.streamId));
    for (const r of rows) {
      const nack = this.lastNacks.get(rowKey(r));
      if (nack && rejectedLast(r) && !busy.has(r.streamId) && !this.unexplained.has(rowKey(r))) this.unexplained.set(rowKey(r), groupError(nack));
    }
    this.check();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  private nacked(e: XdsAckEvent): void {
    // While a republish is queued, it is the version to judge (a group's other Envoys NACK the same one).
    if (this.closed || this.reapplyQueued || this.superseded(e)) return;
    const current = this.host.current();
    const reason: HoldReason = { code: ENVOY_REJECTED_CODE, path: '', message: envoyMessage(e) };
    if (this.probe?.trying) return this.rejectedBatch(this.probe, reason);
    if (this.probe) {
      // Even with every suspect held the proxy rejects: none of them explains it.
      log.warn({ group: e.group }, 'proxy still rejects configuration with every changed object held; the rejection stays on the group');
      for (const batch of this.probe.queue) for (const o of batch) this.held.release(objectKey(o.object));
      this.exhausted.add(this.probe.queue.flat().map((o) => objectKey(o.object)).join('\n'));
      this.endProbe();
      this.unexplained.set(key(e), groupError(e));
      return this.queueReapply();
    }
    const suspects = current ? this.held.unacked(current.translated.objects) : [];
    const signature = suspects.map((o) => objectKey(o.object)).join('\n');
    if (suspects.length === 0 || this.exhausted.has(signature)) {
      this.unexplained.set(key(e), groupError(e));
      return;
    }
    const statuses = current?.statuses ?? [];
    if (suspects.length === 1) {
      this.held.hold(suspects[0] as SourcedObject, reason, 'acked', statuses);
      log.warn({ object: objectKey((suspects[0] as SourcedObject).object), group: e.group }, 'proxy rejected a change: the object is held at its last accepted version');
      return this.queueReapply();
    }
    log.warn({ group: e.group, suspects: suspects.length }, 'proxy rejected a change of several objects: re-admitting them a batch at a time');
    const searching: HoldReason = { ...reason, message: `${reason.message} (this object changed with ${suspects.length - 1} others; they are re-admitted one batch at a time to find which caused it)` };
    for (const o of suspects) this.held.hold(o, searching, 'acked', statuses);
    // All of them together were just rejected: the search starts with the halves.
    const half = Math.ceil(suspects.length / 2);
    this.probe = { group: e.group, queue: [suspects.slice(0, half), suspects.slice(half)] };
    this.timer = setInterval(() => this.check(), PROBE_CHECK_MS);
    this.timer.unref();
    this.queueReapply();
  }

  /** The batch just re-admitted was rejected: alone, it is the culprit; else its halves are tried in turn. */
  private rejectedBatch(probe: Probe, reason: HoldReason): void {
    const batch = probe.trying as SourcedObject[];
    probe.trying = undefined;
    const statuses = this.host.current()?.statuses ?? [];
    if (batch.length === 1) {
      this.held.hold(batch[0] as SourcedObject, reason, 'acked', statuses);
      log.warn({ object: objectKey((batch[0] as SourcedObject).object) }, 'found the object whose change the proxy rejects: it is held at its last accepted version');
    } else {
      const half = Math.ceil(batch.length / 2);
      for (const o of batch) this.held.hold(o, { ...reason, message: `${reason.message} (finding which of ${batch.length} changed objects caused it)` }, 'acked', statuses);
      probe.queue.unshift(batch.slice(0, half), batch.slice(half));
    }
    this.queueReapply();
  }

  /** One settlement check per burst of ACKs (a push to many proxies brings one ACK per proxy and type). */
  private scheduleCheck(): void {
    if (this.checkQueued) return;
    this.checkQueued = true;
    setImmediate(() => {
      this.checkQueued = false;
      this.check();
    });
  }

  /** Once every proxy has answered the current configuration with an ACK, it is the accepted one. */
  private check(): void {
    if (this.closed || this.reapplyQueued || this.settlement() !== 'accepted') return;
    const current = this.host.current();
    if (current) this.held.accepted(current.translated.objects);
    const probe = this.probe;
    if (!probe) return;
    probe.trying = undefined;
    const next = probe.queue.shift();
    if (!next) return this.endProbe();
    probe.trying = next;
    for (const o of next) this.held.release(objectKey(o.object));
    this.queueReapply();
  }

  private endProbe(): void {
    this.probe = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * `accepted` when every proxy stream has answered its last response with an ACK (streams
   * stuck on a NACK no change explains do not count); `waiting` while any reply is out, a
   * NACK is unresolved, or no proxy is connected (then nothing has been accepted by a proxy).
   */
  private settlement(): 'accepted' | 'waiting' {
    const rows = this.xds.syncStatus().filter((r) => r.versionSent !== '');
    if (rows.length === 0) return 'waiting';
    for (const r of rows) {
      if (r.pending) return 'waiting';
      if (rejectedLast(r) && !this.unexplained.has(rowKey(r))) return 'waiting';
    }
    return 'accepted';
  }

  /** A NACK of a version a newer response on the same stream already replaces: its reply will tell. */
  private superseded(e: XdsAckEvent): boolean {
    const type = typeName(e.typeUrl);
    return this.xds.syncStatus().some((r) => r.streamId === e.streamId && r.type === type && r.pending);
  }

  /** Re-translation runs outside the xDS callback that asked for it (it pushes to the same streams). */
  private queueReapply(): void {
    if (this.reapplyQueued || this.closed) return;
    this.reapplyQueued = true;
    setImmediate(() => {
      this.reapplyQueued = false;
      if (!this.closed) this.host.reapply();
    });
  }
}

const typeName = (typeUrl: string): string => (isXdsTypeUrl(typeUrl) ? TYPE_SHORT_NAME[typeUrl] : typeUrl);
const key = (e: XdsAckEvent): string => `${e.group}\0${e.nodeId}\0${typeName(e.typeUrl)}`;
const rowKey = (r: SyncStatusEntry): string => `${r.group}\0${r.nodeId}\0${r.type}`;
const rejectedLast = (r: SyncStatusEntry): boolean => r.lastNack !== undefined && r.lastNack.version === r.versionSent;

/** Envoy's own words, with the proxy and the type it rejected. */
function envoyMessage(e: XdsAckEvent): string {
  return `Envoy rejected this change (proxy ${e.nodeId}, ${typeName(e.typeUrl)}): ${e.message?.trim() || 'no detail'}`;
}

function groupError(e: XdsAckEvent): TranslationError {
  const type = typeName(e.typeUrl);
  return {
    object: { kind: 'ProxyGroup', name: e.group },
    path: type,
    code: ENVOY_REJECTED_CODE,
    message: `proxy ${e.nodeId} rejected ${type} version ${e.version}: ${e.message ?? 'no detail'}; it keeps serving its previous ${type}`,
  };
}

// Tracks, on one ADS stream, when clusters added or changed by a CDS push have warmed (see HELD_WHILE_WARMING).
import { TypeUrl } from '@tidegate/envoy-api';
import type { ReplyKind } from './session';

/**
 * Exists while a CDS push that adds or changes clusters is not yet known to be warm; the
 * session holds listeners and routes meanwhile. Warm once no CDS response awaits its reply
 * and, unless a CDS response was NACKed, every tracked EDS name has been carried by an EDS
 * response the proxy answered.
 */
export class WarmingGate {
  /** EDS names still warming → sequence of the first EDS response carrying them since their cluster changed (0: none yet). */
  private readonly pending = new Map<string, number>();
  /** Pending names already forced into an EDS response once (never force twice: no resend loop). */
  private readonly resent = new Set<string>();
  /** EDS responses sent since the hold began: nonce → sequence. */
  private readonly edsSent = new Map<string, number>();
  private seq = 0;
  /** A CDS response was rejected since the last CDS push: hold no longer for warming (the proxy may lack some clusters). */
  cdsNacked = false;
  readonly since = Date.now();

  /** A CDS response adding or changing clusters went out; `edsNames` are the EDS clusters among them. */
  clustersSent(edsNames: Iterable<string>): void {
    // Sent again after a newer change: only an EDS response after this CDS one warms them.
    for (const name of edsNames) {
      this.pending.set(name, 0);
      this.resent.delete(name);
    }
    this.cdsNacked = false; // an earlier rejection says nothing about this response
  }

  /**
   * Whether EDS must be sent again although unchanged: a pending assignment the proxy
   * subscribes and already holds in its current version (`heldAsIs`) was not sent since its
   * cluster changed, e.g. a Delta proxy subscribed it with `initial_resource_versions` after
   * the CDS push. Each name forces one resend.
   */
  needsResend(subscribed: ReadonlySet<string>, heldAsIs: (edsName: string) => boolean): boolean {
    let need = false;
    for (const [name, carriedBy] of this.pending) {
      if (carriedBy !== 0 || this.resent.has(name) || !subscribed.has(name) || !heldAsIs(name)) continue;
      this.resent.add(name);
      need = true;
    }
    return need;
  }

  /** Any response went out; EDS responses may carry pending names. */
  sent(typeUrl: string, nonce: string, names: readonly string[]): void {
    if (typeUrl !== TypeUrl.ClusterLoadAssignment) return;
    const seq = ++this.seq;
    this.edsSent.set(nonce, seq);
    for (const name of names) if (this.pending.get(name) === 0) this.pending.set(name, seq);
  }

  /** The proxy answered a response. */
  replied(typeUrl: string, nonce: string, kind: ReplyKind): void {
    if (kind !== 'ack' && kind !== 'nack') return;
    if (typeUrl === TypeUrl.Cluster) {
      if (kind === 'nack') this.cdsNacked = true;
      return;
    }
    if (typeUrl !== TypeUrl.ClusterLoadAssignment) return;
    const seq = this.edsSent.get(nonce);
    if (seq === undefined) return;
    // Responses of one type are processed in order: an answer covers every earlier response too.
    // A NACKed EDS response also ends the wait (the proxy will not warm on it; holding longer would not help).
    for (const [name, carriedBy] of this.pending) if (carriedBy > 0 && carriedBy <= seq) this.pending.delete(name);
    for (const [n, s] of this.edsSent) if (s <= seq) this.edsSent.delete(n);
  }

  /**
   * Whether the held types may go now. `cdsSettled`: no CDS response awaits its reply.
   * `exists`: whether the snapshot has the assignment (one that does not exist cannot be waited for).
   */
  warm(cdsSettled: boolean, exists: (edsName: string) => boolean): boolean {
    if (!cdsSettled) return false;
    if (this.cdsNacked) return true;
    for (const name of this.pending.keys()) if (exists(name)) return false;
    return true;
  }

  /** EDS names still awaited (for logs). */
  waitingFor(exists: (edsName: string) => boolean): string[] {
    return [...this.pending.keys()].filter(exists).sort();
  }
}

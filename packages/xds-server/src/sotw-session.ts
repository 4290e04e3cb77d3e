// State-of-the-world streams: full-state requests, per-type versions, responses only on change.
import { WILDCARD_TYPES } from '@tidegate/envoy-api';
import type { SotwRequest } from './requests';
import { encodeSotwResponse } from './response-encoding';
import { Session } from './session';
import { type HeldResource, type Plan, type TypeState, WILDCARD, newTypeState } from './type-state';
import { setVersion } from './versions';

type Sendable = HeldResource & { readonly any: Uint8Array };
const hasBytes = (r: HeldResource): r is Sendable => r.any !== undefined;

export class SotwSession extends Session<SotwRequest> {
  readonly protocol = 'sotw' as const;
  protected readonly supersedes = true;

  protected handle(typeUrl: string, req: SotwRequest): void {
    let st = this.types.get(typeUrl);
    if (st) {
      // A reply to a superseded response says nothing about the current one: apply nothing.
      if (this.recordReply(st, req.response_nonce, req.error_detail, req.version_info) === 'stale') return;
    } else {
      st = newTypeState(typeUrl);
      this.types.set(typeUrl, st);
    }
    this.subscribe(st, req.resource_names);
    this.evaluate();
  }

  /** Applies a request's full list of names. */
  private subscribe(st: TypeState, names: readonly string[]): void {
    const explicit = names.filter((n) => n !== WILDCARD);
    const star = explicit.length !== names.length;
    // Empty means wildcard for LDS/CDS only until the client has named something.
    st.wildcard = star || (names.length === 0 && WILDCARD_TYPES.has(st.typeUrl) && !st.namedOnce);
    if (names.length > 0) st.namedOnce = true;
    st.names = new Set(explicit);
    if (!st.wildcard) {
      // The proxy drops what it no longer names; a name requested again must be sent again.
      for (const name of [...st.held.keys()]) if (!st.names.has(name)) st.held.delete(name);
    }
  }

  protected plan(st: TypeState, force: boolean): Plan | undefined {
    const available = this.available(st);
    const chosen: Sendable[] = [];
    if (st.wildcard) {
      // LDS/CDS: the full set, always; anything missing is a deletion.
      for (const r of available.values()) if (hasBytes(r)) chosen.push(r);
    } else {
      // Named: what exists now; missing names are remembered (they stay in st.names), never a reason to wait.
      for (const name of st.names) {
        const r = available.get(name);
        if (r && hasBytes(r)) chosen.push(r);
      }
    }
    const changed = chosen.length !== st.held.size || chosen.some((r) => st.held.get(r.name)?.version !== r.version);
    const firstWildcardAnswer = st.wildcard && st.nonce === '';
    if (!changed && !firstWildcardAnswer && !(force && chosen.length > 0)) return undefined;
    const snapshot = this.snapshot!;
    const whole = st.wildcard && available === snapshot.of(st.typeUrl);
    let version = whole ? snapshot.typeVersion(st.typeUrl) : setVersion(chosen);
    if (version === st.versionAcked && st.lastNackNonce !== '' && st.lastNackNonce === st.nonce) {
      // After a NACK the proxy may run part of the rejected response while still reporting the
      // old version; a fix that restores that old content must not look like a duplicate.
      version = `${version}.${st.nonce}`;
    }
    return { version, resources: chosen, removed: [], ...(whole ? { shareKey: available } : {}) };
  }

  protected commit(st: TypeState, plan: Plan, nonce: string): Buffer {
    st.held = new Map(plan.resources.map((r) => [r.name, r]));
    return encodeSotwResponse({ versionInfo: plan.version, typeUrl: st.typeUrl, nonce, resources: plan.resources }, plan.shareKey);
  }
}

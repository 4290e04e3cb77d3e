// Incremental (Delta) streams: subscription changes in, changed and removed resources out.
import { WILDCARD_TYPES } from '@tidegate/envoy-api';
import type { DeltaRequest } from './requests';
import { encodeDeltaResponse } from './response-encoding';
import { Session } from './session';
import { type HeldResource, type Plan, type TypeState, WILDCARD, newTypeState } from './type-state';

type Sendable = HeldResource & { readonly any: Uint8Array };

export class DeltaSession extends Session<DeltaRequest> {
  readonly protocol = 'delta' as const;
  protected readonly supersedes = false;

  protected handle(typeUrl: string, req: DeltaRequest): void {
    let st = this.types.get(typeUrl);
    const first = !st;
    if (!st) {
      st = newTypeState(typeUrl);
      this.types.set(typeUrl, st);
      // A reconnecting proxy says what it has: only differences are sent.
      for (const [name, version] of Object.entries(req.initial_resource_versions)) st.held.set(name, { name, version });
    } else {
      // Stale or not, the subscription changes below still apply.
      this.recordReply(st, req.response_nonce, req.error_detail);
    }
    this.subscribe(st, req, first);
    this.evaluate();
  }

  private subscribe(st: TypeState, req: DeltaRequest, first: boolean): void {
    const subscribe = req.resource_names_subscribe;
    const star = subscribe.includes(WILDCARD);
    if (first && subscribe.length === 0 && WILDCARD_TYPES.has(st.typeUrl)) {
      st.wildcard = st.legacyWildcard = true;
    }
    if (star) {
      st.wildcard = true;
      st.legacyWildcard = false;
    } else if (st.legacyWildcard && subscribe.length > 0) {
      // Legacy wildcard holds only until the client names a resource without "*".
      st.wildcard = st.legacyWildcard = false;
    }
    if (first && st.wildcard) st.mustAnswer = true; // or the proxy waits for its initial fetch timeout
    for (const name of subscribe) {
      if (name === WILDCARD || st.names.has(name)) continue;
      // Unlike SotW, a Delta client states what it holds (initial versions, unsubscribes), so
      // `held` stays exact: an unsubscribed name was dropped from it and will be sent again.
      st.names.add(name);
      st.announceMissing.add(name);
    }
    for (const name of req.resource_names_unsubscribe) {
      if (name === WILDCARD) {
        st.wildcard = st.legacyWildcard = false;
        continue;
      }
      st.names.delete(name);
      st.announceMissing.delete(name);
      if (!st.wildcard) st.held.delete(name);
    }
    if (!st.wildcard) {
      // Without a wildcard the proxy keeps only what it names (over-sending later is safe, under-sending is not).
      for (const name of [...st.held.keys()]) if (!st.names.has(name)) st.held.delete(name);
    }
  }

  protected plan(st: TypeState, force: boolean): Plan | undefined {
    const available = this.available(st);
    const resources: Sendable[] = [];
    const removed: string[] = [];
    const consider = (name: string, r: HeldResource | undefined): void => {
      if (r) {
        if (r.any !== undefined && (force || st.held.get(name)?.version !== r.version)) resources.push(r as Sendable);
      } else if (st.held.has(name) || st.announceMissing.has(name)) {
        // Gone, or subscribed but not existing: say so; the subscription itself is kept.
        removed.push(name);
      }
    };
    if (st.wildcard) {
      for (const [name, r] of available) consider(name, r);
      for (const name of st.names) if (!available.has(name)) consider(name, undefined);
      for (const name of st.held.keys()) if (!available.has(name) && !st.names.has(name)) consider(name, undefined);
    } else {
      for (const name of st.names) consider(name, available.get(name));
    }
    if (resources.length === 0 && removed.length === 0 && !st.mustAnswer) return undefined;
    return { version: this.snapshot!.typeVersion(st.typeUrl), resources, removed };
  }

  protected commit(st: TypeState, plan: Plan, nonce: string): Buffer {
    for (const r of plan.resources) st.held.set(r.name, r);
    for (const name of plan.removed) st.held.delete(name);
    st.announceMissing.clear();
    return encodeDeltaResponse({
      systemVersionInfo: plan.version,
      typeUrl: st.typeUrl,
      nonce,
      resources: plan.resources,
      removedResources: plan.removed,
    });
  }
}

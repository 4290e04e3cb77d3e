// Envoy's NACKs as user-visible errors: a proxy group whose config a proxy rejected says so
// in /debug/status and `tidegate status` until a later version of that type is accepted.
import { TYPE_SHORT_NAME, isXdsTypeUrl } from '@tidegate/envoy-api';
import type { TranslationError } from '@tidegate/translator';
import type { XdsAckEvent, XdsServer } from '@tidegate/xds-server';

export class RejectionTracker {
  private readonly current = new Map<string, TranslationError>();

  constructor(xds: XdsServer) {
    xds.onNack((e) => this.current.set(key(e), toError(e)));
    xds.onAck((e) => this.current.delete(key(e)));
  }

  errors(): TranslationError[] {
    return [...this.current.values()];
  }
}

const key = (e: XdsAckEvent): string => `${e.group}\0${e.nodeId}\0${e.typeUrl}`;

function toError(e: XdsAckEvent): TranslationError {
  const type = isXdsTypeUrl(e.typeUrl) ? TYPE_SHORT_NAME[e.typeUrl] : e.typeUrl;
  return {
    object: { kind: 'ProxyGroup', name: e.group },
    path: type,
    code: 'envoy-rejected',
    message: `proxy ${e.nodeId} rejected ${type} version ${e.version}: ${e.message ?? 'no detail'}; it keeps serving its previous ${type}`,
  };
}

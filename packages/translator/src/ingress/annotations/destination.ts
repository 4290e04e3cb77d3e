// Higress's `higress.io/destination`: the registry hosts (weighted) that McpBridge resource backends route to.
import { parseDestinationAnnotation, type Destination } from '../../registry';
import { annotation, type AnnotationGroup } from './annotation';
import { read } from './values';

export interface DestinationSettings {
  /** The annotation key and value, for errors about hosts that do not resolve. */
  key: string;
  value: string;
  destinations: Destination[];
}

/** The backend form Higress uses with the annotation: `resource: {apiGroup: networking.higress.io, kind: McpBridge, name}`. */
export const MCP_BRIDGE_GROUP = 'networking.higress.io';
export const MCP_BRIDGE_KIND = 'McpBridge';

/** Whether an Ingress backend is the McpBridge resource form. */
export function isMcpBridgeBackend(backend: { resource?: { apiGroup?: string | null; kind: string } | undefined }): boolean {
  return backend.resource?.apiGroup === MCP_BRIDGE_GROUP && backend.resource.kind === MCP_BRIDGE_KIND;
}

const DESTINATION = annotation(
  'destination',
  'supported',
  '`[weight%] host[:port]` lines naming McpBridge registry hosts: paths whose backend is the McpBridge resource forward to them with these shares (the port picks registry instances; default the service\'s own); Service backends ignore it, as in Higress',
  { higressOnly: true, limits: 'several lines need whole percentages adding up to 100 (newer Higress only warns); Istio subsets (a third word) are not supported' },
);

export const destinationGroup: AnnotationGroup<DestinationSettings> = {
  id: 'destination',
  annotations: [DESTINATION],
  parse(a, ctx) {
    const found = a.get(DESTINATION);
    const destinations = read(a, DESTINATION, ctx, (text) => {
      const r = parseDestinationAnnotation(text);
      return r.ok ? { ok: true, value: r.destinations } : { ok: false, message: r.message };
    });
    if (!found || !destinations) return undefined;
    if (!ctx.backends.some(isMcpBridgeBackend)) {
      ctx.remark(found.key, `not used: no backend of this Ingress is the McpBridge resource (${MCP_BRIDGE_GROUP}/${MCP_BRIDGE_KIND})`);
    }
    return { key: found.key, value: found.value, destinations };
  },
};

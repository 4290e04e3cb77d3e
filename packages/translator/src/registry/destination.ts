// Higress's `higress.io/destination` annotation: one or more lines `[weight%] host[:port]`.
import { parseHostPort } from './backend-ref';

/** One weighted destination of the annotation. */
export interface Destination {
  host: string;
  port?: number;
  /** Percent of the traffic (the lines add up to 100). */
  weight: number;
}

export type DestinationResult = { ok: true; destinations: Destination[] } | { ok: false; message: string };

/**
 * Parses `higress.io/destination`. A single line may leave out the weight (100%); with several
 * lines each needs a whole `<n>%` and they must add up to 100 (Higress's rule; its newer
 * releases only warn and use the sum as the total). Higress's optional third word, an Istio
 * subset, is rejected: Tidegate has no subsets.
 */
export function parseDestinationAnnotation(text: string): DestinationResult {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return { ok: false, message: 'higress.io/destination is empty' };
  const destinations: Destination[] = [];
  for (const line of lines) {
    const m = /^(?:(\d{1,3})%\s+)?(\S+)(?:\s+(\S+))?$/.exec(line);
    if (m?.[3] !== undefined) return { ok: false, message: `"${line}" is not "[weight%] host[:port]": Higress subsets ("${m[3]}") are not supported` };
    const target = m ? parseHostPort(m[2]!) : undefined;
    if (!m || !target) return { ok: false, message: `"${line}" is not "[weight%] host[:port]"` };
    if (m[1] === undefined && lines.length > 1) return { ok: false, message: `"${line}" needs a weight ("30% ${line}"): there are several destinations` };
    const weight = m[1] === undefined ? 100 : Number(m[1]);
    destinations.push(target.port === undefined ? { host: target.host, weight } : { host: target.host, port: target.port, weight });
  }
  const total = destinations.reduce((sum, d) => sum + d.weight, 0);
  if (total !== 100) return { ok: false, message: `destination weights add up to ${total}%, not 100%` };
  return { ok: true, destinations };
}

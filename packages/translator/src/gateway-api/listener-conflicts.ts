// Listeners that cannot share a port: different protocols, or the same hostname twice.

import type { ListenerState } from './gateway-state';

/**
 * Marks conflicting listeners. Every listener on a port that mixes protocols is
 * Conflicted (ProtocolConflict); among the rest, listeners sharing a port and a
 * hostname (TCP listeners ignore hostnames, so any two collide) are Conflicted
 * (HostnameConflict). Only accepted listeners take part.
 */
export function markConflicts(listeners: readonly ListenerState[]): ListenerState[] {
  const conflicted: ListenerState[] = [];
  const byPort = new Map<number, ListenerState[]>();
  for (const l of listeners) {
    if (l.notAccepted) continue;
    byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
  }
  for (const [port, group] of byPort) {
    const protocols = new Set(group.map((l) => l.protocol));
    if (protocols.size > 1) {
      for (const l of group) {
        l.conflicted = { reason: 'ProtocolConflict', message: `port ${port} is used with protocols ${[...protocols].join(' and ')}` };
        conflicted.push(l);
      }
      continue;
    }
    const byHost = new Map<string, ListenerState[]>();
    for (const l of group) {
      const host = l.protocol === 'TCP' ? '' : (l.hostname ?? '');
      byHost.set(host, [...(byHost.get(host) ?? []), l]);
    }
    for (const [host, same] of byHost) {
      if (same.length < 2) continue;
      for (const l of same) {
        const names = same.map((s) => s.name).join(', ');
        l.conflicted = {
          reason: 'HostnameConflict',
          message: `listeners ${names} share port ${port}${host ? ` and hostname ${host}` : ' without distinct hostnames'}`,
        };
        conflicted.push(l);
      }
    }
  }
  return conflicted;
}

// Listeners that cannot share a port: different protocols (unless all route by SNI), or the same hostname twice.

import type { ListenerState } from './gateway-state';
import { hostnameMatches } from './hostnames';
import { terminatesTls } from './listener';

/** Protocols whose connections are told apart by the TLS SNI name, so they may share a port. */
const SNI_ROUTED = new Set(['HTTPS', 'TLS']);

/**
 * Marks conflicting listeners. Every listener on a port that mixes protocols is
 * Conflicted (ProtocolConflict), except HTTPS and TLS (Passthrough or Terminate),
 * which all route by SNI and can share a port; among the rest, listeners sharing a
 * port and a hostname (TCP listeners ignore hostnames, so any two collide) are
 * Conflicted (HostnameConflict). Only accepted listeners take part.
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
    if (protocols.size > 1 && ![...protocols].every((p) => SNI_ROUTED.has(p))) {
      const what = `protocols ${[...protocols].join(' and ')}`;
      for (const l of group) {
        l.conflicted = { reason: 'ProtocolConflict', message: `port ${port} is used with ${what}` };
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

/**
 * Marks TLS-terminating listeners of one port whose hostnames overlap (one
 * matches the other, or a listener without hostname, which takes every SNI):
 * Gateway API's OverlappingTLSConfig / OverlappingHostnames, set on every
 * listener of an overlapping pair. Conflicted or unaccepted listeners are left out.
 */
export function markOverlappingTls(listeners: readonly ListenerState[]): void {
  const tls = listeners.filter((l) => !l.notAccepted && !l.conflicted && terminatesTls(l));
  for (const a of tls) {
    const others = tls.filter((b) => b !== a && b.port === a.port && hostnamesOverlap(a.hostname, b.hostname));
    if (!others.length) continue;
    a.overlappingTls = {
      reason: 'OverlappingHostnames',
      message: `hostname ${a.hostname ?? '(any)'} overlaps listener${others.length > 1 ? 's' : ''} ${others.map((o) => `${o.name} (${o.hostname ?? 'any'})`).join(', ')} on port ${a.port}`,
    };
  }
}

function hostnamesOverlap(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  if (a === b || hostnameMatches(a, b) || hostnameMatches(b, a)) return true;
  // Two wildcards overlap when one's suffix lies inside the other's.
  return a.startsWith('*.') && b.startsWith('*.') && (a.endsWith(b.slice(1)) || b.endsWith(a.slice(1)));
}

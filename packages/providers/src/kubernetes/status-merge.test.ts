// Status arithmetic: transition times, shared lists, "changed?" with server-side defaults.
import { covers, kubeTime, planStatus, stampTransitions } from './status-merge';

const ME = 'tidegate.io/gateway-controller';
const OTHER = 'example.com/other';
const T0 = '2024-01-01T00:00:00Z';
const NOW = '2025-06-01T12:00:00Z';
const cond = (type: string, status: string, reason = type, extra: Record<string, unknown> = {}) => ({ type, status, reason, message: '', ...extra });

describe('stampTransitions', () => {
  it('keeps lastTransitionTime when the status did not change and stamps now when it did', () => {
    const current = { conditions: [cond('Accepted', 'True', 'Accepted', { lastTransitionTime: T0 }), cond('Programmed', 'False', 'Invalid', { lastTransitionTime: T0 })] };
    const desired = { conditions: [cond('Accepted', 'True', 'Other'), cond('Programmed', 'True')] };
    expect(stampTransitions(desired, current, NOW)).toEqual({
      conditions: [cond('Accepted', 'True', 'Other', { lastTransitionTime: T0 }), cond('Programmed', 'True', 'Programmed', { lastTransitionTime: NOW })],
    });
  });

  it('matches list entries by name (listeners) and by identity (parents)', () => {
    const current = {
      listeners: [{ name: 'b', conditions: [cond('Ready', 'True', 'R', { lastTransitionTime: T0 })] }],
      parents: [{ parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }, controllerName: ME, conditions: [cond('Accepted', 'True', 'A', { lastTransitionTime: T0 })] }],
    };
    const desired = {
      listeners: [{ name: 'a', conditions: [cond('Ready', 'True')] }, { name: 'b', conditions: [cond('Ready', 'True')] }],
      parents: [{ parentRef: { name: 'gw' }, controllerName: ME, conditions: [cond('Accepted', 'True')] }],
    };
    const out = stampTransitions(desired, current, NOW) as any;
    expect(out.listeners[0].conditions[0].lastTransitionTime).toBe(NOW);
    expect(out.listeners[1].conditions[0].lastTransitionTime).toBe(T0);
    // The server defaulted parentRef.group/kind; the entry still matches.
    expect(out.parents[0].conditions[0].lastTransitionTime).toBe(T0);
  });
});

describe('covers', () => {
  it('allows extra (defaulted) fields but not different values, lengths or leftover fields', () => {
    expect(covers({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } })).toBe(true);
    expect(covers({ a: 1 }, { a: 2 })).toBe(false);
    expect(covers({ l: [1, 2] }, { l: [1] })).toBe(false);
    expect(covers({ a: 1 }, { a: null })).toBe(false);
    expect(covers({}, { a: null })).toBe(true);
  });
});

describe('planStatus', () => {
  it('writes nothing when the server already has the status, including defaults it added', () => {
    const current = {
      parents: [{ parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }, controllerName: ME, conditions: [cond('Accepted', 'True', 'Accepted', { lastTransitionTime: T0 })] }],
    };
    const desired = { parents: [{ parentRef: { name: 'gw' }, controllerName: ME, conditions: [cond('Accepted', 'True')] }] };
    expect(planStatus(current, desired, ME, NOW)).toBeUndefined();
  });

  it("keeps other controllers' parents and replaces ours", () => {
    const theirs = { parentRef: { name: 'other-gw' }, controllerName: OTHER, conditions: [cond('Accepted', 'True', 'A', { lastTransitionTime: T0 })] };
    const current = { parents: [{ parentRef: { name: 'old' }, controllerName: ME, conditions: [] }, theirs] };
    const desired = { parents: [{ parentRef: { name: 'gw' }, controllerName: ME, conditions: [cond('Accepted', 'False', 'NotAllowedByListeners')] }] };
    expect(planStatus(current, desired, ME, NOW)).toEqual({
      parents: [theirs, { parentRef: { name: 'gw' }, controllerName: ME, conditions: [cond('Accepted', 'False', 'NotAllowedByListeners', { lastTransitionTime: NOW })] }],
    });
  });

  it('removes only our entries when the object no longer concerns us', () => {
    const theirs = { parentRef: { name: 'x' }, controllerName: OTHER, conditions: [] };
    expect(planStatus({ parents: [{ parentRef: { name: 'gw' }, controllerName: ME, conditions: [] }, theirs] }, undefined, ME, NOW)).toEqual({ parents: [theirs] });
    expect(planStatus({ parents: [theirs] }, undefined, ME, NOW)).toBeUndefined();
    expect(planStatus({ loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }, undefined, ME, NOW)).toBeUndefined();
  });

  it('removes fields of an owned status that the translator no longer sets', () => {
    const current = { addresses: [{ type: 'IPAddress', value: '10.0.0.1' }], conditions: [cond('Programmed', 'True', 'P', { lastTransitionTime: T0 })] };
    const desired = { conditions: [cond('Programmed', 'False', 'Invalid')] };
    expect(planStatus(current, desired, ME, NOW)).toEqual({ addresses: null, conditions: [cond('Programmed', 'False', 'Invalid', { lastTransitionTime: NOW })] });
  });

  it('writes Ingress load balancer status when it differs', () => {
    const desired = { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } };
    expect(planStatus({ loadBalancer: {} }, desired, ME, NOW)).toEqual(desired);
    expect(planStatus(desired, desired, ME, NOW)).toBeUndefined();
  });
});

it('formats times as Kubernetes does (seconds, UTC)', () => {
  expect(kubeTime(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)))).toBe('2025-01-02T03:04:05Z');
});

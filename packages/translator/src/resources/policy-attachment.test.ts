// Policy attachment: most specific level wins (rule > route > listener > Gateway, port > Service), then the oldest; outcomes.
import {
  PolicyAttachments,
  attachmentCondition,
  gatewayLevels,
  routeLevels,
  servicePortLevels,
  type PolicyTargetRef,
} from './policy-attachment';
import type { Resource } from './resource-index';
import type { ObjectRef } from './translation-error';

const GW = 'gateway.networking.k8s.io';

type Policy = Resource<{ targetRefs: PolicyTargetRef[] }>;

/** A policy in `ns`, created at minute `age`, with its targets. */
function policy(name: string, age: number, targetRefs: PolicyTargetRef[], ns = 'default'): Policy {
  const ref: ObjectRef = { kind: 'TestPolicy', namespace: ns, name };
  return {
    object: { apiVersion: 'tidegate.io/v1alpha1', kind: 'TestPolicy', metadata: { name, namespace: ns } },
    ref,
    namespace: ns,
    name,
    creationTimestamp: `2026-01-01T00:${String(age).padStart(2, '0')}:00Z`,
    body: { targetRefs },
  };
}

const gateway = (name: string, sectionName?: string): PolicyTargetRef => ({ group: GW, kind: 'Gateway', name, ...(sectionName ? { sectionName } : {}) });
const httpRoute = (name: string, sectionName?: string): PolicyTargetRef => ({ group: GW, kind: 'HTTPRoute', name, ...(sectionName ? { sectionName } : {}) });
const grpcRoute = (name: string, sectionName?: string): PolicyTargetRef => ({ group: GW, kind: 'GRPCRoute', name, ...(sectionName ? { sectionName } : {}) });

/** What exists: Gateway `gw` (listeners http, https), HTTPRoute `web` (rules api, static), GRPCRoute `rpc` (rule echo). */
const EXISTING: Record<string, string[]> = { 'Gateway/gw': ['http', 'https'], 'HTTPRoute/web': ['api', 'static'], 'GRPCRoute/rpc': ['echo'] };
const exists = (_p: Policy, t: PolicyTargetRef): boolean => {
  const sections = EXISTING[`${t.kind}/${t.name}`];
  return !!sections && (t.sectionName === undefined || sections.includes(t.sectionName));
};

const index = (...policies: Policy[]) => new PolicyAttachments(policies, { targetRefs: (p) => p.body.targetRefs, targetExists: exists });

const listener = (name: string) => gatewayLevels(GW, 'default', 'gw', [name]);
const rule = (kind: 'HTTPRoute' | 'GRPCRoute', route: string, ruleName: string | undefined, through = listener('http')) =>
  routeLevels({ group: GW, kind, namespace: 'default', name: route, rule: ruleName }, through);

describe('policy attachment precedence', () => {
  const onGateway = policy('on-gateway', 1, [gateway('gw')]);
  const onListener = policy('on-listener', 2, [gateway('gw', 'http')]);
  const onRoute = policy('on-route', 3, [httpRoute('web')]);
  const onRule = policy('on-rule', 4, [httpRoute('web', 'api')]);
  const all = index(onRule, onRoute, onListener, onGateway);

  it('a rule beats its route, a route its listener, a listener its Gateway', () => {
    expect(all.winner(rule('HTTPRoute', 'web', 'api'))).toBe(onRule);
    expect(all.winner(rule('HTTPRoute', 'web', 'static'))).toBe(onRoute);
    expect(all.winner(rule('GRPCRoute', 'rpc', 'echo'))).toBe(onListener);
    expect(all.winner(rule('GRPCRoute', 'rpc', 'echo', listener('https')))).toBe(onGateway);
    expect(all.winner(listener('https'))).toBe(onGateway);
  });

  it('the more specific policy wins even when it is younger', () => {
    const oldRoute = policy('old-route', 1, [grpcRoute('rpc')]);
    const youngRule = policy('young-rule', 9, [grpcRoute('rpc', 'echo')]);
    expect(index(oldRoute, youngRule).winner(rule('GRPCRoute', 'rpc', 'echo'))).toBe(youngRule);
  });

  it('a route without a rule name is governed by route-level and wider policies only', () => {
    expect(all.winner(rule('HTTPRoute', 'web', undefined))).toBe(onRoute);
  });

  it('among policies at the same level the oldest wins, then namespace/name', () => {
    const young = policy('a-young', 5, [gateway('gw', 'http')]);
    const old = policy('z-old', 1, [gateway('gw', 'http')]);
    expect(index(young, old).winner(listener('http'))).toBe(old);
    const sameAgeB = policy('b', 3, [httpRoute('web')]);
    const sameAgeA = policy('a', 3, [httpRoute('web')]);
    expect(index(sameAgeB, sameAgeA).winner(rule('HTTPRoute', 'web', 'api'))).toBe(sameAgeA);
  });

  it('a Gateway port is governed by a policy naming any of its listeners', () => {
    const named = policy('named', 5, [gateway('gw', 'https')]);
    const port = gatewayLevels(GW, 'default', 'gw', ['http', 'https']);
    expect(index(onGateway, named).winner(port)).toBe(named);
  });

  it('a Service port: a policy naming the port beats one naming the Service; an unnamed port takes the Service-wide one', () => {
    const svc = policy('svc', 1, [{ group: '', kind: 'Service', name: 'api' }]);
    const port = policy('port', 2, [{ group: '', kind: 'Service', name: 'api', sectionName: 'grpc' }]);
    const both = index(svc, port);
    expect(both.winner(servicePortLevels('default', 'api', 'grpc'))).toBe(port);
    expect(both.winner(servicePortLevels('default', 'api', 'http'))).toBe(svc);
    expect(both.winner(servicePortLevels('default', 'api', undefined))).toBe(svc);
  });

  it('targets are local to the policy’s namespace and need the right kind', () => {
    const elsewhere = policy('elsewhere', 1, [gateway('gw')], 'other');
    const wrongKind = policy('wrong-kind', 1, [httpRoute('gw')]);
    expect(index(elsewhere, wrongKind).winner(listener('http'))).toBeUndefined();
  });

  it('tells whether a policy attaches to a point without winning it', () => {
    expect(all.attaches(onGateway, rule('HTTPRoute', 'web', 'api'))).toBe(true);
    expect(all.attaches(onRule, rule('HTTPRoute', 'web', 'static'))).toBe(false);
  });
});

describe('policy attachment outcome', () => {
  const points = [rule('HTTPRoute', 'web', 'api'), rule('HTTPRoute', 'web', 'static'), listener('https')];

  it('Accepted where it governs some point', () => {
    const p = policy('p', 1, [httpRoute('web', 'api')]);
    expect(index(p).outcome(p, points)).toBe('Accepted');
  });

  it('Conflicted when an older policy with the same target wins everywhere it could apply', () => {
    const older = policy('older', 1, [httpRoute('web', 'api')]);
    const younger = policy('younger', 2, [httpRoute('web', 'api')]);
    const both = index(younger, older);
    expect(both.outcome(older, points)).toBe('Accepted');
    expect(both.outcome(younger, points)).toBe('Conflicted');
  });

  it('Conflicted when more specific policies govern every point it could apply to', () => {
    const wide = policy('wide', 1, [httpRoute('web')]);
    const api = policy('api', 2, [httpRoute('web', 'api')]);
    const rest = policy('static', 3, [httpRoute('web', 'static')]);
    const routePoints = [rule('HTTPRoute', 'web', 'api'), rule('HTTPRoute', 'web', 'static')];
    expect(index(wide, api, rest).outcome(wide, routePoints)).toBe('Conflicted');
    expect(index(wide, api).outcome(wide, routePoints)).toBe('Accepted');
  });

  it('TargetNotFound when nothing it names exists, before any conflict', () => {
    const missingRoute = policy('missing-route', 1, [httpRoute('nope')]);
    const missingRule = policy('missing-rule', 1, [httpRoute('web', 'nope')]);
    const missingListener = policy('missing-listener', 1, [gateway('gw', 'tcp')]);
    const all = index(missingRoute, missingRule, missingListener);
    for (const p of [missingRoute, missingRule, missingListener]) expect(all.outcome(p, points)).toBe('TargetNotFound');
    const oneFound = policy('one-found', 1, [httpRoute('nope'), gateway('gw')]);
    expect(index(oneFound).outcome(oneFound, points)).toBe('Accepted');
  });

  it('builds the Accepted condition with the kind’s message', () => {
    const messages = { Accepted: 'applied', Conflicted: 'lost', TargetNotFound: 'nothing there' };
    expect(attachmentCondition('Conflicted', messages, 3)).toEqual({ type: 'Accepted', status: 'False', reason: 'Conflicted', message: 'lost', observedGeneration: 3 });
    expect(attachmentCondition('Accepted', messages, undefined)).toEqual({ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'applied' });
  });
});

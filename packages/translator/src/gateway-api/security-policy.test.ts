// SecurityPolicy beyond the golden case: schema errors name the field, precedence rule > route > listener > Gateway, JWKS from a Secret or ConfigMap.
import { policy, translatePolicies } from './test-support/security-policy';

const JWKS = '{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}';
const jwt = (provider: string, extra: Record<string, unknown> = {}) => ({ providers: [{ name: provider, localJWKS: JWKS, ...extra }] });

function translate(...extra: Array<Record<string, unknown>>) {
  const out = translatePolicies(...extra);
  return { ...out, provider: (key: string) => out.routes.get(key)?.jwt?.providers.map((p) => p.name) };
}

describe('schema', () => {
  it('an unknown section (a later feature, or a typo) is an unknown-field error naming it', () => {
    const { result } = translate(policy('p', { targetRefs: [{ kind: 'Gateway', name: 'gw' }], basicAuth: {}, jwt: jwt('x', { issuerr: 'x' }) }));
    expect(result.errors.map((e) => [e.path, e.code])).toEqual(
      expect.arrayContaining([
        ['spec.basicAuth', 'unknown-field'],
        ['spec.jwt.providers[0].issuerr', 'unknown-field'],
      ]),
    );
  });

  it('a provider needs exactly one of remoteJWKS and localJWKS, and a target kind it knows', () => {
    const both = translate(policy('p', { targetRefs: [{ kind: 'Service', name: 'svc' }], jwt: { providers: [{ name: 'x' }] } }));
    expect(both.result.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['spec.targetRefs[0].kind', 'spec.jwt.providers[0].remoteJWKS']));
  });

  it('requiredClaims need a token (not with optional) and header-safe claim names', () => {
    const { result } = translate(
      policy('p', { targetRefs: [{ kind: 'Gateway', name: 'gw' }], jwt: { ...jwt('x'), optional: true, requiredClaims: [{ claim: 'https://x/roles', value: 'a' }] } }),
    );
    expect(result.errors.map((e) => [e.path, e.code])).toEqual(
      expect.arrayContaining([
        ['spec.jwt.requiredClaims[0].claim', expect.any(String)],
        ['spec.jwt.requiredClaims', expect.any(String)],
      ]),
    );
  });
});

describe('attachment', () => {
  it('rule beats route beats listener beats Gateway; the oldest wins among equals', () => {
    const t = translate(
      policy('gateway', { targetRefs: [{ kind: 'Gateway', name: 'gw' }], jwt: jwt('g') }),
      policy('listener', { targetRefs: [{ kind: 'Gateway', name: 'gw', sectionName: 'b' }], jwt: jwt('l') }),
      policy('route', { targetRefs: [{ kind: 'HTTPRoute', name: 'r' }], jwt: jwt('r') }),
      policy('route-younger', { targetRefs: [{ kind: 'HTTPRoute', name: 'r' }], jwt: jwt('y') }),
      policy('rule', { targetRefs: [{ kind: 'HTTPRoute', name: 'r', sectionName: 'one' }], jwt: jwt('o') }),
    );
    expect(t.provider('80 one')).toEqual(['default/rule/o']);
    expect(t.provider('80 1')).toEqual(['default/route/r']);
    expect(t.accepted('route-younger')).toMatchObject({ status: 'False', reason: 'Conflicted' });
    expect(t.accepted('gateway')).toMatchObject({ status: 'False', reason: 'Conflicted' });
    expect(t.accepted('listener')).toMatchObject({ status: 'False', reason: 'Conflicted' });
  });

  it('a listener policy governs only that listener; the Gateway one the others', () => {
    const t = translate(
      policy('gateway', { targetRefs: [{ kind: 'Gateway', name: 'gw' }], jwt: jwt('g') }),
      policy('listener', { targetRefs: [{ kind: 'Gateway', name: 'gw', sectionName: 'b' }], jwt: jwt('l') }),
    );
    expect(t.provider('80 1')).toEqual(['default/gateway/g']);
    expect(t.provider('81 1')).toEqual(['default/listener/l']);
    expect(t.accepted('gateway')).toMatchObject({ status: 'True' });
    expect(t.accepted('listener')).toMatchObject({ status: 'True' });
  });

  it('a missing rule, route or listener is TargetNotFound and changes nothing', () => {
    const t = translate(
      policy('rule', { targetRefs: [{ kind: 'HTTPRoute', name: 'r', sectionName: 'nope' }], jwt: jwt('x') }),
      policy('listener', { targetRefs: [{ kind: 'Gateway', name: 'gw', sectionName: 'nope' }], jwt: jwt('x') }),
      policy('grpc', { targetRefs: [{ kind: 'GRPCRoute', name: 'r' }], jwt: jwt('x') }),
    );
    for (const name of ['rule', 'listener', 'grpc']) expect(t.accepted(name)).toMatchObject({ status: 'False', reason: 'TargetNotFound' });
    expect([...t.routes.values()].every((r) => r.jwt === undefined && r.action.kind === 'forward')).toBe(true);
  });

  it('the route status lists the policies governing it', () => {
    const { result } = translate(policy('route', { targetRefs: [{ kind: 'HTTPRoute', name: 'r' }], jwt: jwt('r') }));
    const parents = (result.statuses.find((s) => s.kind === 'HTTPRoute')?.status as { parents: Array<{ conditions: Array<{ type: string; message: string }> }> }).parents;
    expect(parents[0]?.conditions).toContainEqual(expect.objectContaining({ type: 'tidegate.io/PoliciesApplied', message: 'SecurityPolicy default/route' }));
  });
});

describe('JWKS sources and bad input', () => {
  const secretRef = { secretRef: { name: 'keys', key: 'jwks.json' } };
  const configMapRef = { configMapRef: { name: 'keys', key: 'jwks.json' } };
  const target = { targetRefs: [{ kind: 'HTTPRoute', name: 'r' }] };

  it('reads a JWKS from a Secret or a ConfigMap key', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'keys', namespace: 'default' }, data: { 'jwks.json': Buffer.from(JWKS).toString('base64') } };
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys', namespace: 'default' }, data: { 'jwks.json': JWKS } };
    const fromSecret = translate(secret, policy('p', { ...target, jwt: { providers: [{ name: 'x', localJWKS: secretRef }] } }));
    expect(fromSecret.routes.get('80 1')?.jwt?.providers[0]?.jwks).toEqual({ kind: 'local', json: JWKS });
    const fromConfigMap = translate(cm, policy('p', { ...target, jwt: { providers: [{ name: 'x', localJWKS: configMapRef }] } }));
    expect(fromConfigMap.routes.get('80 1')?.jwt?.providers[0]?.jwks).toEqual({ kind: 'local', json: JWKS });
  });

  it.each([
    ['a missing Secret', { localJWKS: secretRef }, 'spec.jwt.providers[0].localJWKS.secretRef', 'Secret default/keys not found'],
    ['a missing ConfigMap', { localJWKS: configMapRef }, 'spec.jwt.providers[0].localJWKS.configMapRef', 'ConfigMap default/keys not found'],
    ['a JWKS without keys', { localJWKS: '{"keys":[]}' }, 'spec.jwt.providers[0].localJWKS', 'non-empty "keys"'],
    ['an issuer that is not a URL', { localJWKS: JWKS, issuer: 'idp' }, 'spec.jwt.providers[0].issuer', 'is not a URL'],
    ['a JWKS URI that is not http(s)', { remoteJWKS: { uri: 'ftp://idp.example/jwks' } }, 'spec.jwt.providers[0].remoteJWKS.uri', 'not an http or https URL'],
  ])('%s: the policy names the field and its routes answer 401', (_what, provider, path, message) => {
    const t = translate(policy('p', { ...target, jwt: { providers: [{ name: 'x', ...provider }] } }));
    expect(t.result.errors).toContainEqual(expect.objectContaining({ object: { kind: 'SecurityPolicy', namespace: 'default', name: 'p' }, path, code: 'invalid-policy' }));
    expect(t.accepted('p')).toMatchObject({ status: 'False', reason: 'Invalid', message: expect.stringContaining(message) });
    for (const key of ['80 one', '80 1', '81 one', '81 1']) expect(t.routes.get(key)?.action).toEqual({ kind: 'direct', status: 401 });
  });

  it('a remote JWKS over https gets a cluster verifying the host against the system CAs', () => {
    const t = translate(policy('p', { ...target, jwt: { providers: [{ name: 'x', remoteJWKS: { uri: 'https://idp.example.com/keys', cacheDuration: '10m' } }] } }));
    expect(t.routes.get('80 1')?.jwt?.providers[0]?.jwks).toEqual({ kind: 'remote', uri: 'https://idp.example.com/keys', backend: 'jwks/idp.example.com:443/tls', cacheDurationMs: 600_000 });
    const backend = t.result.proxyGroups[0]?.backends.find((b) => b.name === 'jwks/idp.example.com:443/tls');
    expect(backend).toMatchObject({ discovery: { type: 'dns', hostname: 'idp.example.com', port: 443 }, tls: { sni: 'idp.example.com', subjectAltNames: ['idp.example.com'], caSecret: 'tidegate/system-ca' } });
  });
});

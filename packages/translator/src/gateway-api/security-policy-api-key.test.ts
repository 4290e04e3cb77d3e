// SecurityPolicy `apiKey` beyond the golden case: schema errors name the field, keys from Secrets, precedence, bad input failing closed without showing a key.
import { policy, translatePolicies as translate } from './test-support/security-policy';

const secret = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, stringData: data });
const KEYS = [secret('alice', { key: 'alice-key' }), secret('bob', { token: 'bob-key' })];

const onRoute = (sectionName?: string) => ({ targetRefs: [{ kind: 'HTTPRoute', name: 'r', ...(sectionName ? { sectionName } : {}) }] });
const apiKey = (extra: Record<string, unknown> = {}) => ({
  credentials: [
    { name: 'alice', secretRef: { name: 'alice' } },
    { name: 'bob', secretRef: { name: 'bob', key: 'token' } },
  ],
  keys: [{ header: 'x-api-key' }, { query: 'apikey' }],
  ...extra,
});

describe('schema', () => {
  it('credentials and keys are required; a key source is a header or a query parameter, not both', () => {
    const { result } = translate(policy('p', { ...onRoute(), apiKey: { keys: [{ header: 'x', query: 'y' }] } }));
    expect(result.errors.map((e) => [e.path, e.code])).toEqual(expect.arrayContaining([['spec.apiKey.credentials', 'missing-field']]));
    expect(result.errors.some((e) => e.path.startsWith('spec.apiKey.keys[0]'))).toBe(true);
  });

  it('keys are never inline: a credential has a name and a secretRef only', () => {
    const { result } = translate(policy('p', { ...onRoute(), apiKey: apiKey({ credentials: [{ name: 'alice', key: 'inline' }] }) }));
    expect(result.errors.map((e) => [e.path, e.code])).toEqual(
      expect.arrayContaining([
        ['spec.apiKey.credentials[0].key', 'unknown-field'],
        ['spec.apiKey.credentials[0].secretRef', 'missing-field'],
      ]),
    );
  });

  it('consumer names are unique, and allow names only consumers the policy has', () => {
    const dup = translate(policy('p', { ...onRoute(), apiKey: apiKey({ credentials: [{ name: 'a', secretRef: { name: 'alice' } }, { name: 'a', secretRef: { name: 'bob' } }] }) }));
    expect(dup.result.errors.map((e) => e.path)).toContain('spec.apiKey.credentials');
    const typo = translate(...KEYS, policy('p', { ...onRoute(), apiKey: apiKey({ allow: ['alice', 'bobb'] }) }));
    expect(typo.result.errors.map((e) => [e.path, e.message])).toContainEqual(['spec.apiKey.allow[1]', 'no credential names consumer "bobb"']);
  });
});

describe('translation', () => {
  it('reads each key from its Secret (default key `key`), keeps the key order and names the consumer in x-mse-consumer', () => {
    const { routes, accepted } = translate(...KEYS, policy('p', { ...onRoute(), apiKey: apiKey() }));
    expect(routes.get('80 1')?.apiKey).toEqual({
      credentials: [
        { client: 'alice', key: 'alice-key' },
        { client: 'bob', key: 'bob-key' },
      ],
      sources: [{ header: 'x-api-key' }, { query: 'apikey' }],
      forwardClientHeader: 'x-mse-consumer',
    });
    expect(accepted('p')?.status).toBe('True');
  });

  it('a policy on a rule beats one on the route; allow and the header are its own', () => {
    const { routes } = translate(...KEYS, policy('route', { ...onRoute(), apiKey: apiKey() }), policy('rule', { ...onRoute('one'), apiKey: apiKey({ allow: ['bob'], forwardConsumerHeader: 'x-who' }) }));
    expect(routes.get('80 one')?.apiKey).toMatchObject({ allow: ['bob'], forwardClientHeader: 'x-who' });
    expect(routes.get('80 1')?.apiKey?.allow).toBeUndefined();
  });

  it('jwt and apiKey in one policy both apply', () => {
    const jwks = '{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}';
    const { routes } = translate(...KEYS, policy('p', { ...onRoute(), apiKey: apiKey(), jwt: { providers: [{ name: 'x', localJWKS: jwks }] } }));
    expect(routes.get('80 1')?.apiKey).toBeDefined();
    expect(routes.get('80 1')?.jwt).toBeDefined();
  });
});

describe('bad input fails closed, naming the field and never the key', () => {
  it.each([
    ['a missing Secret', [KEYS[1]!], 'spec.apiKey.credentials[0].secretRef', 'Secret default/alice not found'],
    ['a missing key', [secret('alice', { other: 'x' }), KEYS[1]!], 'spec.apiKey.credentials[0].secretRef.key', 'Secret default/alice key key not found'],
    ['an empty key', [secret('alice', { key: '' }), KEYS[1]!], 'spec.apiKey.credentials[0].secretRef.key', 'Secret default/alice key key is empty'],
    ['a trailing newline', [secret('alice', { key: 'alice-key\n' }), KEYS[1]!], 'spec.apiKey.credentials[0].secretRef.key', 'Secret default/alice key key contains a NUL, CR or LF character (a trailing newline?)'],
    ['a key two consumers share', [KEYS[0]!, secret('bob', { token: 'alice-key' })], 'spec.apiKey.credentials[1].secretRef', 'Secret default/bob key token holds the same key as credentials[0] (consumer alice)'],
  ])('%s', (_what, secrets, field, message) => {
    const { result, routes, accepted } = translate(...secrets, policy('p', { ...onRoute(), apiKey: apiKey() }));
    expect(result.errors.map((e) => [e.path, e.code, e.message])).toContainEqual([field, 'invalid-policy', message]);
    expect(accepted('p')).toMatchObject({ status: 'False', reason: 'Invalid', message: `${field}: ${message}; the routes it governs answer 401` });
    for (const r of routes.values()) {
      expect(r.action).toEqual({ kind: 'direct', status: 401 });
      expect(r.apiKey).toBeUndefined();
    }
    expect(JSON.stringify([result.errors, result.statuses])).not.toContain('alice-key');
  });

  it.each([
    ['a header name Envoy refuses', { keys: [{ header: 'x\nkey' }] }, 'spec.apiKey.keys[0].header'],
    ['a consumer header Envoy will not set', { forwardConsumerHeader: 'host' }, 'spec.apiKey.forwardConsumerHeader'],
  ])('%s', (_what, extra, field) => {
    const { result, routes } = translate(...KEYS, policy('p', { ...onRoute(), apiKey: apiKey(extra) }));
    expect(result.errors.map((e) => e.path)).toContain(field);
    expect(routes.get('80 1')?.action).toEqual({ kind: 'direct', status: 401 });
  });
});

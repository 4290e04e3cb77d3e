import { PassThrough } from 'node:stream';
import { generateKeyPairSync } from 'node:crypto';
import { configureLogging, getLogger } from './logger';
import { REDACTED, redactSecrets, redactText } from './redact';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
const PEM_BODY = PEM.split('\n')[1]!;
const HASH = '{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=';

describe('redactSecrets', () => {
  it('replaces values under secret keys, Secret data and credential headers; keeps names and certificates', () => {
    const out = redactSecrets({
      secrets: [{ name: 'gw-cert', type: 'certificate', certificateChain: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', privateKey: PEM }],
      basicAuth: { htpasswd: `alice:${HASH}\n`, realm: 'r' },
      tls: { private_key: { inline_bytes: Buffer.from(PEM).toString('base64') } },
      secret: { kind: 'Secret', metadata: { name: 's' }, data: { 'tls.key': 'x', 'tls.crt': 'y' } },
      headers: [{ name: 'Authorization', value: 'Bearer t0ken' }, { key: 'x-ok', value: 'shown' }],
    });
    expect(out.secrets[0]).toEqual({ name: 'gw-cert', type: 'certificate', certificateChain: expect.stringContaining('BEGIN CERTIFICATE'), privateKey: REDACTED });
    expect(out.basicAuth).toEqual({ htpasswd: REDACTED, realm: 'r' });
    expect(out.tls.private_key).toBe(REDACTED);
    expect(out.secret.data).toEqual({ 'tls.key': REDACTED, 'tls.crt': REDACTED });
    expect(out.headers).toEqual([{ name: 'Authorization', value: REDACTED }, { key: 'x-ok', value: 'shown' }]);
  });

  it('replaces the keys of API-key credentials (IR apiKey and Envoy api_key_auth), keeping consumer names and secret references', () => {
    const out = redactSecrets({
      apiKey: { credentials: [{ client: 'alice', key: 'alice-secret-key' }], sources: [{ header: 'x-api-key' }] },
      typed_config: { credentials: [{ key: 'bob-secret-key', client: 'bob' }], key_sources: [{ query: 'apikey' }] },
      spec: { apiKey: { credentials: [{ name: 'carol', secretRef: { name: 'carol', key: 'token' } }] } },
    });
    expect(JSON.stringify(out)).not.toMatch(/alice-secret-key|bob-secret-key/);
    expect(out.apiKey).toEqual({ credentials: [{ client: 'alice', key: REDACTED }], sources: [{ header: 'x-api-key' }] });
    expect(out.typed_config.credentials).toEqual([{ key: REDACTED, client: 'bob' }]);
    expect(out.spec.apiKey.credentials).toEqual([{ name: 'carol', secretRef: { name: 'carol', key: 'token' } }]);
  });

  it('finds keys and hashes inside any string, plain or base64 (e.g. Envoy inline_string, an error message)', () => {
    const text = `bad file: ${PEM} and users alice:${HASH} bob:$apr1$abc$def; b64 ${Buffer.from(PEM).toString('base64')}`;
    const out = redactText(text);
    expect(out).not.toContain(PEM_BODY);
    expect(out).not.toContain(HASH);
    expect(out).not.toContain('$apr1$abc');
    expect(out).not.toContain('LS0tLS1CRUdJTi');
    expect(out).toContain('alice:[redacted]');
    expect(redactText('LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t')).toBe('LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t'); // a certificate stays
    expect(redactText('auth-url=https://alice:s3cret@auth.example.com/check and http://host:8080/x')).toBe('auth-url=https://alice:[redacted]@auth.example.com/check and http://host:8080/x');
    expect(redactText('cluster outbound|80||web.default:8080, time 12:30:45')).toBe('cluster outbound|80||web.default:8080, time 12:30:45');
  });

  it('keeps shared references shared and survives cycles and errors', () => {
    const shared = { a: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    const out = redactSecrets(cyclic) as Record<string, unknown>;
    expect(out.shared).toBe(out.again);
    expect(out.self).toBe('[circular]');
    const err = redactSecrets(new Error(`cannot parse ${PEM}`)) as unknown as { type: string; message: string; stack: string };
    expect(err.type).toBe('Error');
    expect(err.message).toBe(`cannot parse ${REDACTED}`);
    expect(err.stack).not.toContain(PEM_BODY);
  });
});

describe('log lines', () => {
  afterEach(() => configureLogging('silent'));

  it('carry no secret: objects, messages and errors are redacted', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    configureLogging('info', out);
    const log = getLogger('redact-test');
    log.warn({ secret: { privateKey: PEM }, htpasswd: `alice:${HASH}` }, `could not load ${PEM}`);
    log.error(new Error(`bad key ${PEM}`), 'failed');
    log.error({ err: new Error(`users alice:${HASH}`) }, 'failed again');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines).toHaveLength(3);
    expect(text).not.toContain(PEM_BODY);
    expect(text).not.toContain(HASH);
    expect(lines[0]!.msg).toBe(`could not load ${REDACTED}`);
    expect(lines[1]!.err.message).toBe(`bad key ${REDACTED}`);
    expect(lines[1]!.msg).toBe('failed');
    expect(lines[2]!.err.message).toBe(`users alice:${REDACTED}`);
  });
});

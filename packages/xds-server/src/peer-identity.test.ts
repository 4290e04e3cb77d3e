import { X509Certificate } from 'node:crypto';
import { gatewaySpiffeId, groupOfSpiffeId, identityOfCertificate, parseSubjectAltNames } from './peer-identity';
import { createTestCa, issueCert } from './test-support/certs';

describe('identityOfCertificate', () => {
  it('reads the group from a spiffe://tidegate/ns/<namespace>/gateway/<name> URI SAN', () => {
    const r = identityOfCertificate({ subjectaltname: 'DNS:gw.example, URI:spiffe://tidegate/ns/team-a/gateway/public.v1', subject: { CN: 'other/cn' } });
    expect(r).toEqual({ ok: true, value: { group: 'team-a/public.v1', source: 'uri-san', id: 'spiffe://tidegate/ns/team-a/gateway/public.v1' } });
  });

  it('falls back to a subject CN <namespace>/<name> when there is no SPIFFE ID', () => {
    expect(identityOfCertificate({ subjectaltname: 'DNS:x.example, URI:https://example.com/', subject: { CN: 'tidegate/ingress' } })).toEqual({
      ok: true,
      value: { group: 'tidegate/ingress', source: 'common-name', id: 'tidegate/ingress' },
    });
    expect(identityOfCertificate({ subject: { CN: 'default/gw' } })).toMatchObject({ ok: true, value: { group: 'default/gw' } });
  });

  it('never falls back to the CN when a SPIFFE ID is present but not a Tidegate gateway one', () => {
    for (const id of [
      'spiffe://example.org/ns/a/gateway/b', // another trust domain
      'spiffe://tidegate/ns/a/sa/b',
      'spiffe://tidegate/ns/a/gateway/b/extra',
      'spiffe://tidegate/ns/A/gateway/b', // namespaces are lower case
      'spiffe://tidegate/ns/a/gateway/b%2Fc',
      'spiffe://tidegate/ns//gateway/b',
    ]) {
      const r = identityOfCertificate({ subjectaltname: `URI:${id}`, subject: { CN: 'a/b' } });
      expect({ id, r }).toMatchObject({ id, r: { ok: false, issues: [{ code: 'unknown-identity' }] } });
    }
  });

  it('refuses two SPIFFE IDs, no CN, several CNs, and a CN that is not a group', () => {
    const two = 'URI:spiffe://tidegate/ns/a/gateway/b, URI:spiffe://tidegate/ns/c/gateway/d';
    expect(identityOfCertificate({ subjectaltname: two })).toMatchObject({ ok: false, issues: [{ code: 'ambiguous-identity' }] });
    expect(identityOfCertificate({})).toMatchObject({ ok: false, issues: [{ code: 'no-identity' }] });
    expect(identityOfCertificate({ subject: { CN: ['a/b', 'c/d'] } })).toMatchObject({ ok: false, issues: [{ code: 'no-identity' }] });
    for (const cn of ['tidegate-controller', 'a/b/c', '/b', 'a/', 'A/b', 'a b/c']) {
      expect({ cn, r: identityOfCertificate({ subject: { CN: cn } }) }).toMatchObject({ cn, r: { ok: false, issues: [{ code: 'unknown-identity' }] } });
    }
  });

  it('reads a real certificate the way Node reports it', () => {
    const ca = createTestCa();
    const leaf = issueCert(ca, { cn: 'ignored', dns: ['a.example'], uri: ['spiffe://tidegate/ns/default/gateway/gw'] });
    const x = new X509Certificate(leaf.cert);
    expect(identityOfCertificate({ subjectaltname: x.subjectAltName })).toMatchObject({ ok: true, value: { group: 'default/gw' } });
  });
});

describe('SPIFFE IDs', () => {
  it('round-trips a group through its SPIFFE ID', () => {
    expect(gatewaySpiffeId('team-a/public')).toBe('spiffe://tidegate/ns/team-a/gateway/public');
    expect(groupOfSpiffeId(gatewaySpiffeId('tidegate/ingress'))).toBe('tidegate/ingress');
    expect(groupOfSpiffeId('spiffe://tidegate/ns/a/gateway/b?x=1')).toBeUndefined();
    expect(() => gatewaySpiffeId('not-a-group')).toThrow(/namespace/);
  });
});

describe('parseSubjectAltNames', () => {
  it("splits Node's format, including JSON-quoted values with commas", () => {
    expect(parseSubjectAltNames('DNS:a.example, IP Address:127.0.0.1, URI:"spiffe://x/a,b"')).toEqual([
      { type: 'DNS', value: 'a.example' },
      { type: 'IP Address', value: '127.0.0.1' },
      { type: 'URI', value: 'spiffe://x/a,b' },
    ]);
    expect(parseSubjectAltNames('')).toEqual([]);
  });
});

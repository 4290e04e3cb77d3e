// TLSRoute (passthrough and terminate) and TCPRoute end to end through real Envoy, including the share of
// connections an invalid backendRef keeps (refused).
import * as https from 'node:https';
import { createTestCa, startEcho, type EchoServer, type TestCa } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, service, simpleRoute } from './support/fixtures';
import { freePort, waitFor } from './support/http';
import { tlsSecret } from './support/secrets';
import { startStandalone, type StandaloneHarness } from './support/standalone';
import { startTcpEcho, tcpExchange, tlsExchange, type TcpEcho } from './support/tcp';

jest.setTimeout(60_000);

let ca: TestCa;
let siteA: EchoServer, siteB: EchoServer;
let db: TcpEcho, raw: TcpEcho;
let tg: StandaloneHarness;
let passPort: number, termPort: number, tcpPort: number, halfPort: number;

const listeners = () => `    - name: pass
      protocol: TLS
      port: ${passPort}
      tls: { mode: Passthrough }
    - name: term
      protocol: TLS
      port: ${termPort}
      hostname: "*.term.test"
      tls: { mode: Terminate, certificateRefs: [{ name: gateway-cert }] }
    - name: tcp
      protocol: TCP
      port: ${tcpPort}
    - name: half
      protocol: TCP
      port: ${halfPort}
`;

const routes = docs(
  simpleRoute('TLSRoute', 'site-a', 'pass', ['site-a'], ['a.pass.test']),
  simpleRoute('TLSRoute', 'site-b', 'pass', ['site-b'], ['b.pass.test']),
  simpleRoute('TLSRoute', 'db', 'term', ['db'], ['db.term.test']),
  simpleRoute('TCPRoute', 'raw', 'tcp', ['raw']),
  simpleRoute('TCPRoute', 'half', 'half', ['raw', 'retired']),
);

beforeAll(async () => {
  ca = createTestCa();
  [siteA, siteB, db, raw] = await Promise.all([
    startEcho({ name: 'a', protocol: 'tls', tls: ca.issue(['a.pass.test']) }),
    startEcho({ name: 'b', protocol: 'tls', tls: ca.issue(['b.pass.test']) }),
    startTcpEcho('db'),
    startTcpEcho('raw'),
  ]);
  [passPort, termPort, tcpPort, halfPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', listeners()), tlsSecret('gateway-cert', ca.issue(['*.term.test']))),
    'services.yaml': docs(service('site-a', [siteA.port]), service('site-b', [siteB.port]), service('db', [db.port]), service('raw', [raw.port])),
    'routes.yaml': routes,
  });
  // The one deliberate mistake: a backendRef to a Service that does not exist.
  expect(tg.errors()).toEqual([expect.objectContaining({ code: 'backend-not-found', path: 'spec.rules[0].backendRefs[1]' })]);
  await waitFor(async () => (await tcpExchange(tcpPort, 'up', { timeoutMs: 1000 })) === 'raw:up', 20_000, 'Envoy to serve the TCP listener');
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([siteA, siteB, db, raw].map((s) => s?.close()));
});

/** An HTTPS request through the passthrough listener: TLS ends at the backend, whose certificate the client sees. */
function viaPassthrough(servername: string): Promise<{ backend: string; peerCn: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: passPort, path: '/', servername, headers: { host: servername }, ca: ca.cert, agent: false }, (res) => {
      const cn = res.socket && 'getPeerCertificate' in res.socket ? (res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN : undefined;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ backend: JSON.parse(body).backend, peerCn: String(Array.isArray(cn) ? cn[0] : cn) }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('TLSRoute, Passthrough', () => {
  it('routes by SNI to the backend whose own certificate the client sees', async () => {
    await waitFor(async () => (await viaPassthrough('a.pass.test')).backend === 'a', 10_000, 'passthrough routing');
    expect(await viaPassthrough('a.pass.test')).toEqual({ backend: 'a', peerCn: 'a.pass.test' });
    expect(await viaPassthrough('b.pass.test')).toEqual({ backend: 'b', peerCn: 'b.pass.test' });
  });

  it('refuses a connection whose SNI no route takes', async () => {
    await expect(viaPassthrough('c.pass.test')).rejects.toThrow();
  });
});

describe('TLSRoute, Terminate', () => {
  it("terminates TLS with the listener's certificate and proxies the plaintext stream by SNI", async () => {
    const r = await waitFor(
      async () => {
        const x = await tlsExchange(termPort, 'hello', { servername: 'db.term.test', ca: ca.cert, timeoutMs: 2000 });
        return x.answer === 'db:hello' ? x : undefined;
      },
      10_000,
      'TLS termination',
    );
    expect(r.peerCn).toBe('*.term.test');
  });
});

describe('TCPRoute', () => {
  it('proxies raw TCP both ways', async () => {
    expect(await tcpExchange(tcpPort, 'ping')).toBe('raw:ping');
  });
});

describe('TCPRoute with an invalid backendRef', () => {
  it('refuses its share of connections (weights 1:1 → about half of 100) and proxies the rest', async () => {
    let answered = 0;
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      try {
        expect(await tcpExchange(halfPort, 'x', { timeoutMs: 3000 })).toBe('raw:x');
        answered++;
      } catch {
        refused++;
      }
    }
    expect(answered + refused).toBe(100);
    expect(refused).toBeGreaterThan(25);
    expect(refused).toBeLessThan(75);
  });
});

// HTTPS, TLS Passthrough and TLS Terminate listeners sharing one port end to end through real Envoy:
// SNI picks the listener, and each serves as it would on a port of its own.
import * as https from 'node:https';
import type * as tls from 'node:tls';
import { createTestCa, startEcho, type EchoServer, type TestCa } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, service, simpleRoute } from './support/fixtures';
import { freePort, waitFor } from './support/http';
import { tlsSecret } from './support/secrets';
import { startStandalone, type StandaloneHarness } from './support/standalone';
import { startTcpEcho, tlsExchange, type TcpEcho } from './support/tcp';

jest.setTimeout(60_000);

let ca: TestCa;
let web: EchoServer, site: EchoServer;
let db: TcpEcho;
let tg: StandaloneHarness;
let port: number;

const listeners = (p: number) => `    - name: shop
      protocol: HTTPS
      port: ${p}
      hostname: shop.test
      tls: { mode: Terminate, certificateRefs: [{ name: shop-cert }] }
    - name: pass
      protocol: TLS
      port: ${p}
      hostname: "*.pass.test"
      tls: { mode: Passthrough }
    - name: term
      protocol: TLS
      port: ${p}
      hostname: db.term.test
      tls: { mode: Terminate, certificateRefs: [{ name: db-cert }] }
`;

const routes = docs(
  simpleRoute('HTTPRoute', 'shop', 'shop', ['web']),
  simpleRoute('TLSRoute', 'site', 'pass', ['site'], ['a.pass.test']),
  simpleRoute('TLSRoute', 'db', 'term', ['db']),
);

beforeAll(async () => {
  ca = createTestCa();
  [web, site, db] = await Promise.all([
    startEcho({ name: 'web' }),
    startEcho({ name: 'site', protocol: 'tls', tls: ca.issue(['a.pass.test']) }),
    startTcpEcho('db'),
  ]);
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', listeners(port)), tlsSecret('shop-cert', ca.issue(['shop.test'])), tlsSecret('db-cert', ca.issue(['db.term.test']))),
    'services.yaml': docs(service('web', [web.port]), service('site', [site.port]), service('db', [db.port])),
    'routes.yaml': routes,
  });
  expect(tg.errors()).toEqual([]);
  await waitFor(async () => (await httpsGet('shop.test')).backend === 'web', 20_000, 'Envoy to serve the shared port');
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([web, site, db].map((s) => s?.close()));
});

/** One HTTPS request with `servername` as SNI and Host: who answered and the certificate the client saw. */
function httpsGet(servername: string): Promise<{ backend: string; peerCn: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/', servername, headers: { host: servername }, ca: ca.cert, agent: false }, (res) => {
      const cn = (res.socket as tls.TLSSocket).getPeerCertificate().subject?.CN;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        try {
          resolve({ backend: JSON.parse(body).backend, peerCn: String(Array.isArray(cn) ? cn[0] : cn) });
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

it('runs the three listeners on the port without conflicts, all programmed', async () => {
  type Listener = { name: string; conditions: Array<{ type: string; status: string }> };
  const res = await fetch(`http://127.0.0.1:${tg.plane.adminPort}/debug/status`);
  const report = (await res.json()) as { statuses: Array<{ kind: string; name: string; status: { listeners?: Listener[] } }> };
  const gw = report.statuses.find((s) => s.kind === 'Gateway' && s.name === 'gw');
  const state = (l: Listener, type: string) => l.conditions.find((c) => c.type === type)?.status;
  expect(gw?.status.listeners?.map((l) => [l.name, state(l, 'Programmed'), state(l, 'Conflicted')])).toEqual([
    ['shop', 'True', 'False'],
    ['pass', 'True', 'False'],
    ['term', 'True', 'False'],
  ]);
});

it('terminates HTTPS for the HTTPS listener\'s name', async () => {
  expect(await httpsGet('shop.test')).toEqual({ backend: 'web', peerCn: 'shop.test' });
});

it('passes TLS through for a TLSRoute name of the Passthrough listener: the backend\'s own certificate answers', async () => {
  expect(await httpsGet('a.pass.test')).toEqual({ backend: 'site', peerCn: 'a.pass.test' });
});

it('terminates TLS for the Terminate listener and proxies the plaintext stream', async () => {
  expect(await tlsExchange(port, 'hello', { servername: 'db.term.test', ca: ca.cert })).toEqual({ answer: 'db:hello', peerCn: 'db.term.test' });
});

it('refuses a name no listener takes', async () => {
  await expect(httpsGet('b.pass.test')).rejects.toThrow();
  await expect(httpsGet('other.test')).rejects.toThrow();
});

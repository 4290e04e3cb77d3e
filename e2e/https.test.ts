// HTTPS termination end to end: SNI picks the certificate (delivered by SDS), and a certificate rotation applies live.
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { createTestCa, startEcho, type EchoServer, type TestCa } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, service } from './support/fixtures';
import { tlsSecret } from './support/secrets';
import { freePort, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let ca: TestCa;
let echo: EchoServer;
let tg: StandaloneHarness;
let port: number;

const listeners = (p: number) => `    - name: shop
      protocol: HTTPS
      port: ${p}
      hostname: shop.test
      tls: { mode: Terminate, certificateRefs: [{ name: shop-cert }] }
    - name: blog
      protocol: HTTPS
      port: ${p}
      hostname: blog.test
      tls: { mode: Terminate, certificateRefs: [{ name: blog-cert }] }
`;

beforeAll(async () => {
  ca = createTestCa();
  echo = await startEcho({ name: 'echo' });
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', listeners(port))),
    'secrets.yaml': docs(tlsSecret('shop-cert', ca.issue(['shop.test'])), tlsSecret('blog-cert', ca.issue(['blog.test']))),
    'services.yaml': service('svc', [echo.port]),
    'routes.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: sites, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ backendRefs: [{ name: svc, port: 80 }] }]
`,
  });
  expect(tg.errors()).toEqual([]);
  await waitFor(() => peerName('shop.test').then((n) => n === 'shop.test'), 20_000, 'Envoy to serve TLS');
});

afterAll(async () => {
  await tg?.close();
  await echo?.close();
});

function peerName(servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca: ca.cert }, () => {
      const cn = socket.getPeerCertificate().subject.CN;
      socket.end();
      resolve(String(Array.isArray(cn) ? cn[0] : cn));
    });
    socket.on('error', reject);
  });
}

function get(host: string, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, servername: host, headers: { host }, ca: ca.cert, agent: false }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('serves each host its own certificate, chosen by SNI', async () => {
  expect(await peerName('shop.test')).toBe('shop.test');
  expect(await peerName('blog.test')).toBe('blog.test');
});

it('terminates TLS and forwards HTTP to the backend', async () => {
  const res = await get('blog.test', '/post/1');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ backend: 'echo', path: '/post/1', host: 'blog.test' });
  expect(res.body.headers['x-forwarded-proto']).toBe('https');
});

it('negotiates HTTP/2 by ALPN and serves requests over it', async () => {
  const session = http2.connect(`https://127.0.0.1:${port}`, { servername: 'shop.test', ca: ca.cert });
  const reply = await new Promise<{ protocol: string | undefined; body: any }>((resolve, reject) => {
    const req = session.request({ ':path': '/h2', ':authority': 'shop.test' });
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve({ protocol: session.alpnProtocol, body: JSON.parse(data) }));
    req.on('error', reject);
  });
  session.close();
  expect(reply.protocol).toBe('h2');
  expect(reply.body).toMatchObject({ backend: 'echo', path: '/h2', host: 'shop.test' });
});

it('rotates a certificate live when its Secret changes', async () => {
  const rotated = ca.issue(['shop.test', 'www.shop.test']);
  await tg.write('secrets.yaml', docs(tlsSecret('shop-cert', rotated), tlsSecret('blog-cert', ca.issue(['blog.test']))));
  await waitFor(
    () =>
      new Promise<boolean>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername: 'shop.test', ca: ca.cert }, () => {
          const cert = socket.getPeerCertificate();
          socket.end();
          resolve(String(cert.subjectaltname).includes('www.shop.test'));
        });
        socket.on('error', reject);
      }),
    10_000,
    'the rotated certificate',
  );
});

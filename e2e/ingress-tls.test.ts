// Ingress TLS end to end through real Envoy: SNI termination for two hosts, http→https redirect (not for a
// host whose Secret is missing), HTTPS upstreams with certificate verification, and a gRPC backend (backend-protocol GRPC).
import * as https from 'node:https';
import * as tls from 'node:tls';
import { createTestCa, grpcEcho, startEcho, startGrpcEcho, type EchoServer, type GrpcEchoServer, type TestCa } from '@tidegate/testkit';
import { docs, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { ingress, ingressCondition, nginx } from './support/ingress';
import { caSecret, tlsSecret } from './support/secrets';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let ca: TestCa;
let web: EchoServer;
let secure: EchoServer;
let grpc: GrpcEchoServer;
let tg: StandaloneHarness;
let httpPort: number;
let httpsPort: number;

const upstreamTls = (name: string, host: string, sslName: string): string =>
  ingress({
    name,
    host,
    paths: [['/', 'Prefix', 'secure', 443]],
    annotations: {
      [nginx('backend-protocol')]: 'HTTPS',
      [nginx('proxy-ssl-secret')]: 'default/upstream-ca',
      [nginx('proxy-ssl-verify')]: 'on',
      [nginx('proxy-ssl-name')]: sslName,
      [nginx('proxy-ssl-server-name')]: 'on',
    },
  });

beforeAll(async () => {
  ca = createTestCa();
  web = await startEcho({ name: 'web' });
  secure = await startEcho({ name: 'secure', protocol: 'tls', tls: ca.issue(['echo.internal']) });
  grpc = await startGrpcEcho('grpc-backend');
  httpPort = await freePort();
  httpsPort = await freePort();
  tg = await startStandalone(
    {
      'services.yaml': docs(service('web', [web.port]), service('secure', [secure.port], { servicePort: 443 }), service('grpc', [grpc.port], { servicePort: 50051 })),
      'secrets.yaml': docs(tlsSecret('shop-cert', ca.issue(['shop.test'])), tlsSecret('blog-cert', ca.issue(['blog.test'])), caSecret('upstream-ca', ca.cert), tlsSecret('mtls-cert', ca.issue(['mtls.test']))),
      'ingresses.yaml': docs(
        ingress({ name: 'shop', host: 'shop.test', tls: { hosts: ['shop.test'], secretName: 'shop-cert' } }),
        ingress({ name: 'blog', host: 'blog.test', tls: { hosts: ['blog.test'], secretName: 'blog-cert' }, annotations: { [nginx('ssl-redirect')]: 'false' } }),
        upstreamTls('secure', 'secure.test', 'echo.internal'),
        upstreamTls('wrong-name', 'wrong-name.test', 'other.internal'),
        ingress({ name: 'mtls', host: 'mtls.test', tls: { hosts: ['mtls.test'], secretName: 'mtls-cert' }, annotations: { [nginx('auth-tls-secret')]: 'default/upstream-ca' } }),
        ingress({ name: 'grpc', paths: [['/tidegate.testing.v1.Echo', 'Prefix', 'grpc', 50051]], annotations: { [nginx('backend-protocol')]: 'GRPC' } }),
        ingress({ name: 'no-cert', host: 'no-cert.test', tls: { hosts: ['no-cert.test'], secretName: 'no-cert-tls' } }),
      ),
    },
    { ingress: { ingressClass: 'tidegate', httpPort, httpsPort } },
  );
  await waitFor(() => peerName('shop.test').then((n) => n === 'shop.test'), 30_000, 'Envoy to serve TLS');
});

afterAll(async () => {
  await tg?.close();
  await web?.close();
  await secure?.close();
  await grpc?.close();
});

function peerName(servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: httpsPort, servername, ca: ca.cert }, () => {
      const cn = socket.getPeerCertificate().subject.CN;
      socket.end();
      resolve(String(Array.isArray(cn) ? cn[0] : cn));
    });
    socket.on('error', reject);
  });
}

function getHttps(host: string, path: string, client?: { cert: string; key: string }): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: httpsPort, path, servername: host, headers: { host }, ca: ca.cert, agent: false, ...(client ?? {}) }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data.startsWith('{') ? JSON.parse(data) : data }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('translates without errors but the missing Secret', () => {
  expect(tg.errors()).toEqual([
    expect.objectContaining({ object: expect.objectContaining({ name: 'no-cert' }), path: 'spec.tls[0].secretName', code: 'invalid-secret', message: 'Secret default/no-cert-tls not found (no-cert.test: no certificate, so no redirect to https)' }),
  ]);
});

it('terminates TLS with the certificate of each host, chosen by SNI', async () => {
  expect(await peerName('shop.test')).toBe('shop.test');
  expect(await peerName('blog.test')).toBe('blog.test');
  const shop = await getHttps('shop.test', '/cart');
  expect(shop.status).toBe(200);
  expect(shop.body).toMatchObject({ backend: 'web', path: '/cart', host: 'shop.test' });
  expect((await getHttps('blog.test', '/post')).status).toBe(200);
});

it('redirects http to https (308) for TLS hosts, unless ssl-redirect is "false"', async () => {
  const r = await httpRequest(httpPort, '/cart?x=1', { host: 'shop.test' });
  expect(r.status).toBe(308);
  expect(r.headers.location).toBe(`https://shop.test:${httpsPort}/cart?x=1`);
  const blog = await httpRequest(httpPort, '/post', { host: 'blog.test' });
  expect(blog.status).toBe(200);
});

it('does not redirect a TLS host whose Secret is missing: it is served on http, and its status names the Secret', async () => {
  const r = await httpRequest(httpPort, '/cart', { host: 'no-cert.test' });
  expect(r.status).toBe(200);
  expect(r.json).toMatchObject({ backend: 'web', path: '/cart' });
  expect(ingressCondition(tg, 'no-cert', 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'InvalidCertificateRef', message: 'spec.tls[0].secretName: Secret default/no-cert-tls not found' });
});

it('talks HTTPS to the backend and verifies its certificate (proxy-ssl-verify + proxy-ssl-name)', async () => {
  const ok = await httpRequest(httpPort, '/s', { host: 'secure.test' });
  expect(ok.status).toBe(200);
  expect(ok.json).toMatchObject({ backend: 'secure', path: '/s' });
  // The backend's certificate does not carry other.internal: verification fails, Envoy answers 503.
  expect((await httpRequest(httpPort, '/s', { host: 'wrong-name.test' })).status).toBe(503);
});

it('requires a client certificate signed by the auth-tls-secret CA on that host only', async () => {
  const client = ca.issue(['client.test']);
  const withCert = await getHttps('mtls.test', '/m', client);
  expect(withCert.status).toBe(200);
  await expect(getHttps('mtls.test', '/m')).rejects.toThrow();
  expect((await getHttps('shop.test', '/m')).status).toBe(200);
});

it('forwards gRPC to a backend-protocol: GRPC Service', async () => {
  const reply = await grpcEcho(`127.0.0.1:${httpPort}`, 'hello', { 'x-test': 'ingress' });
  expect(reply.backend).toBe('grpc-backend');
  expect(reply.message).toBe('hello');
});

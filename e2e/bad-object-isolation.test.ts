// One bad object never takes anything else down: what fails Tidegate's checks, is NACKed by Envoy or has a typo in its own fields is held back alone, through real Envoy.
import * as net from 'node:net';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, prefixRoute, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { ingress } from './support/ingress';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(120_000);

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface StatusReport {
  statuses: Array<{ kind: string; name: string; status: { conditions?: Condition[]; listeners?: Array<{ conditions: Condition[] }>; parents?: Array<{ conditions: Condition[] }> } }>;
  errors: Array<{ object: { kind: string; namespace?: string; name: string }; source?: { file?: string }; path: string; code: string; message: string }>;
}


/** An HTTPRoute on Gateway gw to Service svc matching paths by this regular expression. */
const regexRoute = (name: string, regex: string): string => prefixRoute(name, JSON.stringify(regex)).replace('type: PathPrefix', 'type: RegularExpression');

/** A port another process holds (a plain listening socket) until `close`. */
async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(['sotw', 'delta'] as const)('over %s', (protocol) => {
  let echo: EchoServer;
  let tg: StandaloneHarness;
  let gwPort: number;
  let ingressPort: number;
  const status = async (): Promise<StatusReport> => (await httpRequest(tg.plane.adminPort, '/debug/status')).json;
  const get = (port: number, path: string, host = 'localhost') => httpRequest(port, path, { host, timeoutMs: 2000 }).then((r) => r.status).catch(() => 0);
  const pidOf = (group: string) => tg.plane.envoys().find((e) => e.group === group)?.pid;
  const gatewayFile = (listeners: string) => docs(GATEWAY_CLASS, gateway('gw', listeners), service('svc', [echo.port]), service('web', [echo.port]));

  beforeAll(async () => {
    echo = await startEcho({ name: 'echo' });
    gwPort = await freePort();
    ingressPort = await freePort();
    tg = await startStandalone(
      {
        'gateway.yaml': gatewayFile(httpListener('http', gwPort)),
        'good.yaml': prefixRoute('good', '/good'),
        'shop.yaml': ingress({ name: 'shop', host: 'shop.example' }),
      },
      { protocol, ingress: { ingressClass: 'tidegate', httpPort: ingressPort, httpsPort: await freePort() } },
    );
    await waitFor(async () => (await get(gwPort, '/good')) === 200 && (await get(ingressPort, '/', 'shop.example')) === 200, 30_000, 'both Envoys to serve');
  });

  afterAll(async () => {
    await tg?.close();
    await echo?.close();
  });

  it('leaves out an Ingress that fails the IR checks, naming it; the Ingress Envoy keeps serving every other host', async () => {
    const before = pidOf('tidegate/ingress');
    // ImplementationSpecific lets a path without a leading "/" through the schema; the IR check refuses it.
    await tg.write('broken.yaml', ingress({ name: 'broken', host: 'broken.example', paths: [['no-slash', 'ImplementationSpecific', 'web', 80]] }));
    const err = await waitFor(async () => (await status()).errors.find((e) => e.object.name === 'broken'), 10_000, 'the error naming the Ingress');
    expect(err).toMatchObject({ object: { kind: 'Ingress', namespace: 'default', name: 'broken' }, source: { file: 'broken.yaml' }, path: 'spec.rules[0].http.paths[0]', code: 'config-check-failed' });
    expect(err.message).toMatch(/path must start with "\/"/);
    await tg.write('shop2.yaml', ingress({ name: 'shop2', host: 'shop2.example' }));
    await waitFor(async () => (await get(ingressPort, '/', 'shop2.example')) === 200, 10_000, 'a later Ingress to be served');
    expect(await get(ingressPort, '/', 'shop.example')).toBe(200);
    expect(pidOf('tidegate/ingress')).toBe(before); // the group's Envoy was never stopped
    await tg.write('broken.yaml', ingress({ name: 'broken', host: 'broken.example', paths: [['/fixed', 'ImplementationSpecific', 'web', 80]] }));
    await waitFor(async () => (await get(ingressPort, '/fixed', 'broken.example')) === 200, 10_000, 'the fixed Ingress to be served');
    expect((await status()).errors.filter((e) => e.object.name === 'broken')).toEqual([]);
  });

  it('holds back a Gateway whose change Envoy rejects: its status names Envoy\'s message, routes keep changing, a restarted Envoy gets accepted config', async () => {
    const taken = await holdPort();
    try {
      // Moved to a port another process holds: Envoy cannot bind it and NACKs the listeners.
      await tg.write('gateway.yaml', gatewayFile(httpListener('http', taken.port)));
      const err = await waitFor(async () => (await status()).errors.find((e) => e.code === 'envoy-rejected'), 15_000, 'the NACK on the Gateway');
      expect(err).toMatchObject({ object: { kind: 'Gateway', namespace: 'default', name: 'gw' }, source: { file: 'gateway.yaml' } });
      expect(err.message).toMatch(/Envoy rejected this change \(proxy .*, LDS\): .*Address already in use.*its last accepted version keeps serving/s);
      const programmed = (await status()).statuses.find((x) => x.kind === 'Gateway' && x.name === 'gw')?.status.conditions?.find((c) => c.type === 'Programmed');
      expect(programmed).toMatchObject({ status: 'False', reason: 'Rejected', message: expect.stringMatching(/Address already in use/) });
      expect((await status()).errors.filter((e) => e.object.kind === 'ProxyGroup')).toEqual([]);
      // Held at its accepted version, the Gateway serves on its old port, and route changes reach Envoy.
      await waitFor(async () => (await get(gwPort, '/good')) === 200, 10_000, 'the accepted listener back');
      await tg.write('good.yaml', prefixRoute('good', '/good-v2'));
      await waitFor(async () => (await get(gwPort, '/good-v2')) === 200, 10_000, 'a route change while the Gateway is held');

      // A fresh Envoy (the supervisor restarts a killed one) is served the accepted configuration, not nothing.
      const pid = pidOf('default/gw') as number;
      process.kill(pid, 'SIGKILL');
      await waitFor(() => pidOf('default/gw') !== undefined && pidOf('default/gw') !== pid, 20_000, 'the Envoy to be restarted');
      await waitFor(async () => (await get(gwPort, '/good-v2')) === 200, 20_000, 'the restarted Envoy to serve the accepted listener and routes');
      expect((await status()).errors.filter((e) => e.code === 'envoy-rejected')).toHaveLength(1);
    } finally {
      await taken.close();
    }
    // Fixed (another free port): served there, and the rejection clears.
    gwPort = await freePort();
    await tg.write('gateway.yaml', gatewayFile(httpListener('http', gwPort)));
    await waitFor(async () => (await get(gwPort, '/good-v2')) === 200, 10_000, 'the fixed Gateway to be served');
    await waitFor(async () => !(await status()).errors.some((e) => e.code === 'envoy-rejected'), 5000, 'the rejection to clear');
    const fixed = (await status()).statuses.find((x) => x.kind === 'Gateway' && x.name === 'gw')?.status.conditions?.find((c) => c.type === 'Programmed');
    expect(fixed).toMatchObject({ status: 'True' });
  });

  it('finds the culprit among objects that changed together, and re-admits the innocent one', async () => {
    const taken = await holdPort();
    try {
      // One write, one translation: a new route and a listener Envoy cannot bind are both suspects of the NACK.
      await tg.write('gateway.yaml', docs(gatewayFile(httpListener('http', gwPort) + httpListener('busy', taken.port)), prefixRoute('innocent', '/innocent')));
      const err = await waitFor(
        async () => (await status()).errors.find((e) => e.code === 'envoy-rejected' && !/finding which|re-admitted/.test(e.message)),
        30_000,
        'the culprit to be found',
      );
      expect(err.object).toMatchObject({ kind: 'Gateway', name: 'gw' });
      await waitFor(async () => (await get(gwPort, '/innocent')) === 200, 10_000, 'the innocent route to be re-admitted');
      expect((await status()).errors.filter((e) => e.object.name === 'innocent')).toEqual([]);
      expect(await get(gwPort, '/good-v2')).toBe(200);
    } finally {
      await taken.close();
    }
  });

  it('keeps a Gateway edited to protocol HTTPX serving its old listener with the same Envoy; error and status name the field; the fix applies', async () => {
    // Whatever the earlier tests left: one HTTP listener (the comment makes it a change, so a publish follows).
    await tg.write('gateway.yaml', `# one listener\n${gatewayFile(httpListener('http', gwPort))}`);
    await tg.write('typo.yaml', prefixRoute('typo', '/typo'));
    await waitFor(async () => (await get(gwPort, '/typo')) === 200, 10_000, 'the route to be served');
    const envoy = pidOf('default/gw');
    await tg.write('gateway.yaml', gatewayFile(httpListener('http', gwPort).replace('protocol: HTTP', 'protocol: HTTPX')));
    const err = await waitFor(async () => (await status()).errors.find((e) => e.code === 'unsupported-protocol'), 10_000, 'the protocol error');
    // The Gateway's Envoy keeps running and serving its routes on the old listener.
    await new Promise((r) => setTimeout(r, 1500));
    expect(pidOf('default/gw')).toBe(envoy);
    expect(await get(gwPort, '/typo')).toBe(200);
    expect(err).toMatchObject({ object: { kind: 'Gateway', namespace: 'default', name: 'gw' }, source: { file: 'gateway.yaml' }, path: 'spec.listeners[0].protocol' });
    expect(err.message).toMatch(/protocol HTTPX is not supported.*\(serving the last valid version of Gateway default\/gw until it is changed\)$/);
    // Status describes the new version (as the spec demands) and says which version serves.
    const gw = (await status()).statuses.find((x) => x.kind === 'Gateway' && x.name === 'gw')?.status;
    expect(gw?.listeners?.[0]?.conditions.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'False', reason: 'UnsupportedProtocol' });
    expect(gw?.conditions?.find((c) => c.type === 'Accepted')?.message).toMatch(/serving the last valid version of Gateway default\/gw/);
    // Route changes still flow while the Gateway is held.
    await tg.write('typo.yaml', prefixRoute('typo', '/typo-v2'));
    await waitFor(async () => (await get(gwPort, '/typo-v2')) === 200, 10_000, 'a route change while the Gateway is held');
    // Fixed (on another port, so it shows): applied, and the error clears.
    gwPort = await freePort();
    await tg.write('gateway.yaml', gatewayFile(httpListener('http', gwPort)));
    await waitFor(async () => (await get(gwPort, '/typo-v2')) === 200, 10_000, 'the fixed Gateway to be served');
    expect((await status()).errors.filter((e) => e.object.kind === 'Gateway')).toEqual([]);
    expect(pidOf('default/gw')).toBe(envoy);
  });

  it('keeps serving the previous rules of a route edited with a bad value; the fix applies', async () => {
    await tg.write('rx.yaml', regexRoute('rx', '/rx-v1'));
    await waitFor(async () => (await get(gwPort, '/rx-v1')) === 200, 10_000, 'the route to be served');
    // An unclosed group passes the schema (any string is allowed) but no engine can use it.
    await tg.write('rx.yaml', regexRoute('rx', '/rx-(v2'));
    const err = await waitFor(async () => (await status()).errors.find((e) => e.object.name === 'rx'), 10_000, 'the rule error');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await get(gwPort, '/rx-v1')).toBe(200);
    expect(err).toMatchObject({ object: { kind: 'HTTPRoute', namespace: 'default', name: 'rx' }, source: { file: 'rx.yaml' }, path: 'spec.rules[0].matches[0].path.value', code: 'invalid-rule' });
    expect(err.message).toMatch(/serving the last valid version of HTTPRoute default\/rx until it is changed\)$/);
    const accepted = (await status()).statuses.find((x) => x.kind === 'HTTPRoute' && x.name === 'rx')?.status.parents?.[0]?.conditions.find((c) => c.type === 'Accepted');
    expect(accepted).toMatchObject({ status: 'False', message: expect.stringMatching(/^no rule can be served: .*serving the last valid version/) });
    await tg.write('rx.yaml', regexRoute('rx', '/rx-v3'));
    await waitFor(async () => (await get(gwPort, '/rx-v3')) === 200, 10_000, 'the fixed route to be served');
    expect(await get(gwPort, '/rx-v1')).toBe(404);
    expect((await status()).errors.filter((e) => e.object.name === 'rx')).toEqual([]);
  });
});

// Runs a real Envoy on translated resources (as a static bootstrap), for behaviour tests.
import * as net from 'node:net';
import { EnvoyProcess, locateEnvoy } from '@tidegate/envoy-runner';
import type { ProxyGroup } from '@tidegate/ir';
import { validateProxyGroup } from '@tidegate/ir';
import { buildResourceSet, translateProxyGroup } from '../index';
import type { EnvoyTranslateOptions } from '../translate';
import { staticBootstrap } from './static-bootstrap';

/**
 * Validates and translates `group`, checks the result with `buildResourceSet` (what the
 * control plane would publish), then starts Envoy on it with an ephemeral admin port and
 * waits until it is LIVE. Callers must `stop()` it.
 */
export async function startStaticEnvoy(group: ProxyGroup, options: EnvoyTranslateOptions = {}): Promise<EnvoyProcess> {
  const valid = validateProxyGroup(group);
  if (!valid.ok) throw new Error(`invalid IR: ${JSON.stringify(valid.issues)}`);
  const resources = translateProxyGroup(group, options);
  const set = buildResourceSet(resources);
  if (!set.ok) throw new Error(`resources refused: ${JSON.stringify(set.issues)}`);
  const { path: binary } = await locateEnvoy({ install: false });
  const envoy = new EnvoyProcess({
    binary,
    bootstrap: staticBootstrap(resources) as Record<string, unknown>,
    adminPort: 0,
    concurrency: 1,
    drainTimeSeconds: 0,
    logLevel: 'error',
    restart: false,
    startTimeoutMs: 20_000,
  });
  await envoy.start();
  return envoy;
}

/** A loopback port nobody listens on right now (bind to 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

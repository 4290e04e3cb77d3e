// Turns a bootstrap (object or file) into the file Envoy is started with, applying the supervisor's overrides.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { EnvoyRunnerError } from './errors';
import type { EnvoyBootstrap } from './bootstrap';

/**
 * Returns the path to pass to `envoy -c`. An object is written as YAML into `dir`; a file is
 * used as is unless `adminPort` must be changed, in which case a copy is written. A bootstrap
 * without an admin section gets one on 127.0.0.1, because the supervisor needs it.
 */
export function materializeBootstrap(bootstrap: EnvoyBootstrap | string, dir: string, adminPort?: number): string {
  let object: EnvoyBootstrap;
  if (typeof bootstrap === 'string') {
    let text: string;
    try {
      text = fs.readFileSync(bootstrap, 'utf8');
    } catch (err) {
      throw new EnvoyRunnerError('bad-bootstrap', `cannot read bootstrap ${bootstrap}: ${(err as Error).message}`, { cause: err });
    }
    if (!/\.(ya?ml|json)$/.test(bootstrap)) {
      if (adminPort !== undefined) {
        throw new EnvoyRunnerError('bad-bootstrap', `cannot override the admin port of ${bootstrap}: only YAML and JSON bootstraps can be edited`);
      }
      return path.resolve(bootstrap);
    }
    try {
      object = parseYaml(text) as EnvoyBootstrap;
    } catch (err) {
      throw new EnvoyRunnerError('bad-bootstrap', `cannot parse bootstrap ${bootstrap}: ${(err as Error).message}`, { cause: err });
    }
    if (adminPort === undefined && hasAdminAddress(object)) return path.resolve(bootstrap);
  } else {
    object = bootstrap;
  }
  const file = path.join(dir, 'bootstrap.yaml');
  fs.writeFileSync(file, stringifyYaml(withAdminPort(object, adminPort)));
  return file;
}

function hasAdminAddress(b: EnvoyBootstrap): boolean {
  const admin = b.admin as { address?: unknown } | undefined;
  return admin?.address !== undefined;
}

/** A copy with the admin port set (and an admin section added when missing); the input is not changed. */
function withAdminPort(b: EnvoyBootstrap, port: number | undefined): EnvoyBootstrap {
  if (port === undefined && hasAdminAddress(b)) return b;
  const admin = (b.admin ?? {}) as Record<string, unknown>;
  const address = (admin.address ?? {}) as { socket_address?: Record<string, unknown> };
  const socket = address.socket_address ?? { address: '127.0.0.1' };
  return {
    ...b,
    admin: { ...admin, address: { ...address, socket_address: { ...socket, port_value: port ?? socket.port_value ?? 0 } } },
  };
}

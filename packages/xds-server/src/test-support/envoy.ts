// Runs a real Envoy against a local xDS server for tests, and always stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

const CACHED_ENVOY = path.join(
  os.homedir(),
  '.cache/tidegate/envoy-1.40.0/lib/python3.11/site-packages/envoy/_bin/envoy',
);

/** ENVOY_BIN first, then the project's cache; undefined when neither exists. */
export function findEnvoy(): string | undefined {
  for (const candidate of [process.env.ENVOY_BIN, CACHED_ENVOY]) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface RunningEnvoy {
  /** `host:port` of the admin interface. */
  admin: string;
  /** Last part of Envoy's log, for failure messages. */
  log(): string;
  /** GET on the admin interface. */
  adminGet(urlPath: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts Envoy with an ADS bootstrap pointing at 127.0.0.1:`xdsPort`; admin on an ephemeral port. */
export async function startEnvoy(opts: {
  bin: string;
  xdsPort: number;
  nodeId: string;
  group: string;
  apiType: 'GRPC' | 'DELTA_GRPC';
}): Promise<RunningEnvoy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-xds-envoy-'));
  const bootstrap = {
    node: { id: opts.nodeId, cluster: opts.group },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } },
    dynamic_resources: {
      ads_config: {
        api_type: opts.apiType,
        transport_api_version: 'V3',
        set_node_on_first_message_only: true,
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds' } }],
      },
      cds_config: { ads: {}, resource_api_version: 'V3' },
      lds_config: { ads: {}, resource_api_version: 'V3' },
    },
    static_resources: {
      clusters: [
        {
          name: 'xds',
          type: 'STATIC',
          connect_timeout: '1s',
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
          load_assignment: {
            cluster_name: 'xds',
            endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: opts.xdsPort } } } }] }],
          },
        },
      ],
    },
  };
  const config = path.join(dir, 'bootstrap.json');
  const addressFile = path.join(dir, 'admin-address');
  fs.writeFileSync(config, JSON.stringify(bootstrap));
  const child: ChildProcess = spawn(
    opts.bin,
    ['-c', config, '--admin-address-path', addressFile, '--disable-hot-restart', '--concurrency', '1', '-l', 'warning'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  let admin = '';
  while (!admin) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`envoy exited with ${child.exitCode}:\n${log}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`envoy did not write its admin address:\n${log}`);
    }
    try {
      admin = fs.readFileSync(addressFile, 'utf8').trim();
    } catch {
      /* not yet */
    }
    if (!admin) await new Promise((r) => setTimeout(r, 50));
  }

  const adminGet = (urlPath: string): Promise<string> =>
    new Promise((resolve, reject) => {
      http
        .get(`http://${admin}${urlPath}`, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });

  return { admin, log: () => log, adminGet, stop };
}

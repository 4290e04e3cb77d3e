// Real Envoy's verdict (`envoy --mode validate`) on many small route configurations, fast enough for a corpus of hundreds.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeResource, socketAddress, typed, typeUrlOf } from '@tidegate/envoy-api';
import { buildBootstrap } from '@tidegate/envoy-runner';

type Obj = Record<string, unknown>;

/** One case: a virtual host's routes (and any other virtual-host fields), in Envoy's field names. */
export interface VerdictCase {
  routes: Obj[];
  /** Default: one domain of its own, so cases batch into one route configuration. */
  domains?: string[];
}

/** Envoy's verdict on one case: accepted, or its complaint. */
export type Verdict = { accepted: true } | { accepted: false; log: string };

/**
 * Envoy's verdict on each case. `expected` is what the caller predicts (the checker's verdict):
 * cases predicted accepted are validated together in one configuration (split in halves until
 * each failure is found, should Envoy refuse), cases predicted refused one each, `concurrency`
 * Envoys at a time. The configuration is binary protobuf, encoded as the xDS server encodes
 * resources, under the runtime layer of Tidegate's real bootstrap.
 */
export async function envoyVerdicts(binary: string, cases: VerdictCase[], expected: boolean[], concurrency = 4): Promise<Verdict[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-verdicts-'));
  const verdicts: Verdict[] = new Array(cases.length);
  let files = 0;
  const validate = async (indexes: number[]): Promise<Verdict> => {
    const file = path.join(dir, `c${files++}.pb`);
    fs.writeFileSync(file, bootstrapBytes(indexes.map((i) => ({ index: i, c: cases[i] as VerdictCase }))));
    const r = await run(binary, ['--mode', 'validate', '-c', file, '--disable-hot-restart', '-l', 'error', '--log-format', '%v']);
    fs.rmSync(file, { force: true });
    return r.code === 0 ? { accepted: true } : { accepted: false, log: r.output };
  };
  const bisect = async (indexes: number[]): Promise<void> => {
    const v = await validate(indexes);
    if (v.accepted || indexes.length === 1) {
      for (const i of indexes) verdicts[i] = v;
      return;
    }
    const half = Math.ceil(indexes.length / 2);
    await bisect(indexes.slice(0, half));
    await bisect(indexes.slice(half));
  };
  try {
    const accepted = cases.map((_, i) => i).filter((i) => expected[i]);
    const refused = cases.map((_, i) => i).filter((i) => !expected[i]);
    const jobs: Array<() => Promise<void>> = [
      () => (accepted.length ? bisect(accepted) : Promise.resolve()),
      ...refused.map((i) => async () => {
        verdicts[i] = await validate([i]);
      }),
    ];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return verdicts;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a command to its end; only a non-zero exit code counts as Envoy's refusal. */
function run(binary: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: unknown; signal?: unknown }) | null;
      if (e && typeof e.code !== 'number') reject(new Error(`envoy --mode validate did not run: ${e.message}`));
      else resolve({ code: e ? (e.code as number) : 0, output: `${stdout}\n${stderr}`.trim() });
    });
  });
}

/** A static bootstrap holding the cases as virtual hosts of one listener, encoded with protobufjs. */
function bootstrapBytes(cases: Array<{ index: number; c: VerdictCase }>): Uint8Array {
  const hcm = typed('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', {
    stat_prefix: 'corpus',
    route_config: {
      name: 'corpus',
      // Rewrite cases name a cluster that does not exist; RDS does not check clusters either.
      validate_clusters: { value: false },
      virtual_hosts: cases.map(({ index, c }) => ({ name: `case-${index}`, domains: c.domains ?? [`case-${index}.test`], routes: c.routes })),
    },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: typed('envoy.extensions.filters.http.router.v3.Router', {}) }],
  });
  const bootstrap = {
    static_resources: {
      listeners: [
        {
          name: 'corpus',
          address: socketAddress('127.0.0.1', 10_000),
          filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
        },
      ],
    },
    layered_runtime: realRuntime(),
  };
  const encoded = encodeResource(typeUrlOf('envoy.config.bootstrap.v3.Bootstrap'), 'corpus', bootstrap);
  if (!encoded.ok) throw new Error(`cannot encode the corpus bootstrap: ${JSON.stringify(encoded.issues.slice(0, 3))}`);
  return encoded.value.value;
}

/** The runtime layers of the bootstrap Tidegate really generates, static layers as protobuf Structs. */
function realRuntime(): Obj {
  const real = buildBootstrap({ nodeId: 'corpus', cluster: 'corpus', xds: { host: '127.0.0.1', port: 1 }, protocol: 'delta', adminPort: 0 });
  const layers = (real.layered_runtime as { layers: Obj[] }).layers;
  return {
    layers: layers.map((l) =>
      l.static_layer
        ? { ...l, static_layer: { fields: Object.fromEntries(Object.entries(l.static_layer as Obj).map(([k, v]) => [k, { numberValue: v as number }])) } }
        : l,
    ),
  };
}

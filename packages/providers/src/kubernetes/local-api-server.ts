// A throwaway etcd + kube-apiserver on loopback (built by scripts/install-kube.sh), with CRDs and tokens: for tests and benchmarks.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { clientNode, type KubeConfig } from './client-node';
import { KubeClient, errorStatus } from './kube-client';

// src/kubernetes and dist/kubernetes are both four levels below the repository.
const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Where scripts/install-kube.sh put the binaries and CRDs (fails when they are not installed). */
export interface KubeComponents {
  apiserver: string;
  etcd: string;
  /** Folder with `standard/` and `experimental/` Gateway API CRD files. */
  gatewayApiCrds: string;
  kubeVersion: string;
  /** Where helm is (or would be) installed: `scripts/install-kube.sh helm`. */
  helm: string;
}

let components: KubeComponents | undefined;

/** Finds the installed components; a missing one fails the test (never a skip). */
export function kubeComponents(): KubeComponents {
  if (components) return components;
  let out: string;
  try {
    out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/install-kube.sh'), 'check'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`Kubernetes test components are missing: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
  const env = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  components = {
    apiserver: process.env.KUBE_APISERVER_BIN ?? env.KUBE_APISERVER!,
    etcd: process.env.ETCD_BIN ?? env.ETCD!,
    gatewayApiCrds: env.GATEWAY_API_CRDS!,
    kubeVersion: env.KUBE_VERSION!,
    helm: process.env.HELM_BIN ?? env.HELM!,
  };
  return components;
}

/** A running API server for one test file. */
export interface KubeApiServer {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** kubeconfig file for the admin user (system:masters). */
  kubeconfigPath: string;
  /** A user with no permissions until a test binds some (`restrictedUser`). */
  restrictedKubeconfigPath: string;
  restrictedUser: string;
  /** A loaded KubeConfig for the admin (or, with `restricted`, the restricted user). */
  kubeConfig(restricted?: boolean): KubeConfig;
  /** A KubeConfig that authenticates with `token` (e.g. a ServiceAccount's, from the TokenRequest API). */
  kubeConfigForToken(token: string): KubeConfig;
  /** Admin client. */
  client: KubeClient;
  /** Creates or replaces objects by server-side apply (admin). */
  apply(...objects: Array<Record<string, unknown>>): Promise<void>;
  /** Server-side apply with `dryRun=All`: validated and admitted, not stored. */
  dryRunApply(...objects: Array<Record<string, unknown>>): Promise<void>;
  /** Deletes an object; missing is fine. */
  remove(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<void>;
  /** Reads an object, or undefined when it does not exist. */
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<Record<string, unknown> | undefined>;
  /** Installs every CustomResourceDefinition in the YAML files and waits until they are established. */
  installCrds(files: string[]): Promise<void>;
  /** Stops kube-apiserver (etcd keeps the data) and starts it again on the same port. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Gateway API CRDs to install: the experimental channel (a superset, with TCPRoute/TLSRoute) by default. */
  gatewayApi?: 'experimental' | 'standard' | false;
  /** Tidegate's own CRDs from deploy/crds (default true). */
  tidegateCrds?: boolean;
}

/** Plural resource names of the kinds tests touch; anything else must be given as `<kind>` → `<kind lower>s`. */
const PLURALS: Record<string, string> = {
  Ingress: 'ingresses',
  IngressClass: 'ingressclasses',
  GatewayClass: 'gatewayclasses',
  BackendTLSPolicy: 'backendtlspolicies',
  ClientTrafficPolicy: 'clienttrafficpolicies',
  SecurityPolicy: 'securitypolicies',
  BackendPolicy: 'backendpolicies',
  EndpointSlice: 'endpointslices',
  Endpoints: 'endpoints',
};
const CLUSTER_SCOPED = new Set(['Namespace', 'IngressClass', 'GatewayClass', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding']);

/** URL of a kind's collection or object, from its apiVersion and kind. */
export function objectPath(apiVersion: string, kind: string, name?: string, namespace?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const plural = PLURALS[kind] ?? `${kind.toLowerCase()}s`;
  const ns = CLUSTER_SCOPED.has(kind) ? '' : `/namespaces/${namespace ?? 'default'}`;
  return `${base}${ns}/${plural}${name ? `/${name}` : ''}`;
}

/** Starts etcd and kube-apiserver on loopback ports in a temp folder; call stop() when done. */
export async function startKubeApiServer(options: StartOptions = {}): Promise<KubeApiServer> {
  const comps = kubeComponents();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-kube-'));
  const procs: { etcd?: ChildProcess; apiserver?: ChildProcess } = {};
  try {
    const [etcdPort, peerPort, apiPort] = await freePorts(3);
    procs.etcd = startEtcd(comps.etcd, dir, etcdPort!, peerPort!);
    const adminToken = randomBytes(16).toString('hex');
    const restrictedToken = randomBytes(16).toString('hex');
    const restrictedUser = 'tidegate-restricted';
    fs.writeFileSync(
      path.join(dir, 'tokens.csv'),
      `${adminToken},admin,admin,"system:masters"\n${restrictedToken},${restrictedUser},${restrictedUser}\n`,
    );
    execFileSync('openssl', ['genrsa', '-out', path.join(dir, 'sa.key'), '2048'], { stdio: 'ignore' });
    execFileSync('openssl', ['rsa', '-in', path.join(dir, 'sa.key'), '-pubout', '-out', path.join(dir, 'sa.pub')], { stdio: 'ignore' });
    const server = `https://127.0.0.1:${apiPort}`;
    const launch = (): ChildProcess => startApiServer(comps.apiserver, dir, apiPort!, etcdPort!);
    procs.apiserver = launch();
    const caFile = path.join(dir, 'certs', 'apiserver.crt');
    const kubeconfigPath = writeKubeconfig(dir, 'admin', server, caFile, adminToken);
    const restrictedKubeconfigPath = writeKubeconfig(dir, restrictedUser, server, caFile, restrictedToken);
    const kubeConfig = (restricted = false): KubeConfig => {
      const kc = new (clientNode().KubeConfig)();
      kc.loadFromFile(restricted ? restrictedKubeconfigPath : kubeconfigPath);
      return kc;
    };
    const waitReady = async (): Promise<void> => {
      await waitUntil(() => fs.existsSync(caFile), 60_000, 'kube-apiserver serving certificate', procs.apiserver, dir);
      const probe = new KubeClient(kubeConfig());
      await waitUntil(async () => (await probe.probe('/readyz')) === 200, 90_000, 'kube-apiserver /readyz', procs.apiserver, dir);
    };
    await waitReady();
    const client = new KubeClient(kubeConfig());

    const applyAll = async (objects: Array<Record<string, unknown>>, dryRun: boolean): Promise<void> => {
      for (const o of objects) {
        const meta = o.metadata as { name: string; namespace?: string };
        await client.request('PATCH', objectPath(o.apiVersion as string, o.kind as string, meta.name, meta.namespace), {
          body: o,
          contentType: 'application/apply-patch+yaml',
          query: { fieldManager: 'tidegate-test', force: true, ...(dryRun ? { dryRun: 'All' } : {}) },
        });
      }
    };
    const apply = (...objects: Array<Record<string, unknown>>): Promise<void> => applyAll(objects, false);
    const harness: KubeApiServer = {
      server,
      kubeconfigPath,
      restrictedKubeconfigPath,
      restrictedUser,
      kubeConfig,
      kubeConfigForToken(token) {
        const kc = new (clientNode().KubeConfig)();
        kc.loadFromOptions({
          clusters: [{ name: 'test', server, caFile }],
          users: [{ name: 'token', token }],
          contexts: [{ name: 'test', cluster: 'test', user: 'token' }],
          currentContext: 'test',
        });
        return kc;
      },
      client,
      apply,
      dryRunApply: (...objects) => applyAll(objects, true),
      async remove(o) {
        await client.request('DELETE', objectPath(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace)).catch((err: unknown) => {
          if (errorStatus(err) !== 404) throw err;
        });
      },
      async get(apiVersion, kind, name, namespace) {
        try {
          return await client.request('GET', objectPath(apiVersion, kind, name, namespace));
        } catch (err) {
          if (errorStatus(err) === 404) return undefined;
          throw err;
        }
      },
      async installCrds(files) {
        const crds = files.flatMap((f) =>
          parseAllDocuments(fs.readFileSync(f, 'utf8'))
            .map((d) => d.toJS() as Record<string, unknown> | null)
            .filter((d): d is Record<string, unknown> => d?.kind === 'CustomResourceDefinition'),
        );
        for (const crd of crds) await apply(crd);
        for (const crd of crds) {
          const name = (crd.metadata as { name: string }).name;
          await waitUntil(
            async () => {
              const got = await client.request<{ status?: { conditions?: Array<{ type: string; status: string }> } }>(
                'GET',
                `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
              );
              return !!got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
            },
            30_000,
            `CRD ${name} established`,
          );
        }
      },
      async restart({ downMs = 0 } = {}) {
        await stopProcess(procs.apiserver);
        if (downMs) await new Promise((r) => setTimeout(r, downMs));
        procs.apiserver = launch();
        await waitReady();
      },
      async stop() {
        await stopProcess(procs.apiserver);
        await stopProcess(procs.etcd);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    const crdFiles: string[] = [];
    if (options.gatewayApi !== false) {
      const channel = path.join(comps.gatewayApiCrds, options.gatewayApi ?? 'experimental');
      crdFiles.push(...fs.readdirSync(channel).filter((f) => f.startsWith('gateway.networking.k8s.io_')).map((f) => path.join(channel, f)));
    }
    if (options.tidegateCrds !== false) crdFiles.push(...tidegateCrdFiles());
    if (crdFiles.length) await harness.installCrds(crdFiles);
    return harness;
  } catch (err) {
    await stopProcess(procs.apiserver);
    await stopProcess(procs.etcd);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** deploy/crds/*.yaml: Tidegate's CRDs (and McpBridge). */
export function tidegateCrdFiles(): string[] {
  const dir = path.join(REPO_ROOT, 'deploy', 'crds');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

function startEtcd(bin: string, dir: string, port: number, peerPort: number): ChildProcess {
  const client = `http://127.0.0.1:${port}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return spawnLogged(bin, [
    '--name=default',
    `--data-dir=${path.join(dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    '--unsafe-no-fsync',
    '--log-level=warn',
  ], path.join(dir, 'etcd.log'));
}

function startApiServer(bin: string, dir: string, port: number, etcdPort: number): ChildProcess {
  return spawnLogged(bin, [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${path.join(dir, 'certs')}`,
    `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${path.join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--disable-admission-plugins=ServiceAccount',
    // No kubelets or controllers here: nothing to reconcile endpoints for, and less background work.
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    // Graceful shutdown otherwise waits for every open watch to end.
    '--shutdown-watch-termination-grace-period=2s',
    '--v=0',
  ], path.join(dir, 'apiserver.log'));
}

function spawnLogged(bin: string, args: string[], logFile: string): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return child;
}

function writeKubeconfig(dir: string, user: string, server: string, caFile: string, token: string): string {
  const file = path.join(dir, `${user}.kubeconfig`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user } }],
    'current-context': 'test',
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  child?: ChildProcess,
  dir?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 10_000; i++) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      const log = dir ? fs.readFileSync(path.join(dir, 'apiserver.log'), 'utf8').slice(-3000) : '';
      throw new Error(`process exited while waiting for ${what}:\n${log}`);
    }
    if (await Promise.resolve(check()).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Distinct free loopback ports (bound to 0, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

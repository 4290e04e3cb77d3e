// The test run's kubelet (and scheduler): binds Pods to one Node and runs each echo-basic container in a network namespace of its own.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { getLogger } from '@tidegate/common';
import type { KubeClient } from '@tidegate/providers';
import { createTestHost, type TestHost } from '@tidegate/testkit';
import { LogBuffer, startContainerLogServer, type ContainerLogServer } from './container-logs';
import { KubeWatch, key, sleep, type KubeObject } from './kube-watch';
import { containerEnv, volumeFiles, type DataSource, type PodObject, type VolumeFile } from './pod-spec';

const log = getLogger('pod-runner');

export interface PodRunnerOptions {
  client: KubeClient;
  /** The echo-basic binary: what every container whose image is echo-basic runs. */
  echoBasic: string;
  /** Name of the Node object this runner creates and binds Pods to. */
  nodeName: string;
  /** Per-Pod folders (volumes, logs). */
  workDir: string;
}

interface LocalPod {
  uid: string;
  key: string;
  host?: TestHost;
  child?: ChildProcess;
  dir: string;
  /** `namespace/pod/container` of the container's log. */
  logKey?: string;
  stopping?: Promise<void>;
}

/** echo-basic listens here unless HTTP_PORT says otherwise (HTTP, gRPC and TCP modes alike). */
const DEFAULT_PORT = 3000;
const READY_TIMEOUT_MS = 30_000;
const VOLUME_WAIT_MS = 120_000;

/**
 * Watches every Pod. A new one is bound to the Node, gets a test host (198.18.0.0/15, its Pod IP),
 * runs its container there with the Pod's environment, and is marked Running/Ready once it
 * accepts connections. A Pod being deleted is stopped and then removed (grace period 0), as a
 * kubelet confirms a deletion. Images other than echo-basic have no local equivalent: such a
 * Pod is marked Ready without running anything (the suite's CoreDNS, used by UDPRoute tests only).
 */
export class PodRunner {
  private readonly pods = new Map<string, LocalPod>();
  private readonly watch: KubeWatch;
  private readonly deleting = new Set<string>();
  private readonly logs = new Map<string, LogBuffer>();
  private logServer?: ContainerLogServer;

  constructor(private readonly options: PodRunnerOptions) {
    this.watch = new KubeWatch(options.client, '/api/v1/pods', (objects) => this.reconcile(objects));
  }

  async start(): Promise<void> {
    this.logServer = await startContainerLogServer((ns, pod, container) => this.logs.get(`${ns}/${pod}/${container}`));
    await this.ensureNode(this.logServer.port);
    await this.watch.start();
  }

  /** Pod IPs by `namespace/name`, for diagnostics. */
  addresses(): Record<string, string | undefined> {
    return Object.fromEntries([...this.pods.values()].map((p) => [p.key, p.host?.address]));
  }

  /** The Node, Ready, with this runner's log endpoint as its kubelet (loopback: the API server proxies `logs` there). */
  private async ensureNode(kubeletPort: number): Promise<void> {
    const { client, nodeName } = this.options;
    await client
      .request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName } } } })
      .catch((err: { status?: number }) => {
        if (err.status !== 409) throw err;
      });
    const now = new Date().toISOString();
    await client.request('PATCH', `/api/v1/nodes/${nodeName}/status`, {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'local pod runner', lastHeartbeatTime: now, lastTransitionTime: now }],
          addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
          daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
        },
      },
    });
  }

  private async reconcile(objects: ReadonlyMap<string, KubeObject>): Promise<void> {
    const seen = new Set<string>();
    for (const o of objects.values()) {
      const pod = o as unknown as PodObject & KubeObject;
      const uid = pod.metadata.uid!;
      seen.add(uid);
      if (pod.metadata.deletionTimestamp) {
        if (!this.deleting.has(uid)) {
          this.deleting.add(uid);
          void this.finalize(pod);
        }
        continue;
      }
      if (this.pods.has(uid)) continue;
      const local: LocalPod = { uid, key: key(o), dir: path.join(this.options.workDir, `${pod.metadata.namespace}-${pod.metadata.name}`) };
      this.pods.set(uid, local);
      // Not awaited: a Pod waiting for its volumes must not hold up the others (or deletions).
      void this.launch(pod, local).catch(async (err: unknown) => {
        log.error({ err, pod: local.key }, 'pod start failed; retrying');
        await this.stopLocal(local);
        setTimeout(() => this.watch.poke(), 2000);
      });
    }
    for (const [uid, local] of this.pods) if (!seen.has(uid)) void this.stopLocal(local);
    for (const uid of this.deleting) if (!seen.has(uid)) this.deleting.delete(uid);
  }

  private async launch(pod: PodObject, local: LocalPod): Promise<void> {
    const { client, nodeName } = this.options;
    const ns = pod.metadata.namespace ?? 'default';
    const base = `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`;
    if (!pod.spec.nodeName) {
      await client.request('POST', `${base}/binding`, {
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } },
      });
      pod.spec.nodeName = nodeName;
    }
    local.host = await createTestHost();
    // Deleted while the namespace was being made: stopLocal() ran before there was a host to close.
    if (local.stopping) return void (await local.host.close());
    const podIP = local.host.address;
    const container = pod.spec.containers[0]!;
    const volumesDir = path.join(local.dir, 'volumes');
    fs.mkdirSync(volumesDir, { recursive: true });
    const data = this.dataSource();
    const files = await this.volumesWhenPresent(pod, local, data);
    for (const f of files) {
      const file = path.join(volumesDir, f.volume, f.relPath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.content, { mode: 0o600 });
    }
    const env = await containerEnv(pod, podIP, volumesDir, data);
    if (/(^|\/)echo-basic(:|@|$)/.test(container.image)) {
      const logFile = fs.openSync(path.join(local.dir, 'container.log'), 'a');
      const buffer = new LogBuffer();
      local.logKey = `${ns}/${pod.metadata.name}/${container.name}`;
      this.logs.set(local.logKey, buffer);
      const child = local.host.run(this.options.echoBasic, container.args ?? [], env);
      const capture = (c: Buffer): void => {
        fs.writeSync(logFile, c);
        buffer.write(c);
      };
      child.stdout?.on('data', capture);
      child.stderr?.on('data', capture);
      child.once('exit', (code, signal) => {
        fs.closeSync(logFile);
        if (!local.stopping) {
          log.warn({ pod: local.key, code, signal }, 'container exited');
          void this.patchStatus(base, podIP, false).catch(() => undefined);
        }
      });
      local.child = child;
      const port = Number(env.HTTP_PORT ?? DEFAULT_PORT);
      if (!(await listening(podIP, port, READY_TIMEOUT_MS))) log.warn({ pod: local.key, podIP, port }, 'container not listening; marked Ready anyway');
    } else {
      log.warn({ pod: local.key, image: container.image }, 'no local equivalent for this image: marked Ready without running it');
    }
    if (local.stopping) return;
    await this.patchStatus(base, podIP, true);
    log.info({ pod: local.key, podIP }, 'pod running');
  }

  /** Waits (bounded) until every Secret and ConfigMap the Pod mounts exists, as a kubelet does. */
  private async volumesWhenPresent(pod: PodObject, local: LocalPod, data: DataSource): Promise<VolumeFile[]> {
    const deadline = Date.now() + VOLUME_WAIT_MS;
    for (let i = 0; ; i++) {
      const { files, missing } = await volumeFiles(pod, data);
      if (!missing.length || local.stopping) return files;
      if (Date.now() > deadline) {
        log.warn({ pod: local.key, missing }, 'volume sources still missing; starting without them');
        return files;
      }
      if (i === 0) log.info({ pod: local.key, missing }, 'waiting for volume sources');
      await sleep(500);
    }
  }

  private async patchStatus(base: string, podIP: string, ready: boolean): Promise<void> {
    const now = new Date().toISOString();
    const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastTransitionTime: now });
    const pod = await this.options.client.request<PodObject>('GET', base);
    await this.options.client.request('PATCH', `${base}/status`, {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          phase: 'Running',
          podIP,
          podIPs: [{ ip: podIP }],
          startTime: now,
          conditions: [cond('PodScheduled', true), cond('Initialized', true), cond('ContainersReady', ready), cond('Ready', ready)],
          containerStatuses: pod.spec.containers.map((c) => ({
            name: c.name,
            image: c.image,
            imageID: '',
            ready,
            started: ready,
            restartCount: 0,
            state: { running: { startedAt: now } },
          })),
        },
      },
    });
  }

  /** Stops a Pod being deleted, then deletes it for good (what a kubelet does after the container stopped). */
  private async finalize(pod: PodObject & KubeObject): Promise<void> {
    const local = this.pods.get(pod.metadata.uid!);
    if (local) await this.stopLocal(local);
    const ns = pod.metadata.namespace ?? 'default';
    await this.options.client
      .request('DELETE', `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`, {
        body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } },
      })
      .catch((err: { status?: number }) => {
        if (err.status !== 404 && err.status !== 409) log.warn({ err, pod: `${ns}/${pod.metadata.name}` }, 'final delete failed');
      });
  }

  private stopLocal(local: LocalPod): Promise<void> {
    return (local.stopping ??= (async () => {
      // host.close() stops what runs in the namespace, then deletes it.
      await local.host?.close();
      this.pods.delete(local.uid);
      if (local.logKey) this.logs.delete(local.logKey);
      fs.rmSync(path.join(local.dir, 'volumes'), { recursive: true, force: true });
    })());
  }

  private dataSource(): DataSource {
    return async (kind, namespace, name) => {
      const plural = kind === 'Secret' ? 'secrets' : 'configmaps';
      const o = await this.options.client
        .request<{ data?: Record<string, string> }>('GET', `/api/v1/namespaces/${namespace}/${plural}/${name}`)
        .catch((err: { status?: number }) => {
          if (err.status === 404) return undefined;
          throw err;
        });
      if (!o) return undefined;
      const decode = (v: string): Buffer => (kind === 'Secret' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8'));
      return Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, decode(v)]));
    };
  }

  /** Stops every Pod's process and network namespace, and removes the Node. */
  async stop(): Promise<void> {
    await this.watch.stop();
    await Promise.all([...this.pods.values()].map((p) => this.stopLocal(p)));
    await this.logServer?.close();
    await this.options.client.request('DELETE', `/api/v1/nodes/${this.options.nodeName}`).catch(() => undefined);
  }
}

/** Polls a TCP connect until it succeeds or `timeoutMs` passes. */
async function listening(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port, timeout: 1000 });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.once('timeout', () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return true;
    await sleep(200);
  }
  return false;
}

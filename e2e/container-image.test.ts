// The container image (scripts/build-image.sh) without a container runtime: its layers unpacked into a root file
// system, and its entrypoint run there the way a runtime would (chroot, the config's user, working directory and
// environment, /proc and /dev mounted, the root read-only as the Helm chart's pods have it).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service, simpleRoute } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..');
const IMAGE = path.join(ROOT, 'dist', 'tidegate-image.tar');
const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

interface ImageConfig {
  architecture: string;
  os: string;
  config: { Entrypoint: string[]; Cmd?: string[]; Env: string[]; User: string; WorkingDir: string };
  rootfs: { type: string; diff_ids: string[] };
}
interface ManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let work: string;
let rootfs: string;
let manifest: ManifestEntry;
let image: ImageConfig;
let layerDigests: string[];
const children: ChildProcess[] = [];

/** The image's environment, as a runtime passes it (nothing of the test runner's). */
function imageEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(image.config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/**
 * Runs `command` in the unpacked image: a private mount namespace with the root bound read-only, /proc and /dev
 * mounted (and a tmpfs on /tmp when `writableTmp`, like the chart's gateway pods), then chroot with the config's
 * user and working directory. The network namespace is the host's, so the test reaches its ports on 127.0.0.1.
 */
function inImage(command: string[], opts: { writableTmp?: boolean } = {}): Running {
  const [uid, gid] = image.config.User.split(':');
  const script = [
    'set -e',
    'mount --bind "$0" "$0"',
    'mount -o remount,bind,ro "$0"',
    'mount -t proc proc "$0/proc"',
    'mount --rbind /dev "$0/dev"',
    opts.writableTmp ? 'mount -t tmpfs -o mode=1777 tmpfs "$0/tmp"' : '',
    `exec unshare --root="$0" --wd="${image.config.WorkingDir}" --setuid=${uid} --setgid=${gid} -- "$@"`,
  ].join('\n');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, rootfs, ...command], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: imageEnv(),
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** The image's entrypoint with `args`. */
function tidegate(args: string[], opts: { writableTmp?: boolean } = {}): Running {
  return inImage([...image.config.Entrypoint, ...args], opts);
}

/** Runs to the end (bounded) and returns exit code and output. */
async function finish(run: Running, timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, out: run.output() };
}

/** sha256 of a gzip'd layer's uncompressed bytes: its diff_id, which `docker load` checks. */
async function diffId(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), createGunzip(), hash);
  return `sha256:${hash.digest('hex')}`;
}

/** Processes (Envoy, say) whose root is the unpacked image: what a failed test may leave behind. */
function processesInRootfs(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/root`) === rootfs) pids.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return pids;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'packages', 'tidegate', 'dist', 'cli.js'))) throw new Error('packages/*/dist are missing: build first (npm test does)');
  // Built when the inputs changed (~20-40 s niced), else the existing tarball is reused.
  try {
    execFileSync('bash', [path.join(ROOT, 'scripts', 'build-image.sh'), '--no-compile', '--if-changed'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 240_000,
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`scripts/build-image.sh failed: ${e.message}\n${e.stderr?.toString().slice(-4000) ?? ''}`);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-image-test-'));
  const blobs = path.join(work, 'blobs');
  fs.mkdirSync(blobs);
  execFileSync('tar', ['-xf', IMAGE, '-C', blobs]);
  const entries = JSON.parse(fs.readFileSync(path.join(blobs, 'manifest.json'), 'utf8')) as ManifestEntry[];
  if (entries.length !== 1) throw new Error(`expected one image in ${IMAGE}, found ${entries.length}`);
  manifest = entries[0]!;
  image = JSON.parse(fs.readFileSync(path.join(blobs, manifest.Config), 'utf8')) as ImageConfig;
  // Layers in order, as a runtime stacks them (tar keeps owners and modes: we are root).
  rootfs = path.join(work, 'rootfs');
  fs.mkdirSync(rootfs);
  layerDigests = [];
  for (const layer of manifest.Layers) {
    layerDigests.push(await diffId(path.join(blobs, layer)));
    execFileSync('tar', ['-xzf', path.join(blobs, layer), '-C', rootfs]);
  }
  fs.rmSync(blobs, { recursive: true, force: true });
  // Mount points a runtime creates; test data the container reads.
  for (const dir of ['proc', 'dev', 'config']) fs.mkdirSync(path.join(rootfs, dir), { recursive: true });
}, 300_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (rootfs) for (const pid of processesInRootfs()) process.kill(pid, 'SIGKILL');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the image tarball', () => {
  it('is tagged tidegate:<version>, and its layers are the ones its config names', () => {
    expect(manifest.RepoTags).toEqual([`tidegate:${VERSION}`]);
    expect(image.rootfs.type).toBe('layers');
    expect(layerDigests).toEqual(image.rootfs.diff_ids);
    expect(manifest.Layers).toHaveLength(3);
  });

  it('runs the CLI with Node as the nonroot user, with Envoy named by ENVOY_BIN', () => {
    expect(image.os).toBe('linux');
    expect(image.architecture).toBe(process.arch === 'x64' ? 'amd64' : process.arch);
    expect(image.config.Entrypoint).toEqual(['/usr/local/bin/node', '/app/packages/tidegate/dist/cli.js']);
    expect(image.config.Cmd).toBeUndefined();
    expect(image.config.User).toBe('65532:65532');
    expect(image.config.WorkingDir).toBe('/app');
    expect(image.config.Env).toEqual(expect.arrayContaining(['ENVOY_BIN=/usr/local/bin/envoy', 'PATH=/usr/local/bin:/usr/bin:/bin']));
  });

  it('holds the runtime and the compiled app, not sources, tests or dev-only workspaces', () => {
    const at = (p: string) => path.join(rootfs, p);
    expect(fs.readFileSync(at('etc/passwd'), 'utf8')).toMatch(/^nonroot:x:65532:65532:/m);
    expect(fs.readFileSync(at('etc/group'), 'utf8')).toMatch(/^nonroot:x:65532:/m);
    expect(fs.statSync(at('etc/ssl/certs/ca-certificates.crt')).size).toBeGreaterThan(10_000);
    expect(fs.statSync(at('tmp')).mode & 0o7777).toBe(0o1777);
    expect(fs.statSync(at('home/nonroot')).uid).toBe(65532);
    expect(fs.statSync(at('usr/local/bin/envoy')).mode & 0o111).toBe(0o111);
    // Envoy is started through setpriv --pdeathsig, so it dies with the control plane.
    expect(fs.statSync(at('usr/local/bin/setpriv')).mode & 0o111).toBe(0o111);
    const packages = fs.readdirSync(at('app/packages')).sort();
    expect(packages).toEqual(expect.arrayContaining(['common', 'envoy-api', 'envoy-runner', 'providers', 'tidegate', 'translator', 'xds-server']));
    for (const devOnly of ['testkit', 'bench', 'conformance']) {
      expect(packages).not.toContain(devOnly);
      expect(fs.existsSync(at(`app/node_modules/@tidegate/${devOnly}`))).toBe(false);
    }
    const files = execFileSync('find', [at('app/packages'), '-type', 'f'], { encoding: 'utf8' }).trim().split('\n');
    expect(files.filter((f) => !f.endsWith('.js') && !f.endsWith('/package.json'))).toEqual([]);
    expect(files.filter((f) => f.includes('/src/') || f.endsWith('.test.js'))).toEqual([]);
    // Dev dependencies stay out.
    expect(fs.existsSync(at('app/node_modules/typescript'))).toBe(false);
    expect(fs.existsSync(at('app/node_modules/jest'))).toBe(false);
  });
});

describe('inside the image', () => {
  it('prints the CLI help from a read-only root', async () => {
    const { code, out } = await finish(tidegate(['--help']));
    expect(out).toContain('Usage: tidegate');
    expect(out).toMatch(/standalone \[options\]/);
    expect(code).toBe(0);
  });

  it('runs as 65532 in /app on a read-only root, and loads the Kubernetes client the controller needs', async () => {
    const probe = `const write = (f) => { try { require('fs').writeFileSync(f, ''); return 'writable'; } catch (e) { return e.code; } };
      console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(), cwd: process.cwd(), execPath: process.execPath, kube: typeof require('@kubernetes/client-node').KubeConfig, node: process.version, root: write('/app/probe'), tmp: write('/tmp/probe') }))`;
    const { code, out } = await finish(inImage(['/usr/local/bin/node', '-e', probe]));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ uid: 65532, gid: 65532, groups: [65532], cwd: '/app', execPath: '/usr/local/bin/node', kube: 'function', node: process.version, root: 'EROFS', tmp: 'EROFS' });
  });

  it('reports on an Ingress with migrate-report', async () => {
    fs.writeFileSync(
      path.join(rootfs, 'config', 'ingress.yaml'),
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: default
  annotations: { nginx.ingress.kubernetes.io/enable-cors: "true" }
spec:
  ingressClassName: nginx
  rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
    );
    try {
      const { code, out } = await finish(tidegate(['migrate-report', '/config/ingress.yaml']));
      expect(out).toContain('Ingress default/shop');
      expect(out).toContain('1 Ingress, 1 annotation: 1 supported, 0 partly supported, 0 unsupported, 0 invalid');
      expect(code).toBe(0);
    } finally {
      fs.rmSync(path.join(rootfs, 'config', 'ingress.yaml'));
    }
  });

  it('runs the Envoy that ENVOY_BIN names', async () => {
    const { code, out } = await finish(inImage([imageEnv().ENVOY_BIN!, '--version']));
    expect(out).toMatch(/version: [0-9a-f]+\/1\.40\.0\//);
    expect(code).toBe(0);
  });

  describe('serving traffic', () => {
    let echo: EchoServer;
    let port: number;

    beforeAll(async () => {
      echo = await startEcho({ name: 'image-echo' });
      port = await freePort();
      fs.writeFileSync(
        path.join(rootfs, 'config', 'all.yaml'),
        docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port)), service('svc', [echo.port]), simpleRoute('HTTPRoute', 'r', 'http', ['svc'])),
      );
    });
    afterAll(async () => {
      await echo?.close();
    });

    /** SIGTERM, then a clean exit within the bound. */
    async function stop(run: Running): Promise<number | null> {
      run.child.kill('SIGTERM');
      return (await finish(run, 20_000)).code;
    }

    it('standalone: the control plane and its bundled Envoy serve from the image (writable /tmp only)', async () => {
      const [xds, admin] = [await freePort(), await freePort()];
      const tg = tidegate(
        ['standalone', '--config-dir', '/config', '--xds-port', String(xds), '--admin-port', String(admin), '--envoy-admin-port', '0', '--listen-address', '127.0.0.1'],
        { writableTmp: true },
      );
      try {
        await waitFor(async () => (await httpRequest(admin, '/healthz')).status === 200, 30_000, `standalone /healthz (${tg.output().slice(-2000)})`);
        await waitFor(async () => (await httpRequest(port, '/hello')).json?.backend === 'image-echo', 30_000, `a request through the image's Envoy (${tg.output().slice(-2000)})`);
        // The supervisor notices LIVE a moment after Envoy serves.
        await waitFor(() => tg.output().includes('"msg":"Envoy is LIVE"'), 10_000, 'the LIVE log line');
      } finally {
        expect(await stop(tg)).toBe(0);
      }
      expect(processesInRootfs()).toEqual([]);
    });

    it('as the chart runs it: controller with a read-only root and no /tmp, gateway `tidegate envoy` with /tmp', async () => {
      const [xds, admin] = [await freePort(), await freePort()];
      const controller = tidegate(['controller', '--config-dir', '/config', '--xds-port', String(xds), '--admin-port', String(admin), '--listen-address', '127.0.0.1']);
      let gw: Running | undefined;
      try {
        await waitFor(async () => (await httpRequest(admin, '/readyz')).status === 200, 30_000, `controller /readyz (${controller.output().slice(-2000)})`);
        gw = tidegate(['envoy', '--xds-address', `127.0.0.1:${xds}`, '--node-id', 'gateway-pod', '--proxy-group', 'default/gw', '--envoy-admin-port', '0'], { writableTmp: true });
        const g = gw;
        await waitFor(async () => (await httpRequest(port, '/hello')).json?.backend === 'image-echo', 30_000, `a request through the gateway (${g.output().slice(-2000)})`);
      } finally {
        if (gw) expect(await stop(gw)).toBe(0);
        expect(await stop(controller)).toBe(0);
      }
      expect(processesInRootfs()).toEqual([]);
    });
  });
});

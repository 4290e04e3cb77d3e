import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { EnvoyAdmin } from './admin';
import { EnvoyRunnerError } from './errors';
import { EnvoyProcess, type EnvoyProcessOptions, type EnvoyExitedEvent, type EnvoyRestartingEvent, type EnvoyStartedEvent } from './envoy-process';
import { testEnvoyBinary } from './test-support/envoy-bin';
import { isRunning, lonelyBootstrap, nextEvent, recordingLogger, withListener } from './test-support/fixtures';

const binary = testEnvoyBinary();
const running: EnvoyProcess[] = [];

function envoy(options: Partial<EnvoyProcessOptions> & Pick<EnvoyProcessOptions, 'bootstrap'>): EnvoyProcess {
  const p = new EnvoyProcess({ binary, concurrency: 1, drainTimeSeconds: 1, logger: recordingLogger(), ...options });
  running.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

describe('EnvoyProcess (real Envoy, no xDS server)', () => {
  it('goes LIVE, logs through the logger, restarts after kill -9, and stops leaving nothing behind', async () => {
    const logger = recordingLogger();
    const p = envoy({ bootstrap: await lonelyBootstrap('restart-test'), logger });
    await p.start();
    expect(p.state).toBe('running');
    expect(await p.admin!.ready()).toBe('LIVE');
    const firstPid = p.pid!;

    // Envoy's stderr lines arrive parsed: its level and logger name are kept.
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'info', fields: expect.objectContaining({ pid: firstPid, scope: 'main' }), msg: expect.stringMatching(/initializing epoch 0/) }),
    );
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ scope: 'config' }), msg: expect.stringMatching(/initial fetch timed out/) }),
    );

    const exited = nextEvent<EnvoyExitedEvent>(p.events, 'exited', 5000);
    const restarting = nextEvent<EnvoyRestartingEvent>(p.events, 'restarting', 5000);
    const started = nextEvent<EnvoyStartedEvent>(p.events, 'started', 10_000);
    process.kill(firstPid, 'SIGKILL');
    expect(await exited).toMatchObject({ pid: firstPid, signal: 'SIGKILL', expected: false });
    expect(await restarting).toEqual({ attempt: 1, delayMs: 250 });
    const again = await started;
    expect(again.pid).not.toBe(firstPid);
    expect(again.restarts).toBe(1);
    expect(p.pid).toBe(again.pid);
    expect(await new EnvoyAdmin(again.adminAddress).ready()).toBe('LIVE');
    expect(isRunning(firstPid)).toBe(false);

    const finalExit = nextEvent<EnvoyExitedEvent>(p.events, 'exited', 10_000);
    await p.stop();
    expect(await finalExit).toMatchObject({ pid: again.pid, code: 0, signal: null, expected: true });
    expect(p.state).toBe('stopped');
    expect(p.pid).toBeUndefined();
    expect(isRunning(again.pid)).toBe(false);
  }, 30_000);

  it('answers the admin API: server info, clusters, listeners, stats, config dump, waitFor', async () => {
    const p = envoy({ bootstrap: withListener(await lonelyBootstrap('admin-test')) });
    await p.start();
    const admin = p.admin!;
    expect((await admin.serverInfo()).version).toContain('/1.40.0/');
    expect((await admin.clusters()).map((c) => c.name)).toContain('xds_cluster');
    const [listener] = await admin.listeners();
    expect(listener).toMatchObject({ name: 'test-http', local_address: { socket_address: { address: '127.0.0.1' } } });
    expect(listener!.local_address!.socket_address!.port_value).toBeGreaterThan(0);
    const stats = await admin.stats('^server\\.(live|concurrency)$');
    expect(Object.fromEntries(stats)).toEqual({ 'server.live': 1, 'server.concurrency': 1 });
    const dump = await admin.configDump();
    expect(dump.configs.map((c) => c['@type'])).toContain('type.googleapis.com/envoy.admin.v3.BootstrapConfigDump');
    const onlyClusters = await admin.configDump({ resource: 'static_clusters' });
    expect(JSON.stringify(onlyClusters)).toContain('xds_cluster');
    expect(await admin.waitFor(async (a) => (await a.stats('^server\\.live$')).get('server.live') === 1 && 'yes', 2000)).toBe('yes');
    await expect(admin.waitFor(() => false, 300, 50)).rejects.toMatchObject({ code: 'wait-timeout' });
  }, 20_000);

  it('stop() fails health checks and drains listeners for the drain time before SIGTERM', async () => {
    const p = envoy({ bootstrap: withListener(await lonelyBootstrap('drain-test')), drainTimeSeconds: 1 });
    await p.start();
    const admin = new EnvoyAdmin(p.adminAddress!);
    const pid = p.pid!;
    const begun = Date.now();
    const stopping = p.stop();
    expect(await admin.waitFor(async (a) => (await a.ready()) === 'DRAINING', 900, 50)).toBe(true);
    expect(isRunning(pid)).toBe(true); // still draining, not yet terminated
    await stopping;
    expect(Date.now() - begun).toBeGreaterThanOrEqual(1000);
    expect(isRunning(pid)).toBe(false);
  }, 20_000);

  it('runs several Envoys at once; a clashing explicit base id fails with Envoy\'s own words', async () => {
    const id = 30_000 + Math.floor(Math.random() * 20_000);
    const ps = [
      envoy({ bootstrap: await lonelyBootstrap('multi-default') }),
      envoy({ bootstrap: await lonelyBootstrap('multi-a'), baseId: id }),
      envoy({ bootstrap: await lonelyBootstrap('multi-b'), baseId: id + 1 }),
      envoy({ bootstrap: await lonelyBootstrap('multi-dyn'), baseId: 'dynamic' }),
    ];
    try {
      await Promise.all(ps.map((p) => p.start()));
      expect(new Set(ps.map((p) => p.pid)).size).toBe(4);
      expect(new Set(ps.map((p) => p.adminAddress)).size).toBe(4);
      for (const p of ps) expect(await p.admin!.ready()).toBe('LIVE');
      expect(typeof ps[3]!.baseId).toBe('number');

      const clash = envoy({ bootstrap: await lonelyBootstrap('multi-clash'), baseId: id });
      const err = (await clash.start().catch((e: unknown) => e)) as EnvoyRunnerError;
      expect(err).toBeInstanceOf(EnvoyRunnerError);
      expect(err.code).toBe('start-failed');
      expect(err.message).toMatch(/unable to bind domain socket with base_id=\d+/);
      expect(clash.state).toBe('stopped');
    } finally {
      await Promise.all(ps.map((p) => p.stop()));
      // Hot-restart Envoys leave their (tiny) shared memory segment behind; tidy up ours.
      for (const used of [id, id + 1, ps[3]!.baseId]) {
        if (used !== undefined) fs.rmSync(`/dev/shm/envoy_shared_memory_${used * 10}`, { force: true });
      }
    }
  }, 30_000);

  it('start() rejects with the last output lines when Envoy refuses the bootstrap', async () => {
    const bad = (await lonelyBootstrap('bad')) as any;
    bad.static_resources.clusters[0].type = 'NOT_A_TYPE';
    const p = envoy({ bootstrap: bad });
    const err = (await p.start().catch((e: unknown) => e)) as EnvoyRunnerError;
    expect(err.code).toBe('start-failed');
    expect(err.message).toMatch(/exited with code 1 before it went LIVE/);
    expect(err.message).toMatch(/NOT_A_TYPE/);
    expect(p.state).toBe('stopped');
  });

  it('stop() during start() ends the waiting start with "stopped" and kills the process', async () => {
    const b = await lonelyBootstrap('stop-early');
    const p = envoy({ bootstrap: { ...b, dynamic_resources: { ...(b.dynamic_resources as object), lds_config: { ads: {}, resource_api_version: 'V3' } } } });
    const starting = p.start().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300)); // spawned, waiting for its 15 s initial fetch
    const pid = p.pid;
    await p.stop();
    expect(((await starting) as EnvoyRunnerError).code).toBe('stopped');
    if (pid !== undefined) expect(isRunning(pid)).toBe(false);
  });

  it('starts from a YAML bootstrap file as well', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoy-yaml-'));
    try {
      const file = path.join(dir, 'bootstrap.yaml');
      fs.writeFileSync(file, stringify(await lonelyBootstrap('from-file')));
      const p = envoy({ bootstrap: file });
      await p.start();
      expect((await p.admin!.serverInfo()).command_line_options).toMatchObject({ config_path: file });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start when its admin port is held by another process, naming that process', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    try {
      const adminPort = (holder.address() as net.AddressInfo).port;
      const p = envoy({ bootstrap: await lonelyBootstrap('admin-held'), adminPort });
      const err = (await p.start().catch((e: unknown) => e)) as EnvoyRunnerError;
      expect(err).toBeInstanceOf(EnvoyRunnerError);
      expect(err.code).toBe('port-in-use');
      expect(err.message).toBe(`Envoy's admin port ${adminPort} on 127.0.0.1 is held by another process (pid ${process.pid}, ${processName()})`);
      expect(p.state).toBe('stopped');
    } finally {
      holder.close();
    }
  });

  it('runs Envoy in a process group of its own, set to die with its supervisor', async () => {
    const p = envoy({ bootstrap: await lonelyBootstrap('own-group') });
    await p.start();
    expect(p.diesWithParent).toBe(true);
    // setpriv exec'd Envoy: same pid, Envoy's name; the group leader is Envoy, not the test runner.
    expect(fs.readFileSync(`/proc/${p.pid}/comm`, 'utf8').trim()).toBe('envoy');
    const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    expect(pgid).toBe(p.pid);
  });

  it('cannot be started twice', async () => {
    const p = envoy({ bootstrap: await lonelyBootstrap('twice') });
    await p.start();
    await expect(p.start()).rejects.toMatchObject({ code: 'bad-state' });
  });
});

function processName(): string {
  return fs.readFileSync('/proc/self/comm', 'utf8').trim();
}

// The official Gateway API conformance suite (sigs.k8s.io/gateway-api v1.5.1, unmodified), all three
// profiles, against `tidegate controller`, real Envoy and a real kube-apiserver (packages/conformance):
// every test the suite selects for the features Tidegate claims must pass.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

jest.setTimeout(20 * 60_000);

interface Statistics {
  Failed: number;
  Passed: number;
  Skipped: number;
}
interface ProfileReport {
  name: string;
  core: { result: string; statistics: Statistics };
  extended?: { result: string; statistics: Statistics };
}

const ROOT = path.join(__dirname, '..');

it('passes GATEWAY-HTTP, GATEWAY-GRPC and GATEWAY-TLS (core and claimed extended features)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-conformance-'));
  const report = path.join(dir, 'report.yaml');
  try {
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'packages/conformance/dist/main.js'), '--no-install', '--report', report, '--log-level', 'warn'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
      child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
      // Bounded: the run takes about 3 minutes; a stuck one is stopped and fails the test.
      const timer = setTimeout(() => child.kill('SIGTERM'), 15 * 60_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (code !== 0) throw new Error(`conformance run exited with ${code}:\n${output.join('').slice(-6000)}`);
    const profiles = (parse(fs.readFileSync(report, 'utf8')) as { profiles: ProfileReport[] }).profiles;
    expect(profiles.map((p) => p.name).sort()).toEqual(['GATEWAY-GRPC', 'GATEWAY-HTTP', 'GATEWAY-TLS']);
    for (const p of profiles) {
      expect({ profile: p.name, core: p.core.result, failed: p.core.statistics.Failed }).toEqual({ profile: p.name, core: 'success', failed: 0 });
      expect(p.core.statistics.Passed).toBeGreaterThan(10);
      if (p.extended) expect({ profile: p.name, extended: p.extended.result, failed: p.extended.statistics.Failed }).toEqual({ profile: p.name, extended: 'success', failed: 0 });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

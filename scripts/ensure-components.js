// Installs the real components the end-to-end tests need (cached outside the checkout, keyed by version).
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { locateEnvoy } = require('../packages/envoy-runner/dist');

/** r-nacos (Nacos-compatible registry) for the registry tests: `RNACOS_BIN`, else built into the cache; missing = failure. */
function ensureRnacos() {
  if (process.env.RNACOS_BIN) return process.env.RNACOS_BIN;
  const script = path.join(__dirname, 'install-rnacos.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** etcd, kube-apiserver (built from the Go module proxy; the first build takes ~10 minutes) and the Gateway API CRDs. */
function ensureKube() {
  const out = execFileSync('bash', [path.join(__dirname, 'install-kube.sh'), 'all'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stderr.write(`tidegate: Kubernetes test components:\n${out.trimEnd().replace(/^/gm, '  ')}\n`);
}

/** The Gateway API conformance suite, echo-basic and kube-controller-manager (built from Go modules; packages/conformance). */
function ensureConformance() {
  const out = execFileSync('bash', [path.join(__dirname, 'install-conformance.sh'), 'all'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stderr.write(`tidegate: conformance components:\n${out.trimEnd().replace(/^/gm, '  ')}\n`);
}

/** iproute2 `ip` and root: test hosts (packages/testkit/src/test-host.ts) are network namespaces joined by veth pairs. */
function ensureIp() {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('iproute2 `ip` is missing; the Kubernetes tests run backends in network namespaces (Debian: apt-get install -y iproute2)');
  }
  if (process.getuid && process.getuid() !== 0) throw new Error('the Kubernetes tests create network namespaces and need root');
}

async function main() {
  ensureIp();
  const envoy = await locateEnvoy({ install: true });
  process.stderr.write(`tidegate: Envoy ${envoy.path} (${envoy.source})\n`);
  process.stderr.write(`tidegate: rnacos ${ensureRnacos()}\n`);
  ensureKube();
  ensureConformance();
}

main().catch((err) => {
  process.stderr.write(`tidegate: cannot provide a required test component: ${err.message}\n`);
  process.exit(1);
});

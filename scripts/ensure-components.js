// Installs the real components the end-to-end tests need (cached outside the checkout, keyed by version).
const { locateEnvoy } = require('../packages/envoy-runner/dist');

async function main() {
  const envoy = await locateEnvoy({ install: true });
  process.stderr.write(`tidegate: Envoy ${envoy.path} (${envoy.source})\n`);
}

main().catch((err) => {
  process.stderr.write(`tidegate: cannot provide a required test component: ${err.message}\n`);
  process.exit(1);
});

// `npm run bench`: every benchmark, its figure and its target, printed.
import { configureLogging } from '@tidegate/common';
import { benchConvergence } from './convergence-bench';
import { benchFanout } from './fanout-bench';
import { benchRss } from './rss-bench';
import { benchTranslate } from './translate-bench';
import { figures } from './report';

const ALL: Record<string, () => Promise<void> | void> = {
  translate: benchTranslate,
  rss: () => benchRss(10_000),
  fanout: benchFanout,
  convergence: benchConvergence,
  ingress: () => (require('./ingress-bench') as typeof import('./ingress-bench')).benchIngressAll(),
  registry: () => (require('./registry-bench') as typeof import('./registry-bench')).benchRegistry(),
  gateway: () => (require('./gateway-bench') as typeof import('./gateway-bench')).benchGateway(),
  kubernetes: () => (require('./kubernetes-bench') as typeof import('./kubernetes-bench')).benchKubernetes(),
};

async function main(): Promise<void> {
  configureLogging('error');
  const only = process.argv.slice(2);
  process.stdout.write(`Tidegate benchmarks — node ${process.version}, ${require('node:os').cpus().length} cores\n`);
  for (const [name, run] of Object.entries(ALL)) {
    if (only.length && !only.includes(name)) continue;
    await run();
  }
  const missed = figures.filter((f) => f.target !== undefined && !(f.value < f.target));
  process.stdout.write(missed.length ? `\n${missed.length} target(s) missed\n` : '\nall targets met\n');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});

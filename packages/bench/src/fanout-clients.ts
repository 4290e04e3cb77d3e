// Child process of the fan-out benchmark: N simulated proxies on their own CPU, away from the server's event loop.
import { startSimClient } from './sim-ads-client';

const [target, countArg, clustersArg] = process.argv.slice(2);
const count = Number(countArg);
const clusterNames = Array.from({ length: Number(clustersArg) }, (_, i) => `svc-${i}`);
const clients = Array.from({ length: count }, (_, i) =>
  startSimClient({ target: target!, nodeId: `sim-${i}`, group: 'bench/gateway', clusterNames, routeNames: ['http'] }),
);
process.send?.({ started: clients.length });
process.on('message', () => {
  for (const c of clients) c.close();
  process.exit(0);
});

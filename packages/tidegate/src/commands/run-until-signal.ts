// Runs a service until SIGINT/SIGTERM, then stops it once. Handlers are in place before
// start() so a signal during start-up still shuts down cleanly.
import { getLogger } from '@tidegate/common';

export async function runUntilSignal(start: () => Promise<void>, stop: () => Promise<void>): Promise<void> {
  const log = getLogger('cli');
  let signalled!: (signal: NodeJS.Signals) => void;
  const signal = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
  process.once('SIGINT', signalled);
  process.once('SIGTERM', signalled);
  const started = start();
  const first = await Promise.race([started.then(() => undefined), signal]);
  const which = first ?? (await signal);
  log.info({ signal: which }, 'stopping');
  if (first !== undefined) {
    // Signalled during start-up, which may be waiting for a source (say an API server) indefinitely:
    // stop now, which also ends the start.
    await stop();
    await started.catch(() => undefined);
    return;
  }
  await stop();
}

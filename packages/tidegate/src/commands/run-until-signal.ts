// Runs a service until SIGINT/SIGTERM/SIGHUP (or a fatal failure), then stops it once. Handlers are
// in place before start() so a signal during start-up still shuts down cleanly.
import { getLogger } from '@tidegate/common';

/** Signals that stop the service: SIGHUP too, which a closing terminal sends (Node's default would exit at once, skipping stop()). */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Starts the service and stops it on the first stop signal. `fatal`, when it settles, stops it
 * too and then rejects with that error, so the command exits non-zero with the reason.
 */
export async function runUntilSignal(start: () => Promise<void>, stop: () => Promise<void>, fatal?: Promise<Error>): Promise<void> {
  const log = getLogger('cli');
  let signalled!: (signal: NodeJS.Signals) => void;
  const signal = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
  for (const s of STOP_SIGNALS) process.once(s, signalled);
  const failure = fatal?.then((err) => ({ err })) ?? new Promise<never>(() => undefined);
  const started = start();
  const first = await Promise.race([started.then(() => undefined), signal, failure]);
  const which = first ?? (await Promise.race([signal, failure]));
  if (typeof which === 'object') {
    log.error({ err: which.err.message }, 'stopping after a fatal failure');
    await stop();
    await started.catch(() => undefined);
    throw which.err;
  }
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

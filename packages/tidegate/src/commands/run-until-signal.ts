// Keeps a started service running until SIGINT/SIGTERM, then stops it once.
import { getLogger } from '@tidegate/common';

export async function runUntilSignal(stop: () => Promise<void>): Promise<void> {
  const log = getLogger('cli');
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      stop().then(resolve, (err: unknown) => {
        log.error({ err }, 'stop failed');
        resolve();
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

// Runs hostile cases on a worker thread with a hard time limit: a case that hangs is stopped and reported, not waited for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CaseFile, CaseOutcome, CaseSettings } from './pipeline';

/**
 * One worker, one case at a time. A case that does not answer within `hangMs` (an
 * endless loop in a parser or translator would block jest itself, timeouts and all) has
 * its worker terminated and comes back as a violation; the next case gets a new worker.
 * Case directories live in one directory of the runner's, removed by `close()` (a
 * terminated case cannot remove its own).
 */
export class CaseRunner {
  private worker?: Promise<Worker>;
  private readonly tmpRoot = mkdtempSync(join(tmpdir(), 'tidegate-hostile-'));

  constructor(private readonly hangMs: number) {}

  async run(files: readonly CaseFile[], settings: CaseSettings): Promise<CaseOutcome> {
    // The clock starts once the worker has loaded the sources (seconds, on a busy machine).
    const worker = await (this.worker ??= startWorker());
    return new Promise((resolve) => {
      const done = (outcome: CaseOutcome) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(outcome);
      };
      const failed = (violation: string): CaseOutcome => ({ violations: [violation], errors: [], objects: 0, groups: [], ms: this.hangMs });
      const onMessage = (reply: { outcome?: CaseOutcome; error?: string }) => done(reply.outcome ?? failed(`case runner failed: ${reply.error}`));
      const onError = (err: Error) => {
        this.worker = undefined;
        done(failed(`the case crashed its worker thread: ${err.stack ?? err.message}`));
      };
      const timer = setTimeout(() => {
        this.worker = undefined;
        void worker.terminate();
        done(failed(`hang: no result within ${this.hangMs} ms (stopped)`));
      }, this.hangMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ files, settings, tmpRoot: this.tmpRoot });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    try {
      await (await worker)?.terminate();
    } finally {
      rmSync(this.tmpRoot, { recursive: true, force: true });
    }
  }
}

/** A worker that has loaded the pipeline. */
function startWorker(): Promise<Worker> {
  const worker = new Worker(join(__dirname, 'case-worker.js'));
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}

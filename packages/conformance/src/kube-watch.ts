// A level-triggered view of one collection: list, watch from the list's resourceVersion, relist on any failure.
import { getLogger } from '@tidegate/common';
import type { KubeClient } from '@tidegate/providers';

const log = getLogger('conformance-watch');

export type KubeObject = Record<string, unknown> & { metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; deletionTimestamp?: string } };

/**
 * Keeps `objects` (by `namespace/name`) in line with the API server and calls `onChange` after
 * every change, never concurrently: handlers see the whole state, not the events.
 */
export class KubeWatch {
  readonly objects = new Map<string, KubeObject>();
  private abort?: AbortController;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(
    private readonly client: KubeClient,
    /** Collection path, e.g. `/api/v1/pods`. */
    private readonly path: string,
    private readonly onChange: (objects: ReadonlyMap<string, KubeObject>) => Promise<void>,
  ) {}

  /** Lists once (so the first onChange has the full state), then keeps watching in the background. */
  async start(): Promise<void> {
    await this.relist();
  }

  private async relist(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const list = await this.client.list(this.path);
        this.objects.clear();
        for (const o of list.items as KubeObject[]) this.objects.set(key(o), o);
        this.changed();
        await this.watchFrom(list.resourceVersion);
        return;
      } catch (err) {
        if (this.stopped) return;
        log.warn({ err, path: this.path, attempt }, 'list failed; retrying');
        await sleep(Math.min(5000, 200 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  private async watchFrom(resourceVersion: string): Promise<void> {
    this.abort = await this.client.watch(
      this.path,
      { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 },
      (event) => {
        if (event.type === 'BOOKMARK' || event.type === 'ERROR') return;
        const o = event.object as KubeObject;
        if (event.type === 'DELETED') this.objects.delete(key(o));
        else this.objects.set(key(o), o);
        this.changed();
      },
      () => {
        // Ended or failed: start over from a fresh list (cheap on a local API server).
        if (!this.stopped) setTimeout(() => void this.relist(), 200);
      },
    );
  }

  /** Runs onChange after the current run; changes arriving meanwhile fold into one more run. */
  private changed(): void {
    if (this.pending) return;
    this.pending = true;
    this.running = this.running.then(async () => {
      this.pending = false;
      if (this.stopped) return;
      await this.onChange(this.objects).catch((err: unknown) => log.error({ err, path: this.path }, 'handler failed'));
    });
  }

  /** Stops watching and waits for a handler run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    await this.running;
  }

  /** Schedules a handler run without an event (e.g. to retry work that failed). */
  poke(): void {
    this.changed();
  }
}

export const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

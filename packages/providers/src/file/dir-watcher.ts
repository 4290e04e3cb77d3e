// Watches the configuration directory with chokidar, and watches it again after it was deleted and re-created.
import { stat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '@tidegate/common';

const READY_TIMEOUT_MS = 10_000;
/** How often a vanished directory is looked for. */
const ABSENT_POLL_MS = 250;

export interface DirWatcherOptions {
  dir: string;
  ignored: (path: string) => boolean;
  /** Any change below the directory, or the directory itself coming back. */
  onChange: () => void;
  log: Logger;
}

/**
 * chokidar stops watching a root that is deleted and never sees it again. This watcher
 * notices (the root's `unlinkDir`, or a different inode when the provider checks), polls
 * for the directory while it is gone, and starts a fresh chokidar watcher once it is back.
 */
export class DirWatcher {
  private watcher?: FSWatcher;
  private ino?: number;
  private poll?: NodeJS.Timeout;
  private closed = false;
  private rewatching?: Promise<void>;

  constructor(private readonly options: DirWatcherOptions) {}

  /** Starts watching; resolves once chokidar has read the tree (or after a timeout, with a warning). */
  async start(): Promise<void> {
    this.ino = (await stat(this.options.dir)).ino;
    await this.watchNow();
  }

  /**
   * Called before each reload: whether the directory is there. Re-watches a directory
   * replaced since (a new inode), and starts looking for a vanished one.
   */
  async check(): Promise<boolean> {
    const st = await stat(this.options.dir).catch(() => undefined);
    if (!st?.isDirectory()) {
      this.lost();
      return false;
    }
    if (st.ino !== this.ino && !this.poll) void this.rewatch();
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.poll);
    this.poll = undefined;
    await this.rewatching;
    await this.watcher?.close();
  }

  private async watchNow(): Promise<void> {
    const { dir, ignored, onChange, log } = this.options;
    const watcher = watch(dir, { ignoreInitial: true, ignored });
    this.watcher = watcher;
    watcher.on('all', (event, path) => {
      if (event === 'unlinkDir' && path === dir) this.lost();
      onChange();
    });
    watcher.on('error', (err) => log.warn({ err }, 'file watcher error; continuing'));
    await new Promise<void>((done) => {
      const timeout = setTimeout(() => {
        log.warn({ dir }, 'file watcher not ready in time; changes may be missed until it is');
        done();
      }, READY_TIMEOUT_MS);
      watcher.once('ready', () => {
        clearTimeout(timeout);
        done();
      });
    });
  }

  /** The directory is gone: look for it until it is back. */
  private lost(): void {
    if (this.closed || this.poll) return;
    this.options.log.warn({ dir: this.options.dir }, 'config directory is gone; serving the last configuration and watching for it to come back');
    const look = (): void => {
      if (this.closed) return;
      this.poll = setTimeout(() => {
        void stat(this.options.dir).then(
          (st) => (st.isDirectory() ? this.rewatch() : look()),
          () => look(),
        );
      }, ABSENT_POLL_MS);
    };
    look();
  }

  private rewatch(): Promise<void> {
    this.rewatching ??= (async () => {
      clearTimeout(this.poll);
      this.poll = undefined;
      await this.watcher?.close();
      this.watcher = undefined;
      if (this.closed) return;
      const st = await stat(this.options.dir).catch(() => undefined);
      if (!st?.isDirectory()) return this.lost();
      this.ino = st.ino;
      await this.watchNow();
      this.options.log.info({ dir: this.options.dir }, 'watching the config directory again');
      this.options.onChange();
    })().finally(() => (this.rewatching = undefined));
    return this.rewatching;
  }
}

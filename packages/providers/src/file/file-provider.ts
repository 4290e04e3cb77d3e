// The standalone source of configuration: a directory of Kubernetes-style YAML, watched.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import {
  Topic,
  compareStrings,
  getLogger,
  objectKey,
  type Logger,
  type ObjectStatus,
  type ProviderError,
  type ResourceSnapshot,
} from '@tidegate/common';
import { ProvidersError } from '../errors';
import type { Provider } from '../provider';
import { errorCode, errorMessage, listConfigFiles } from './config-files';
import { mergeFiles, type FileContribution } from './merge-files';
import { parseConfigFile, type LoadedObject, type ParsedFile } from './parse-file';
import { MergeOrder } from './merge-order';
import { StatusStore, statusKey } from './status-store';

export interface FileProviderOptions {
  /** Directory read recursively for `*.yaml` / `*.yml`. */
  dir: string;
  /** Quiet time after the last file change before re-reading (default 10 ms: one editor save is a few events within a millisecond or two; a later write is caught by the re-check). */
  debounceMs?: number;
  logger?: Logger;
}

/** What the provider remembers about one file between reloads. */
interface FileState {
  text?: string;
  /** stat() of the version `text` holds: an older, unchanged file is not read again. */
  stamp?: { mtimeMs: number; size: number; ino: number };
  parsed?: ParsedFile;
  /** Objects of the last version that was valid YAML throughout. */
  lastGood?: LoadedObject[];
  /** Why the last read failed (permissions, a directory named `x.yaml`, ...). */
  readError?: string;
}

const READY_TIMEOUT_MS = 10_000;
/** A file whose stat is unchanged and older than this is not read again on a reload. */
const UNCHANGED_AFTER_MS = 2_000;
/** chokidar drops a path's change events for 50 ms after emitting one, with no trailing event. */
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;

/**
 * Publishes every object in a directory tree of multi-document YAML files, and the
 * whole state again after any change (debounced, level-triggered).
 *
 * Errors never stop it: bad YAML, documents that are not objects, missing
 * `apiVersion`/`kind`/`metadata.name` and duplicates become `errors` in the
 * snapshot, and the file's other documents still load.
 *
 * Last good config keeps serving: while a file fails to PARSE as YAML (for example
 * an editor has saved half of it), the snapshot keeps that file's objects from its
 * last version that parsed, and reports the syntax error, so a half-saved file does
 * not delete routes. Until a file has parsed once, its parseable documents load.
 * A deleted file's objects go at once. Structural mistakes in valid YAML (say a
 * missing `kind`) are not covered: that document is dropped and reported.
 */
export class FileProvider implements Provider {
  readonly name = 'file';
  readonly resources = new Topic<ResourceSnapshot>('resources:file');
  private readonly dir: string;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly log: Logger;
  private readonly files = new Map<string, FileState>();
  private readonly statusStore = new StatusStore();
  private readonly mergeOrder = new MergeOrder();
  private readonly keysBySnapshot = new WeakMap<ResourceSnapshot, Set<string>>();
  private watcher?: FSWatcher;
  private starting?: Promise<void>;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private recheckTimer?: NodeJS.Timeout;
  private firstChangeAt?: number;
  private reloading?: Promise<void>;
  private reloadAgain = false;

  constructor(options: FileProviderOptions) {
    this.dir = resolve(options.dir);
    this.debounceMs = options.debounceMs ?? 10;
    // A file rewritten non-stop must still show up eventually.
    this.maxWaitMs = Math.max(1000, this.debounceMs * 10);
    this.log = options.logger ?? getLogger('file-provider');
  }

  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    const st = await stat(this.dir).catch((err: unknown) => {
      throw new ProvidersError('config-dir-unreadable', `cannot read config directory ${this.dir}: ${errorMessage(err)}`, { cause: err });
    });
    if (!st.isDirectory()) {
      throw new ProvidersError('config-dir-not-a-directory', `config directory ${this.dir} is not a directory`);
    }
    // Watch before the first read, so a change made during it is not lost.
    const watcher = watch(this.dir, { ignoreInitial: true, ignored: (path) => this.isIgnored(path) });
    this.watcher = watcher;
    watcher.on('all', () => this.scheduleReload());
    watcher.on('error', (err) => this.log.warn({ err }, 'file watcher error; continuing'));
    await new Promise<void>((done) => {
      const timeout = setTimeout(() => {
        this.log.warn({ dir: this.dir }, 'file watcher not ready in time; changes may be missed until it is');
        done();
      }, READY_TIMEOUT_MS);
      watcher.once('ready', () => {
        clearTimeout(timeout);
        done();
      });
    });
    if (this.stopped) return;
    await this.reload();
    this.log.info({ dir: this.dir, objects: this.resources.value?.objects.length }, 'file provider started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.recheckTimer);
    this.timer = undefined;
    this.recheckTimer = undefined;
    await this.watcher?.close();
    await this.reloading;
  }

  /** Keeps the statuses of objects this provider currently has; replaces earlier ones. */
  async writeStatus(statuses: ObjectStatus[]): Promise<void> {
    const keys = this.currentKeys();
    this.statusStore.replace(statuses, (key) => keys.has(key));
  }

  /** The statuses last written for current objects, sorted by kind, namespace, name. */
  statuses(): ObjectStatus[] {
    return this.statusStore.list();
  }

  // Dotfiles and dot-directories are ignored, except Kubernetes ConfigMap mounts'
  // `..data` / `..<timestamp>` entries: their atomic swap is the only event there is.
  private isIgnored(path: string): boolean {
    const rel = relative(this.dir, path);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return false;
    return rel.split(sep).some((part) => part.startsWith('.') && !part.startsWith('..'));
  }

  private scheduleReload(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.firstChangeAt ??= now;
    clearTimeout(this.timer);
    const wait = Math.min(this.debounceMs, Math.max(0, this.firstChangeAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.firstChangeAt = undefined;
      void this.reload();
    }, wait);
    // A write landing in chokidar's throttle window (say the rest of a half-saved
    // file) raises no event of its own: read everything once more after the window.
    // Unchanged files are not re-parsed and an equal snapshot is not republished.
    clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined;
      void this.reload();
    }, this.debounceMs + 2 * CHOKIDAR_CHANGE_THROTTLE_MS);
  }

  /** One reload at a time; changes seen meanwhile trigger one more (debounced). */
  private reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = this.reloadOnce()
      .catch((err: unknown) => this.log.error({ err }, 'file provider reload failed; keeping the last snapshot'))
      .finally(() => {
        this.reloading = undefined;
        if (this.reloadAgain) {
          this.reloadAgain = false;
          this.scheduleReload();
        }
      });
    return this.reloading;
  }

  private async reloadOnce(): Promise<void> {
    const extraErrors: ProviderError[] = [];
    let paths: string[];
    try {
      const listing = await listConfigFiles(this.dir);
      paths = listing.files;
      extraErrors.push(...listing.errors);
      const present = new Set(paths);
      for (const file of [...this.files.keys()]) if (!present.has(file)) this.files.delete(file);
      // All at once: one by one, a hundred stat() round trips through the thread pool took tens of ms.
      await Promise.all(paths.map((file) => this.readOne(file)));
    } catch (err) {
      // A system error (the directory itself vanished): serve what we had.
      this.log.error({ err, dir: this.dir }, 'cannot list config directory; keeping the last state');
      extraErrors.push({ source: {}, path: '', message: `cannot read config directory: ${errorMessage(err)}` });
      paths = [...this.files.keys()].sort(compareStrings);
    }
    if (this.stopped) return;
    const contributions = paths.flatMap((file) => {
      const state = this.files.get(file);
      return state ? [contribution(file, state)] : [];
    });
    const snapshot = mergeFiles(contributions, extraErrors, this.mergeOrder);
    const before = this.resources.value;
    this.resources.publish(snapshot);
    if (this.resources.value !== before) this.logChange(snapshot, before);
    const keys = this.currentKeys();
    this.statusStore.prune((key) => keys.has(key));
  }

  private async readOne(file: string): Promise<void> {
    const state = this.files.get(file) ?? {};
    let text: string;
    let stamp: FileState['stamp'];
    try {
      const st = await stat(resolve(this.dir, file));
      stamp = { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
      // File times tick in coarse steps (a few ms), so two same-size writes in one step
      // look alike: only files untouched for a while are trusted by their stat alone.
      const settled = Date.now() - st.mtimeMs > UNCHANGED_AFTER_MS;
      const same = state.stamp && state.stamp.mtimeMs === stamp.mtimeMs && state.stamp.size === stamp.size && state.stamp.ino === stamp.ino;
      if (settled && same && state.parsed && state.readError === undefined) return;
      text = await readFile(resolve(this.dir, file), 'utf8');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') {
        this.files.delete(file); // deleted since the listing
        return;
      }
      this.files.set(file, { ...state, readError: errorMessage(err) });
      return;
    }
    if (state.parsed && state.text === text) {
      this.files.set(file, { ...state, stamp, readError: undefined });
      return;
    }
    const parsed = parseConfigFile(file, text);
    const lastGood = parsed.syntaxErrors.length === 0 ? parsed.objects : state.lastGood;
    this.files.set(file, { text, stamp, parsed, lastGood });
  }

  /** Keys of the current snapshot's objects (worked out once per snapshot). */
  private currentKeys(): Set<string> {
    const snapshot = this.resources.value;
    if (!snapshot) return new Set();
    let keys = this.keysBySnapshot.get(snapshot);
    if (!keys) this.keysBySnapshot.set(snapshot, (keys = new Set(snapshot.objects.map(({ object }) => objectKey(object)))));
    return keys;
  }

  private logChange(now: ResourceSnapshot, before: ResourceSnapshot | undefined): void {
    this.log.info({ objects: now.objects.length, errors: now.errors.length }, 'configuration loaded');
    const seen = new Set((before?.errors ?? []).map((e) => e.message));
    for (const e of now.errors) if (!seen.has(e.message)) this.log.warn({ source: e.source, path: e.path }, e.message);
  }
}

/** What one file puts in the snapshot, applying the last-good rule. */
function contribution(file: string, state: FileState): FileContribution {
  if (state.readError !== undefined) {
    return {
      objects: state.lastGood ?? state.parsed?.objects ?? [],
      errors: [{ source: { file }, path: '', message: `${file}: cannot read file: ${state.readError}` }],
    };
  }
  const parsed = state.parsed ?? { objects: [], syntaxErrors: [], objectErrors: [] };
  const servingLastGood = parsed.syntaxErrors.length > 0 && state.lastGood !== undefined;
  const syntaxErrors = servingLastGood
    ? parsed.syntaxErrors.map((e) => ({ ...e, message: `${e.message} (serving the last version of ${file} that parsed)` }))
    : parsed.syntaxErrors;
  return {
    objects: servingLastGood ? (state.lastGood ?? []) : parsed.objects,
    errors: [...syntaxErrors, ...parsed.objectErrors],
  };
}

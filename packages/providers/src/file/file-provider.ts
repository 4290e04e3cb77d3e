// The standalone source of configuration: a directory of Kubernetes-style YAML, watched.
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
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
import { LastValidObjects } from '../last-valid';
import type { ObjectCheck } from '../object-check';
import type { Provider } from '../provider';
import { errorMessage, listConfigFiles } from './config-files';
import { DirWatcher } from './dir-watcher';
import { FirstSeen } from './first-seen';
import { MAX_FILE_BYTES, MAX_YAML_NODES } from './limits';
import { mergeFiles, type FileContribution } from './merge-files';
import { MergeOrder } from './merge-order';
import type { LoadedObject, ParsedFile } from './parse-file';
import { ParserPool, type ParseReply } from './parser-pool';
import { PARTIAL_WRITE_SETTLE_MS, judgePartialWrite } from './partial-write';
import { StatusStore, statusKey } from './status-store';

export interface FileProviderOptions {
  /** Directory read recursively for `*.yaml` / `*.yml`. */
  dir: string;
  /** Quiet time after the last file change before re-reading (default 10 ms: one editor save is a few events within a millisecond or two; a later write is caught by the re-check). */
  debounceMs?: number;
  /**
   * The translators' check (`checkObjectSchema`): an object whose new version fails it keeps
   * serving its last version that passed, and kinds no translator reads are reported.
   * Absent: every object is published as it parses.
   */
  check?: ObjectCheck;
  /** Limits, for tests (defaults: `MAX_FILE_BYTES`, `MAX_YAML_NODES`, `PARTIAL_WRITE_SETTLE_MS`). */
  maxFileBytes?: number;
  maxNodes?: number;
  partialWriteSettleMs?: number;
  logger?: Logger;
}

/** What the provider remembers about one file between reloads. */
interface FileState {
  /** Hash of the content `parsed` came from: the same content is not parsed again. */
  hash?: string;
  /** stat() of the version `parsed` holds: an older, unchanged file is not read again. */
  stamp?: { mtimeMs: number; size: number; ino: number };
  parsed?: ParsedFile;
  endsWithNewline?: boolean;
  /** Objects of the last version that parsed and was complete (see partial-write.ts). */
  lastGood?: LoadedObject[];
  /** Why the last read failed (permissions, a directory named `x.yaml`, ...). */
  readError?: string;
}

/** A file whose stat is unchanged and older than this is not read again on a reload. */
const UNCHANGED_AFTER_MS = 2_000;
/** After the first snapshot, a reload waits this long for a file's parse before going on without it. */
const SLOW_PARSE_MS = 200;
/** chokidar drops a path's change events for 50 ms after emitting one, with no trailing event. */
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;

/**
 * Publishes every object in a directory tree of multi-document YAML files, and the
 * whole state again after any change (debounced, level-triggered).
 *
 * Errors never stop it: bad YAML, documents that are not objects, missing
 * `apiVersion`/`kind`/`metadata.name`, unknown kinds and duplicates become `errors` in
 * the snapshot, and the file's other documents still load.
 *
 * Last good config keeps serving:
 * - a file that does not parse as YAML, or is over the size or node limit, keeps its
 *   objects from its last version that parsed (until it has parsed once, its parseable
 *   documents load);
 * - a file that parses but lost objects while it looks half-written keeps them
 *   (`partial-write.ts`);
 * - an object whose new version fails the translators' check keeps its last version that
 *   passed (`last-valid.ts`).
 * A deleted file's objects go at once.
 *
 * Files are read and parsed on a worker thread, so a large file never blocks the event
 * loop. Objects without a `creationTimestamp` get the time they were first seen.
 */
export class FileProvider implements Provider {
  readonly name = 'file';
  readonly resources = new Topic<ResourceSnapshot>('resources:file');
  private readonly dir: string;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly maxFileBytes: number;
  private readonly maxNodes: number;
  private readonly settleMs: number;
  private readonly log: Logger;
  private readonly files = new Map<string, FileState>();
  private readonly statusStore = new StatusStore();
  private readonly mergeOrder = new MergeOrder();
  private readonly firstSeen = new FirstSeen();
  private readonly lastValid?: LastValidObjects;
  private readonly parser = new ParserPool();
  /** Parses in flight by file: a file is parsed once at a time. */
  private readonly parsing = new Map<string, Promise<void>>();
  /** The first snapshot is complete: it waits for every file. */
  private started = false;
  private readonly keysBySnapshot = new WeakMap<ResourceSnapshot, Set<string>>();
  private watcher?: DirWatcher;
  private starting?: Promise<void>;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private recheckTimer?: NodeJS.Timeout;
  private settleTimer?: NodeJS.Timeout;
  private firstChangeAt?: number;
  private reloading?: Promise<void>;
  private reloadAgain = false;

  constructor(options: FileProviderOptions) {
    this.dir = resolve(options.dir);
    this.debounceMs = options.debounceMs ?? 10;
    // A file rewritten non-stop must still show up eventually.
    this.maxWaitMs = Math.max(1000, this.debounceMs * 10);
    this.maxFileBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
    this.maxNodes = options.maxNodes ?? MAX_YAML_NODES;
    this.settleMs = options.partialWriteSettleMs ?? PARTIAL_WRITE_SETTLE_MS;
    if (options.check) this.lastValid = new LastValidObjects(options.check);
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
    this.watcher = new DirWatcher({ dir: this.dir, ignored: (path) => this.isIgnored(path), onChange: () => this.scheduleReload(), log: this.log });
    await this.watcher.start();
    if (this.stopped) return;
    await this.reload();
    this.started = true;
    this.log.info({ dir: this.dir, objects: this.resources.value?.objects.length }, 'file provider started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.recheckTimer);
    clearTimeout(this.settleTimer);
    this.timer = undefined;
    this.recheckTimer = undefined;
    this.settleTimer = undefined;
    // The parser first: a reload waiting on a large file ends now rather than when it is parsed.
    await this.parser.close();
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
      if (this.watcher && !(await this.watcher.check())) throw new Error(`${this.dir} is gone`);
      const listing = await listConfigFiles(this.dir);
      paths = listing.files;
      extraErrors.push(...listing.errors);
      const present = new Set(paths);
      for (const file of [...this.files.keys()]) if (!present.has(file)) this.files.delete(file);
      // All at once: one by one, a hundred stat() round trips through the thread pool took tens of ms.
      const seenAt = new Date(); // one time per reload: files read together are equally old
      await Promise.all(paths.map((file) => this.readOne(file, seenAt)));
    } catch (err) {
      // A system error (the directory itself vanished): serve what we had; the watcher looks for it.
      this.log.error({ err, dir: this.dir }, 'cannot list config directory; keeping the last state');
      extraErrors.push({ source: {}, path: '', code: 'config-dir-unreadable', message: `cannot read config directory: ${errorMessage(err)}` });
      paths = [...this.files.keys()].sort(compareStrings);
    }
    if (this.stopped) return;
    const now = Date.now();
    let recheckAt: number | undefined;
    const contributions = paths.flatMap((file) => {
      const state = this.files.get(file);
      if (!state) return [];
      const c = contribution(file, state, now, this.settleMs);
      if (c.recheckAt !== undefined) recheckAt = Math.min(recheckAt ?? Infinity, c.recheckAt);
      return [c];
    });
    this.scheduleSettleCheck(recheckAt, now);
    const merged = mergeFiles(contributions, extraErrors, this.mergeOrder);
    const snapshot = this.lastValid ? this.lastValid.applyTo(merged) : merged;
    const before = this.resources.value;
    this.resources.publish(snapshot);
    if (this.resources.value !== before) this.logChange(snapshot, before);
    const keys = this.currentKeys();
    this.statusStore.prune((key) => keys.has(key));
    this.firstSeen.keepOnly(keys);
  }

  /** A file held back as half-written is looked at again when its settle time ends. */
  private scheduleSettleCheck(at: number | undefined, now: number): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    if (at === undefined || this.stopped) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      void this.reload();
    }, Math.max(0, at - now) + 5);
  }

  private async readOne(file: string, seenAt: Date): Promise<void> {
    const inFlight = this.parsing.get(file);
    if (inFlight) return this.awaitParse(inFlight);
    const state = this.files.get(file) ?? {};
    const path = resolve(this.dir, file);
    let stamp: FileState['stamp'];
    try {
      const st = await stat(path);
      stamp = { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
    } catch {
      this.files.delete(file); // deleted since the listing
      return;
    }
    // File times tick in coarse steps (a few ms), so two same-size writes in one step
    // look alike: only files untouched for a while are trusted by their stat alone.
    const settled = Date.now() - stamp.mtimeMs > UNCHANGED_AFTER_MS;
    const same = state.stamp && state.stamp.mtimeMs === stamp.mtimeMs && state.stamp.size === stamp.size && state.stamp.ino === stamp.ino;
    if (settled && same && state.parsed && state.readError === undefined) return;
    if (stamp.size > this.maxFileBytes) {
      // Refused unread: reading 50 MB only to refuse it would cost memory and time.
      this.files.set(file, { ...state, hash: undefined, stamp, parsed: tooLarge(file, stamp.size, this.maxFileBytes), readError: undefined });
      return;
    }
    const request = { path, file, knownHash: state.parsed ? state.hash : undefined, maxBytes: this.maxFileBytes, maxNodes: this.maxNodes };
    const parse = this.parser
      .parse(request)
      .then((reply) => this.applyReply(file, stamp, reply, seenAt))
      .finally(() => this.parsing.delete(file));
    this.parsing.set(file, parse);
    return this.awaitParse(parse);
  }

  /**
   * Waits for a parse, but after the first snapshot at most SLOW_PARSE_MS: a slow (large)
   * file keeps its last state meanwhile and is published when done, so it does not hold
   * up changes to the other files.
   */
  private async awaitParse(parse: Promise<void>): Promise<void> {
    if (!this.started) return parse;
    let timer: NodeJS.Timeout | undefined;
    const slow = await Promise.race([parse.then(() => false), new Promise<boolean>((done) => (timer = setTimeout(() => done(true), SLOW_PARSE_MS)))]);
    clearTimeout(timer);
    if (slow) void parse.then(() => this.scheduleReload());
  }

  private applyReply(file: string, stamp: FileState['stamp'], reply: ParseReply, seenAt: Date): void {
    const state = this.files.get(file) ?? {};
    switch (reply.outcome) {
      case 'missing':
        this.files.delete(file);
        return;
      case 'read-error':
        this.files.set(file, { ...state, readError: reply.message });
        return;
      case 'too-large':
        this.files.set(file, { ...state, hash: undefined, stamp, parsed: tooLarge(file, reply.size, this.maxFileBytes), readError: undefined });
        return;
      case 'unchanged':
        this.files.set(file, { ...state, stamp, readError: undefined });
        return;
      case 'parsed': {
        this.firstSeen.stamp(reply.parsed.objects.map((o) => o.object), seenAt);
        const lastGood = state.lastGood ?? (reply.parsed.syntaxErrors.length === 0 ? reply.parsed.objects : undefined);
        this.files.set(file, { hash: reply.hash, stamp, parsed: reply.parsed, endsWithNewline: reply.endsWithNewline, lastGood });
      }
    }
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
    for (const e of now.errors) if (!seen.has(e.message)) this.log.warn({ source: e.source, path: e.path, code: e.code }, e.message);
  }
}

/** A file over the size limit, as a parse result that keeps its last good objects serving. */
function tooLarge(file: string, size: number, limit: number): ParsedFile {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const message = `${file}: ${mib(size)} is over the ${mib(limit)} limit for one configuration file; the file is refused (split it into smaller files)`;
  return { objects: [], syntaxErrors: [{ source: { file }, path: '', code: 'file-too-large', message }], objectErrors: [] };
}

/**
 * What one file puts in the snapshot, applying the last-good and partial-write rules.
 * A version judged complete becomes the file's `lastGood`.
 */
function contribution(file: string, state: FileState, now: number, settleMs: number): FileContribution & { recheckAt?: number } {
  if (state.readError !== undefined) {
    return {
      objects: state.lastGood ?? state.parsed?.objects ?? [],
      errors: [{ source: { file }, path: '', code: 'read-error', message: `${file}: cannot read file: ${state.readError}` }],
    };
  }
  const parsed = state.parsed ?? { objects: [], syntaxErrors: [], objectErrors: [] };
  if (parsed.syntaxErrors.length > 0) {
    const servingLastGood = state.lastGood !== undefined;
    const syntaxErrors = servingLastGood
      ? parsed.syntaxErrors.map((e) => ({ ...e, message: `${e.message} (serving the last version of ${file} that parsed)` }))
      : parsed.syntaxErrors;
    return { objects: state.lastGood ?? parsed.objects, errors: [...syntaxErrors, ...parsed.objectErrors] };
  }
  const judged = judgePartialWrite(file, state.lastGood, parsed.objects, {
    endsWithNewline: state.endsWithNewline ?? true,
    mtimeMs: state.stamp?.mtimeMs ?? 0,
    now,
    settleMs,
  });
  if (judged.held.length === 0) {
    state.lastGood = parsed.objects;
    return { objects: parsed.objects, errors: parsed.objectErrors };
  }
  return {
    objects: [...parsed.objects, ...judged.held],
    errors: judged.error ? [judged.error, ...parsed.objectErrors] : parsed.objectErrors,
    ...(judged.recheckAt !== undefined ? { recheckAt: judged.recheckAt } : {}),
  };
}

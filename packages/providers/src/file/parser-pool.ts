// Main-thread side of the parse workers: a few worker threads, one file each at a time, replaced after a crash or a timeout.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParsedFile } from './parse-file';

export interface ParseRequest {
  id: number;
  /** Absolute path to read. */
  path: string;
  /** The path relative to the config directory, as errors name it. */
  file: string;
  /** Hash of the content last parsed: the same content again is answered `unchanged`. */
  knownHash?: string;
  maxBytes: number;
  maxNodes: number;
}

export type ParseReply = { id: number } & (
  | { outcome: 'parsed'; hash: string; parsed: ParsedFile; endsWithNewline: boolean }
  | { outcome: 'unchanged'; hash: string }
  | { outcome: 'too-large'; size: number }
  | { outcome: 'missing' }
  | { outcome: 'read-error'; message: string }
);

/** How long one file may take to parse before its worker is stopped and the file reported. */
const PARSE_TIMEOUT_MS = 60_000;
/** Heap of each worker: a file within the limits fits; a larger one fails alone, not the process. */
const WORKER_HEAP_MB = 4096;
/** Workers at most: a slow file holds one, the others go on with the rest. */
const MAX_WORKERS = 3;

/**
 * The compiled worker. Under jest the sources run as TypeScript, which a worker thread
 * cannot load: tests use the build (`npx tsc -b`, which `npm test` runs first).
 */
function workerScript(): string {
  if (!__filename.endsWith('.ts')) return join(__dirname, 'parse-worker.js');
  const built = resolve(__dirname, '../../dist/file/parse-worker.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npx tsc -b\` first`);
  return built;
}

interface Job {
  request: ParseRequest;
  resolve: (reply: ParseReply) => void;
}

/** One worker thread and the job it runs (one at a time: a parse is synchronous there). */
interface Slot {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/**
 * Reads and parses files on worker threads, so a large or hostile file never blocks the
 * event loop (xDS, signals), and a slow file holds one worker while the others go on.
 * A worker that crashes or times out fails its own request (`read-error`) and is replaced.
 */
export class ParserPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  parse(request: Omit<ParseRequest, 'id'>): Promise<ParseReply> {
    const id = this.nextId++;
    if (this.closed) return Promise.resolve({ id, outcome: 'read-error', message: 'file provider stopped' });
    return new Promise<ParseReply>((resolvePromise) => {
      this.queue.push({ request: { ...request, id }, resolve: resolvePromise });
      this.dispatch();
    });
  }

  /** Stops every worker at once, even mid-parse; pending requests get `read-error`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ id: job.request.id, outcome: 'read-error', message: 'file provider stopped' });
    await Promise.all([...this.slots].map((slot) => this.retire(slot, 'file provider stopped')));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.job) ?? (this.slots.length < MAX_WORKERS ? this.spawn() : undefined);
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => void this.retire(slot, `parsing took longer than ${PARSE_TIMEOUT_MS / 1000} s`), PARSE_TIMEOUT_MS);
      slot.worker.ref();
      slot.worker.postMessage(job.request);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(workerScript(), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const slot: Slot = { worker };
    worker.unref();
    worker.on('message', (reply: ParseReply) => {
      const job = slot.job;
      if (!job || job.request.id !== reply.id) return;
      clearTimeout(slot.timer);
      slot.job = undefined;
      worker.unref();
      job.resolve(reply);
      this.dispatch();
    });
    worker.on('error', (err) => void this.retire(slot, `the parser thread failed: ${err.message}`));
    worker.on('exit', (code) => void this.retire(slot, `the parser thread stopped (exit code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  /** Stops a worker, failing the job it had; the next job gets a new one. */
  private async retire(slot: Slot, message: string): Promise<void> {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    job?.resolve({ id: job.request.id, outcome: 'read-error', message });
    await slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}

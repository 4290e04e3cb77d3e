// Watchable topics: the only way pipeline stages talk to each other.
import { BehaviorSubject, Observable, Subscription, asyncScheduler, merge } from 'rxjs';
import { distinctUntilChanged, filter, throttleTime, debounceTime, share } from 'rxjs';
import deepEqual from 'fast-deep-equal';
import { getLogger } from './logger';

const log = getLogger('topic');

export interface CoalesceOptions {
  /** Quiet time after the last publish before subscribers see it. */
  debounceMs: number;
  /** Longest a burst can delay delivery: a value goes out at least this often. */
  maxWaitMs: number;
}

/**
 * A named stream of whole states. Late subscribers get the latest value; a publish
 * deep-equal to the current value is dropped; a throwing subscriber is logged and
 * keeps receiving later values.
 */
export class Topic<T> {
  private readonly subject: BehaviorSubject<T | undefined>;
  private readonly equals: (a: T | undefined, b: T) => boolean;

  /**
   * @param equals decides when a publish repeats the current value (default: deep
   * equality); pass `() => false` for values that are large and always new.
   */
  constructor(
    readonly name: string,
    initial?: T,
    equals: (a: T | undefined, b: T) => boolean = deepEqual,
  ) {
    this.subject = new BehaviorSubject<T | undefined>(initial);
    this.equals = equals;
  }

  /** The latest value, or undefined before the first publish. */
  get value(): T | undefined {
    return this.subject.getValue();
  }

  publish(value: T): void {
    if (this.equals(this.subject.getValue(), value)) return;
    this.subject.next(value);
  }

  /** Every distinct value, current one first. */
  changes(coalesce?: CoalesceOptions): Observable<T> {
    const values = this.subject.pipe(
      filter((v): v is T => v !== undefined),
      distinctUntilChanged(),
    );
    if (!coalesce) return values;
    return coalesced(values, coalesce);
  }

  /** Subscribes with isolation: an exception in `handler` is logged, not fatal. */
  subscribe(handler: (value: T) => void, coalesce?: CoalesceOptions): Subscription {
    return this.changes(coalesce).subscribe((value) => {
      try {
        handler(value);
      } catch (err) {
        log.error({ err, topic: this.name }, 'topic subscriber failed; keeping the stream alive');
      }
    });
  }
}

/**
 * Delivers the latest value after `debounceMs` of quiet, but never holds a value
 * back longer than `maxWaitMs` while publishes keep coming.
 */
export function coalesced<T>(source: Observable<T>, opts: CoalesceOptions): Observable<T> {
  const shared = source.pipe(share());
  const quiet = shared.pipe(debounceTime(opts.debounceMs));
  const capped = shared.pipe(
    throttleTime(opts.maxWaitMs, asyncScheduler, { leading: false, trailing: true }),
  );
  // Both branches may emit the same object; drop the repeat.
  return merge(quiet, capped).pipe(distinctUntilChanged());
}

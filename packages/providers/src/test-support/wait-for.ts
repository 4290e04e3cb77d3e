// Bounded waits on topics for provider tests: no sleeps-and-hope, no unbounded loops.
import type { Topic } from '@tidegate/common';

/** Resolves with the first value (current one included) that satisfies `predicate`; rejects after `timeoutMs`. */
export function waitForValue<T>(topic: Topic<T>, predicate: (value: T) => boolean, timeoutMs = 5000, what = 'value'): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    let last: T | undefined;
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      queueMicrotask(() => sub.unsubscribe());
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2000)}`))),
      timeoutMs,
    );
    const sub = topic.changes().subscribe((value) => {
      last = value;
      if (predicate(value)) finish(() => resolvePromise(value));
    });
  });
}

/** Records every value a topic delivers from now on (the current one first). */
export function recordValues<T>(topic: Topic<T>): { values: T[]; stop: () => void } {
  const values: T[] = [];
  const sub = topic.changes().subscribe((v) => values.push(v));
  return { values, stop: () => sub.unsubscribe() };
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

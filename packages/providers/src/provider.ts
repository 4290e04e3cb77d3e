// The contract every configuration source satisfies (file now; Kubernetes and Nacos later).
import type { ObjectStatus, ResourceSnapshot, Topic } from '@tidegate/common';

/**
 * A source of Kubernetes-style objects. Level-triggered: every change republishes
 * the whole state the provider owns, never a delta.
 */
export interface Provider {
  /** Short identifier for logs and status, e.g. `file`. */
  readonly name: string;
  /**
   * Whole current state of what this provider owns (level-triggered); replays the
   * latest value to late subscribers. Objects are sorted by kind, namespace, name
   * (see {@link compareObjects}) and must be treated as read-only.
   */
  readonly resources: Topic<ResourceSnapshot>;
  /** Resolves after the first complete state has been published; rejects on a system error. */
  start(): Promise<void>;
  /** Stops watching; nothing is published after this resolves. Safe to call twice. */
  stop(): Promise<void>;
  /** Optional: where translators' status goes (the file provider keeps it in memory). */
  writeStatus?(statuses: ObjectStatus[]): Promise<void>;
}

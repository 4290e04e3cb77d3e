// Accumulating problems: the first reason names the condition, every message is kept.
import type { Problem } from '../resources';

/** Adds `next` to `current`: keeps the first reason and joins the messages. */
export function addProblem(current: Problem | undefined, next: Problem): Problem {
  if (!current) return { ...next };
  if (current.message.includes(next.message)) return current;
  return { reason: current.reason, message: `${current.message}; ${next.message}` };
}

/** Joins problems into one (undefined when there are none). */
export function joinProblems(problems: readonly Problem[]): Problem | undefined {
  return problems.reduce<Problem | undefined>((acc, p) => addProblem(acc, p), undefined);
}

/** Error code for a condition reason: `NoMatchingParent` → `no-matching-parent`. */
export const reasonCode = (reason: string): string => reason.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

// Gateway API duration strings ("1h", "2s", "500ms", "1m30s") as milliseconds.
import { z } from 'zod';

const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const PART = /([0-9]{1,5})(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds for a Gateway API duration, or undefined when the string is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
  return total;
}

/** A zod schema that accepts a Gateway API duration and yields milliseconds. */
export const durationMs = z
  .string()
  .regex(DURATION, 'must be a duration such as "1h", "2s", "500ms" or "1m30s"')
  .transform((s) => parseDuration(s) as number);

// Sizes written as Kubernetes quantities ("10Mi", "512Ki", "1G") or plain byte counts.
import { z } from 'zod';

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const MULTIPLIER: Record<string, number> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Whole bytes for a quantity (fractions round up), or undefined when it is not one. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  return Math.ceil(Number(m[1]) * (MULTIPLIER[m[2] ?? ''] ?? 1));
}

/** A zod schema for a size: a non-negative whole number of bytes or a quantity string. */
export const byteSize = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(QUANTITY, 'must be a size such as "10Mi", "512Ki" or a number of bytes')
    .transform((s) => parseQuantity(s) as number),
]);

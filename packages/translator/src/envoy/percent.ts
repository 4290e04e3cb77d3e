// Percentages as Envoy's FractionalPercent, keeping fractions such as 33.3 exact where possible.

export interface FractionalPercent {
  numerator: number;
  denominator: 'HUNDRED' | 'TEN_THOUSAND' | 'MILLION';
}

/** 0–100 with fractions → the smallest denominator that represents it (MILLION rounds). */
export function fractionalPercent(percent: number): FractionalPercent {
  if (Number.isInteger(percent)) return { numerator: percent, denominator: 'HUNDRED' };
  const perTenThousand = percent * 100;
  // Float noise: 33.3 * 100 is 3329.9999999999995.
  if (Math.abs(perTenThousand - Math.round(perTenThousand)) < 1e-9) {
    return { numerator: Math.round(perTenThousand), denominator: 'TEN_THOUSAND' };
  }
  return { numerator: Math.round(percent * 10000), denominator: 'MILLION' };
}

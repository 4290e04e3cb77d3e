// The order of virtual hosts on a listener, shared by the Gateway API and Ingress translators.
import { compareStrings } from '@tidegate/common';

/** Exact hosts first, then wildcards, `*` last; alphabetical within each. */
export function compareHosts(a: string, b: string): number {
  const rank = (h: string) => (h === '*' ? 2 : h.startsWith('*.') ? 1 : 0);
  return rank(a) - rank(b) || compareStrings(a, b);
}

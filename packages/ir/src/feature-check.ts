// The IR half of an HTTP-filter feature: how its fields are checked, and the list validate() runs.
import type { HttpListener, Route, VirtualHost } from './types';

/** What a feature check may report or ask about (validate.ts's group checker provides it). */
export interface FeatureChecker {
  add(code: string, path: string, message: string): void;
  /** Reports a name that is not a backend of the group. */
  backendRef(name: string, path: string): void;
  /** Reports a name that is not a secret of the group. */
  secretRef(name: string, path: string): void;
  nonNegative(value: number | undefined, path: string): void;
  cidr(value: string, path: string): void;
}

/**
 * Checks of one feature's part of the IR; each reads only its own fields. Paths passed in
 * point at the object (e.g. `…routes[2]`), and issues are reported below it.
 */
export interface IrFeatureCheck {
  /** The feature's name, as in the Envoy feature registry. */
  readonly name: string;
  listener?(c: FeatureChecker, l: HttpListener, path: string): void;
  virtualHost?(c: FeatureChecker, vh: VirtualHost, path: string): void;
  route?(c: FeatureChecker, r: Route, path: string): void;
}

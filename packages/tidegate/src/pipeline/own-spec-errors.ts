// Which translation errors an object brings on itself (its own fields), as opposed to what it refers to.
import type { TranslationError } from '@tidegate/translator';

/**
 * Error codes, per kind, that only the object's own spec can cause: an unsupported listener
 * protocol or TLS mode, a route rule dropped for a bad match or filter value, an Ingress path
 * or host that cannot be served. Not here, on purpose: missing or refused references
 * (Services, Secrets, parents, ReferenceGrants), listener conflicts with other Gateways, and
 * anything else another object's state explains — those are legitimate dynamic states that
 * stay visible as status on the version that has them.
 */
const OWN_SPEC_CODES: Readonly<Record<string, ReadonlySet<string>>> = {
  Gateway: new Set(['unsupported-protocol', 'unsupported-value', 'missing-field', 'invalid-route-kind', 'unsupported-address']),
  HTTPRoute: new Set(['invalid-rule']),
  GRPCRoute: new Set(['invalid-rule']),
  Ingress: new Set(['invalid-path', 'invalid-host', 'invalid-annotation']),
};

/** Whether `e` is a mistake in the fields of the object it names (so its last valid version may serve instead). */
export function isOwnSpecError(e: TranslationError): boolean {
  return OWN_SPEC_CODES[e.object.kind]?.has(e.code) ?? false;
}

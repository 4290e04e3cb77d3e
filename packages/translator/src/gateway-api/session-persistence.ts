// A rule's sessionPersistence (HTTPRoute, experimental) as the IR's cookie-based sticky session.
import type { z } from 'zod';
import type { RouteMatch, SessionPersistence } from '@tidegate/ir';
import type { sessionPersistenceSchema } from './common-schema';

export type SessionPersistenceSpec = z.output<typeof sessionPersistenceSchema>;

/** Cookie name when `sessionName` is not given (Gateway API leaves the default to implementations). */
export const DEFAULT_SESSION_COOKIE = 'tidegate-session';

export type SessionOutcome =
  | { ok: true; forMatch: (match: RouteMatch) => SessionPersistence }
  | { ok: false; field: string; message: string };

/**
 * Cookie sessions only: Envoy's cookie-based stateful session keeps a session on the endpoint
 * its cookie names. `cookieConfig.lifetimeType: Permanent` gives the cookie `absoluteTimeout`
 * as its lifetime (which the CRD requires then); the default Session lifetime is a session
 * cookie. Refused, with the field at fault: `type: Header` (Envoy's header-based sessions are
 * not in Tidegate's Envoy API set), `idleTimeout` (Envoy's cookie sessions have no idle
 * expiry), and `absoluteTimeout` on a Session cookie (Envoy can only bound a cookie it gives a
 * lifetime). The cookie's Path is the rule's path match (a prefix or exact path), else `/`.
 */
export function toSessionPersistence(spec: SessionPersistenceSpec): SessionOutcome {
  if ((spec.type ?? 'Cookie') === 'Header') return { ok: false, field: '.type', message: 'header-based sessionPersistence is not supported (Cookie only)' };
  if (spec.idleTimeout !== undefined) return { ok: false, field: '.idleTimeout', message: 'sessionPersistence idleTimeout is not supported (Envoy cookie sessions have no idle expiry)' };
  const permanent = spec.cookieConfig?.lifetimeType === 'Permanent';
  if (permanent && spec.absoluteTimeout === undefined) {
    return { ok: false, field: '.absoluteTimeout', message: 'a Permanent session cookie needs absoluteTimeout' };
  }
  if (!permanent && spec.absoluteTimeout !== undefined) {
    return { ok: false, field: '.absoluteTimeout', message: 'absoluteTimeout needs cookieConfig.lifetimeType Permanent (a Session cookie cannot expire earlier)' };
  }
  const name = spec.sessionName || DEFAULT_SESSION_COOKIE;
  return {
    ok: true,
    forMatch: (match) => {
      const cookie: SessionPersistence['cookie'] = { name, path: match.path.type === 'prefix' || match.path.type === 'exact' ? match.path.value : '/' };
      if (permanent && spec.absoluteTimeout !== undefined) cookie.ttlMs = spec.absoluteTimeout;
      return { cookie };
    },
  };
}

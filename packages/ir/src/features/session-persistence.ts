// IR check of sticky sessions (Route.sessionPersistence): a valid cookie name, TTL and path.
import type { IrFeatureCheck } from '../feature-check';

/** RFC 6265 cookie-name characters (an HTTP token). */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const sessionPersistenceCheck: IrFeatureCheck = {
  name: 'session-persistence',
  route(c, r, path) {
    if (!r.sessionPersistence) return;
    const cookie = r.sessionPersistence.cookie;
    if (!COOKIE_NAME.test(cookie.name)) c.add('bad-cookie', `${path}.sessionPersistence.cookie.name`, `"${cookie.name}" is not a cookie name`);
    c.nonNegative(cookie.ttlMs, `${path}.sessionPersistence.cookie.ttlMs`);
    if (cookie.path !== undefined && !cookie.path.startsWith('/')) c.add('bad-path', `${path}.sessionPersistence.cookie.path`, 'path must start with "/"');
  },
};

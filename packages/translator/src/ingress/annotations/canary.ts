// Canary: an Ingress marked `canary` adds header, cookie and weight rules to its primary's routes.
import { annotation, NGINX_PREFIX, type AnnotationGroup } from './annotation';
import { bool, integer, read, regex } from './values';

export interface CanarySettings {
  /** `pattern` is the RE2 regex Envoy matches against the whole header value. */
  header?: { name: string; value?: string; pattern?: string };
  cookie?: string;
  /** Share of the primary's traffic: `weight` out of `total`. */
  weight?: { weight: number; total: number };
}

const CANARY = annotation('canary', 'supported', 'marks the Ingress as a canary: its rules join the routes of the primary Ingress with the same host and path (header, then cookie, then weight)');
const BY_HEADER = annotation('canary-by-header', 'supported', 'a route matching the header: `always` goes to the canary, `never` to the primary, other values fall through to the cookie and weight rules');
const BY_HEADER_VALUE = annotation('canary-by-header-value', 'supported', 'the canary route matches this exact header value instead of `always`');
const BY_HEADER_PATTERN = annotation(
  'canary-by-header-pattern',
  'supported',
  'the canary route matches when this RE2 regular expression is found anywhere in the header value, as ingress-nginx searches (`test.com` matches `test.com.abc`); the higress.io/ key must match the whole value, as in Higress; ignored when canary-by-header-value is set',
);
const BY_COOKIE = annotation('canary-by-cookie', 'supported', 'routes matching the cookie in the Cookie header: `always` goes to the canary, `never` to the primary');
const WEIGHT = annotation('canary-weight', 'supported', 'weighted backends on the primary route: the canary gets weight/total of the remaining traffic');
const WEIGHT_TOTAL = annotation('canary-weight-total', 'supported', 'the total canary-weight is out of (default 100)');

export const canaryGroup: AnnotationGroup<CanarySettings> = {
  id: 'canary',
  annotations: [CANARY, BY_HEADER, BY_HEADER_VALUE, BY_HEADER_PATTERN, BY_COOKIE, WEIGHT, WEIGHT_TOTAL],
  parse(a, ctx) {
    if (read(a, CANARY, ctx, bool) !== true) {
      for (const def of [BY_HEADER, BY_HEADER_VALUE, BY_HEADER_PATTERN, BY_COOKIE, WEIGHT, WEIGHT_TOTAL]) {
        const found = a.get(def);
        if (found) ctx.remark(found.key, 'ignored: the Ingress is not marked canary: "true"');
      }
      return undefined;
    }
    const s: CanarySettings = {};
    const header = read(a, BY_HEADER, ctx, (t) => (t.trim() ? { ok: true, value: t.trim() } : { ok: false, message: 'must name a header' }));
    if (header) {
      s.header = { name: header.toLowerCase() };
      const value = a.get(BY_HEADER_VALUE);
      const patternFound = a.get(BY_HEADER_PATTERN);
      // ingress-nginx runs an unanchored search (ngx.re.match); Higress hands the regex to Envoy,
      // which matches the whole value. Envoy only matches whole values, so a search is `.*(?:p).*`.
      const search = patternFound?.key.startsWith(NGINX_PREFIX) === true;
      // The pattern is checked alone first: `a)(b` is invalid, though `.*(?:a)(b).*` is not.
      const pattern = read(a, BY_HEADER_PATTERN, ctx, (t) => {
        const alone = regex(t);
        return alone.ok && search ? regex(`.*(?:${t}).*`) : alone;
      });
      if (value) {
        s.header.value = value.value;
        if (patternFound) ctx.remark(patternFound.key, 'ignored: canary-by-header-value takes precedence');
      } else if (pattern !== undefined) s.header.pattern = pattern;
    } else {
      for (const def of [BY_HEADER_VALUE, BY_HEADER_PATTERN]) {
        const found = a.get(def);
        if (found) ctx.remark(found.key, 'ignored: canary-by-header is not set');
      }
    }
    const cookie = read(a, BY_COOKIE, ctx, (t) => (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(t.trim()) ? { ok: true, value: t.trim() } : { ok: false, message: 'must be a cookie name' }));
    if (cookie) s.cookie = cookie;
    const total = read(a, WEIGHT_TOTAL, ctx, integer(1, 1_000_000)) ?? 100;
    const weightFound = a.get(WEIGHT);
    const weight = read(a, WEIGHT, ctx, integer(0, 1_000_000));
    if (weight !== undefined && weightFound) {
      if (weight > total) ctx.invalid(weightFound.key, `weight ${weight} is over the total of ${total}`);
      else s.weight = { weight, total };
    }
    return s;
  },
};

// What HTTPRoute adds to rule translation: path/header/query/method matches, HTTP precedence, timeouts and retry,
// session persistence.
import { HTTP_FILTERS } from './filters';
import { toRouteMatch } from './http-match';
import type { HttpRouteRuleSpec } from './http-route-schema';
import { precedenceKey } from './route-precedence';
import type { MatchOutcome, RuleKind } from './route-rule';
import { timeoutsAndRetry } from './route-timeouts';

export const HTTP_RULES: RuleKind<HttpRouteRuleSpec> = {
  kind: 'HTTPRoute',
  prefix: 'httproute',
  filters: HTTP_FILTERS,
  resolve: {},
  noBackendStatus: 500,
  sessionPersistence: true,
  matches(rule, route, i) {
    const matches = rule.matches?.length ? rule.matches : [undefined];
    return matches.map((m, j): MatchOutcome => {
      const r = toRouteMatch(m);
      return r.ok ? { ok: true, match: r.match, key: precedenceKey(r.match, route, i, j) } : r;
    });
  },
  forwardSettings: timeoutsAndRetry,
};

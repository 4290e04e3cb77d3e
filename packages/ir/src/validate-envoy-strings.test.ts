// validateProxyGroup applies Envoy's string rules (./envoy-rules) to every field Envoy judges, naming the field.
import { routeGroup } from './test-support/route-group';
import type { Route } from './types';
import { validateProxyGroup } from './validate';

const issues = (route: Partial<Route>, domains?: string[]): string[][] => {
  const r = validateProxyGroup(routeGroup(route, { domains: domains ?? ['web.example'] }));
  return r.ok ? [] : r.issues.map((i) => [i.code, i.path.replace(/^g\.httpListeners\[0\]\.virtualHosts\[0\]/, '')]);
};

it('accepts RE2 syntax JavaScript lacks, such as (?i)', () => {
  expect(issues({ match: { path: { type: 'regex', value: '(?i)/abc' }, headers: [{ name: 'x', type: 'regex', value: '\\pL+' }] } })).toEqual([]);
});

it('refuses regexes Envoy would NACK, wherever they are', () => {
  expect(
    issues({
      match: { path: { type: 'regex', value: 'a{1001}' }, headers: [{ name: 'x', type: 'regex', value: '\\Z' }], queryParams: [{ name: 'q', type: 'regex', value: '\\u0041' }] },
      rewrite: { type: 'regex', pattern: '\\k<n>', substitution: '/' },
    }),
  ).toEqual([
    ['bad-regex', '.routes[0].match.path.value'],
    ['bad-regex', '.routes[0].match.headers[0].value'],
    ['bad-regex', '.routes[0].match.queryParams[0].value'],
    ['bad-regex', '.routes[0].rewrite.pattern'],
  ]);
});

it('refuses headers Envoy will not change and values it will not send', () => {
  expect(
    issues({
      requestHeaders: { set: [{ name: 'Host', value: 'x' }], remove: [':path'] },
      responseHeaders: { add: [{ name: 'x-a', value: 'one\r\ntwo' }] },
      action: { kind: 'forward', backends: [{ backend: 'b', weight: 1, requestHeaders: { add: [{ name: '', value: 'v' }] } }] },
    }),
  ).toEqual([
    ['bad-header-name', '.routes[0].action.backends[0].requestHeaders.add[0].name'],
    ['bad-header-name', '.routes[0].requestHeaders.set[0].name'],
    ['bad-header-name', '.routes[0].requestHeaders.remove[0]'],
    ['bad-header-value', '.routes[0].responseHeaders.add[0].value'],
  ]);
});

it('refuses empty prefix matches, domains with CR or LF, and any string that is not UTF-8', () => {
  expect(issues({ match: { path: { type: 'prefix', value: '/' }, headers: [{ name: 'x', type: 'prefix', value: '' }] } })).toEqual([['bad-match', '.routes[0].match.headers[0].value']]);
  expect(issues({}, ['web.example\n'])).toEqual([['bad-domain', '.domains[0]']]);
  expect(issues({ name: 'r\uD800' })).toEqual([['bad-string', '.routes[0].name']]);
});

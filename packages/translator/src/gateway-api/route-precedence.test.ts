// Unit tests for Gateway API rule precedence.
import type { RouteMatch } from '@tidegate/ir';
import { comparePrecedence, grpcPrecedenceKey, precedenceKey, precedenceSortKey, type PrecedenceKey } from './route-precedence';

const route = (name: string, creationTimestamp?: string) => ({ namespace: 'default', name, ...(creationTimestamp ? { creationTimestamp } : {}) });
const key = (m: RouteMatch, r = route('r'), rule = 0, match = 0) => precedenceKey(m, r, rule, match);

describe('comparePrecedence', () => {
  it('orders by each criterion in turn', () => {
    const ordered = [
      key({ path: { type: 'exact', value: '/a' } }),
      key({ path: { type: 'prefix', value: '/longer' } }),
      key({ path: { type: 'prefix', value: '/a' }, method: 'GET' }),
      key({ path: { type: 'prefix', value: '/a' }, headers: [{ name: 'x', type: 'exact', value: '1' }] }),
      key({ path: { type: 'prefix', value: '/a' }, queryParams: [{ name: 'q', type: 'exact', value: '1' }] }),
      key({ path: { type: 'prefix', value: '/a' } }, route('young', '2024-01-01T00:00:00Z')),
      key({ path: { type: 'prefix', value: '/a' } }, route('a-no-time')),
      key({ path: { type: 'prefix', value: '/a' } }, route('b-no-time')),
      key({ path: { type: 'prefix', value: '/a' } }, route('b-no-time'), 1),
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(comparePrecedence)).toEqual(ordered);
  });
});

describe('grpcPrecedenceKey', () => {
  it('orders by service characters, then method characters, then header matches, then age and name', () => {
    const r = (name: string, creationTimestamp?: string) => ({ namespace: 'default', name, ...(creationTimestamp ? { creationTimestamp } : {}) });
    const ordered = [
      grpcPrecedenceKey({ serviceLength: 18, methodLength: 0, headers: 0 }, r('a'), 0, 0),
      grpcPrecedenceKey({ serviceLength: 5, methodLength: 8, headers: 0 }, r('a'), 0, 0),
      grpcPrecedenceKey({ serviceLength: 5, methodLength: 3, headers: 2 }, r('a'), 0, 0),
      grpcPrecedenceKey({ serviceLength: 5, methodLength: 3, headers: 0 }, r('old', '2020-01-01T00:00:00Z'), 0, 0),
      grpcPrecedenceKey({ serviceLength: 5, methodLength: 3, headers: 0 }, r('a'), 0, 0),
      grpcPrecedenceKey({ serviceLength: 0, methodLength: 0, headers: 0 }, r('a'), 0, 0),
    ];
    expect([...ordered].reverse().sort(comparePrecedence)).toEqual(ordered);
  });
});

describe('precedenceSortKey', () => {
  it('sorts exactly like comparePrecedence', () => {
    const paths = ['/', '/a', '/ab', '/abc/def'];
    const keys: PrecedenceKey[] = [];
    for (let i = 0; i < 200; i++) {
      const m: RouteMatch = { path: { type: i % 3 === 0 ? 'exact' : 'prefix', value: paths[i % paths.length] as string } };
      if (i % 5 === 0) m.method = 'GET';
      if (i % 7 === 0) m.headers = [{ name: 'x', type: 'exact', value: '1' }];
      keys.push(key(m, route(`r${i % 13}`, i % 4 === 0 ? `2024-0${1 + (i % 9)}-01T00:00:00Z` : undefined), i % 3, i % 2));
    }
    const byCompare = [...keys].sort(comparePrecedence);
    const byString = [...keys].sort((a, b) => (precedenceSortKey(a) < precedenceSortKey(b) ? -1 : precedenceSortKey(a) > precedenceSortKey(b) ? 1 : 0));
    expect(byString.map((k) => k.rank)).toEqual(byCompare.map((k) => k.rank));
  });
});
